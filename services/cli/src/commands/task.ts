import type { Command } from 'commander';
import { TaskSchema } from '@smart-reap/shared';
import { ApiClient, RunnerApiError, describeApiFailure } from '@smart-reap/runner';
import { apiUrlFor, clientConfig, parseApiUrl } from '../api-options.js';
import { formatTaskReport } from '../task-report.js';

interface TaskOptions {
  api?: string;
  token?: string;
  json?: boolean;
}

/** `reaper task <id> [--api URL] [--json]` (DESIGN §10): a task and its diagnosis for a person; exit 1 when there is no such task. */
export function registerTask(program: Command): void {
  program
    .command('task')
    .description('print a task and its diagnosis (context.reap_diagnosis) for a person')
    .argument('<id>', 'the task id')
    .option('--api <url>', 'the API (default: REAPER_API_URL, else http://127.0.0.1:$PORT)', parseApiUrl)
    .option('--token <token>', 'bearer token for the API (default: API_TOKEN)')
    .option('--json', 'print the task as the API returns it')
    .action(async (id: string, opts: TaskOptions) => {
      const config = clientConfig();
      const apiUrl = apiUrlFor(opts.api, process.env, config);
      const client = new ApiClient({ apiUrl, token: opts.token ?? config.API_TOKEN });
      let raw: unknown;
      try {
        raw = await client.getTaskJson(id);
      } catch (err) {
        const message = err instanceof RunnerApiError && err.status === 404 ? `no task with id ${id}` : describeApiFailure(err, apiUrl);
        process.stderr.write(`reaper task: ${message}\n`);
        process.exitCode = 1;
        return;
      }
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(raw, null, 2)}\n`);
        return;
      }
      const parsed = TaskSchema.safeParse(raw);
      if (!parsed.success) {
        process.stderr.write(`reaper task: the API sent a task this CLI cannot read (${parsed.error.issues[0]?.message}); try --json\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(formatTaskReport(parsed.data));
    });
}
