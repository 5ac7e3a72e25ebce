import type { Command } from 'commander';
import { ROUTES } from '@smart-reap/reaper';
import { connect, operatorOptions, printJson, runOperator, type OperatorOptions } from '../operator/operator-command.js';

interface CancelOptions extends OperatorOptions {
  reason?: string;
}

/** `reaper cancel ID [--reason R]`: POST /tasks/:id/cancel; exit 2 when the task's state refuses it (409). */
export function registerCancel(program: Command): void {
  operatorOptions(
    program
      .command('cancel')
      .description('cancel a task (POST /tasks/:id/cancel); its runner is fenced')
      .argument('<id>', 'the task id')
      .option('--reason <text>', 'recorded in the task history'),
  ).action(async (id: string, opts: CancelOptions) => {
    const { api, apiUrl } = connect(opts);
    await runOperator('cancel', apiUrl, `no task with id ${id}`, async () => {
      const body = opts.reason === undefined ? {} : { reason: opts.reason };
      const answer = await api.post(`/tasks/${encodeURIComponent(id)}/cancel`, body, ROUTES.cancel.responses[200].schema);
      if (opts.json) printJson(answer.raw);
      else process.stdout.write(`task ${answer.parsed.id} ${answer.parsed.status}\n`);
    });
  });
}
