import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { ROUTES } from '@smart-reap/reaper';
import { connect, operatorOptions, printJson, runOperator, type OperatorOptions } from '../operator/operator-command.js';

interface RetryOptions extends OperatorOptions {
  by?: string;
  reason?: string;
}

/** Who asked, when `--by` does not say: the OS user running the CLI. */
function osUser(): string {
  try {
    return userInfo().username || 'operator';
  } catch {
    return process.env.USER || 'operator';
  }
}

/** `reaper retry ID [--by NAME] [--reason R]`: POST /tasks/:id/retry; exit 2 when the task is not FAILED or has no retries left (409). */
export function registerRetry(program: Command): void {
  operatorOptions(
    program
      .command('retry')
      .description('give a FAILED task one more attempt (POST /tasks/:id/retry)')
      .argument('<id>', 'the task id')
      .option('--by <name>', 'who asks, recorded in the task history and the audit trail (default: the OS user)')
      .option('--reason <text>', 'why, recorded with it'),
  ).action(async (id: string, opts: RetryOptions) => {
    const { api, apiUrl } = connect(opts);
    await runOperator('retry', apiUrl, `no task with id ${id}`, async () => {
      const body = { by: opts.by ?? osUser(), ...(opts.reason === undefined ? {} : { reason: opts.reason }) };
      const answer = await api.post(`/tasks/${encodeURIComponent(id)}/retry`, body, ROUTES.retry.responses[200].schema);
      if (opts.json) {
        printJson(answer.raw);
        return;
      }
      const t = answer.parsed;
      process.stdout.write(`task ${t.id} ${t.status}: attempt ${t.attempt} of ${t.maxRetries + 1} queued, asked by ${body.by}\n`);
    });
  });
}
