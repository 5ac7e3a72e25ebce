import type { Command } from 'commander';
import { ROUTES } from '@smart-reap/reaper';
import { connect, operatorOptions, printJson, runOperator, table, type OperatorOptions } from '../operator/operator-command.js';
import { age } from '../task-report.js';

interface IncidentsOptions extends OperatorOptions {
  open?: boolean;
}

/** `reaper incidents [--open]`: GET /incidents, newest first. */
export function registerIncidents(program: Command): void {
  operatorOptions(
    program
      .command('incidents')
      .description('list incidents, newest first (GET /incidents); an open one holds its tasks\' retries')
      .option('--open', 'only open incidents'),
  ).action(async (opts: IncidentsOptions) => {
    const { api, apiUrl } = connect(opts);
    await runOperator('incidents', apiUrl, 'not found', async () => {
      const answer = await api.get('/incidents', { open: opts.open ? 'true' : undefined }, ROUTES.incidents.responses[200].schema);
      if (opts.json) {
        printJson(answer.raw);
        return;
      }
      const { incidents } = answer.parsed;
      if (incidents.length === 0) {
        process.stdout.write(opts.open ? 'no open incidents\n' : 'no incidents\n');
        return;
      }
      const now = Date.now();
      const rows = incidents.map((i) => [
        i.id,
        i.cause,
        i.scope,
        age(now - i.openedAt),
        String(i.tasks.length),
        i.resolvedAt === undefined ? 'open' : `resolved ${age(now - i.resolvedAt)}${i.resolvedBy ? ` by ${i.resolvedBy}` : ''}`,
      ]);
      process.stdout.write(table(['ID', 'CAUSE', 'SCOPE', 'OPENED', 'TASKS', 'STATE'], rows));
    });
  });
}
