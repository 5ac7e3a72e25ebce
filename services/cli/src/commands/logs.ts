import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import type { TaskStatus } from '@smart-reap/shared';
import { ROUTES } from '@smart-reap/reaper';
import { parsePositiveMs } from '../api-options.js';
import { connect, operatorOptions, runOperator, type OperatorOptions } from '../operator/operator-command.js';

interface LogsOptions extends OperatorOptions {
  follow?: boolean;
  interval: number;
}

/** The route's largest page: reading the whole log takes as few calls as it can. */
const PAGE = 1000;

/**
 * Where --follow stops: no runner of this attempt writes any more. FAILED counts: a retry is a new
 * attempt whose lines a new `reaper logs` reads.
 */
function attemptOver(status: TaskStatus): boolean {
  return status === 'COMPLETED' || status === 'CANCELLED' || status === 'FAILED';
}

/**
 * `reaper logs ID [--follow] [--json]`: the task's whole stored log (GET /tasks/:id/log, page by
 * page), as stored: redacted when it was appended. `--follow` keeps reading until the attempt is over.
 */
export function registerLogs(program: Command): void {
  operatorOptions(
    program
      .command('logs')
      .description("print a task's stored log, oldest line first (GET /tasks/:id/log)")
      .argument('<id>', 'the task id')
      .option('-f, --follow', 'keep printing new lines until the task is COMPLETED, CANCELLED or FAILED')
      .option('--interval <ms>', 'with --follow: how often to look for new lines', parsePositiveMs, 1000),
  ).action(async (id: string, opts: LogsOptions) => {
    const { api, apiUrl } = connect(opts);
    const path = `/tasks/${encodeURIComponent(id)}`;
    await runOperator('logs', apiUrl, `no task with id ${id}`, async () => {
      let cursor: string | undefined;
      const drain = async () => {
        for (;;) {
          const page = await api.get(`${path}/log`, { cursor, limit: PAGE }, ROUTES.readLog.responses[200].schema);
          // --json: one JSON object a line, so a follower's output can be read as it comes.
          const out = page.parsed.lines.map((l) => (opts.json ? JSON.stringify(l) : l.line)).join('\n');
          if (out) process.stdout.write(`${out}\n`);
          cursor = page.parsed.nextCursor;
          if (page.parsed.lines.length < PAGE) return;
        }
      };
      let over = false;
      for (;;) {
        await drain();
        // The status is read before the last drain: lines written before the attempt ended are all printed.
        if (!opts.follow || over) return;
        over = attemptOver((await api.get(path, {}, ROUTES.getTask.responses[200].schema)).parsed.status);
        if (!over) await sleep(opts.interval);
      }
    });
  });
}
