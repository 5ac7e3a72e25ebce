import { InvalidArgumentError, type Command } from 'commander';
import { CrashTypeSchema, TaskStatusSchema, type TaskStatus, type TaskView } from '@smart-reap/shared';
import { ROUTES } from '@smart-reap/reaper';
import { connect, operatorOptions, printJson, runOperator, table, type OperatorOptions } from '../operator/operator-command.js';
import { age } from '../task-report.js';

interface ListOptions extends OperatorOptions {
  status?: TaskStatus;
  kind?: string;
  crash?: string;
  limit: number;
  cursor?: string;
}

/** The API's largest page: a longer list is read page by page. */
const API_PAGE_MAX = 500;

function oneOf(values: readonly string[], what: string) {
  return (value: string) => {
    if (!values.includes(value)) throw new InvalidArgumentError(`a ${what}: ${values.join(', ')}`);
    return value;
  };
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('a positive whole number');
  return n;
}

/** `reaper list [--status S] [--kind K] [--crash T] [--limit N] [--cursor C] [--json]`: tasks, newest first. */
export function registerList(program: Command): void {
  operatorOptions(
    program
      .command('list')
      .description('list tasks, newest first (GET /tasks)')
      .option('--status <status>', `only tasks in this status (${TaskStatusSchema.options.join(', ')})`, oneOf(TaskStatusSchema.options, 'status'))
      .option('--kind <kind>', 'only tasks of this kind')
      .option('--crash <type>', `only tasks whose diagnosis names this crash type (${CrashTypeSchema.options.join(', ')})`, oneOf(CrashTypeSchema.options, 'crash type'))
      .option('--limit <n>', 'at most this many tasks', positiveInt, 50)
      .option('--cursor <cursor>', 'start after the page that gave this cursor'),
  ).action(async (opts: ListOptions) => {
    const { api, apiUrl } = connect(opts);
    await runOperator('list', apiUrl, 'not found', async () => {
      const schema = ROUTES.listTasks.responses[200].schema;
      const tasks: TaskView[] = [];
      const raw: unknown[] = [];
      let cursor = opts.cursor;
      do {
        const page = await api.get('/tasks', { status: opts.status, kind: opts.kind, crashType: opts.crash, limit: Math.min(API_PAGE_MAX, opts.limit - tasks.length), cursor }, schema);
        tasks.push(...page.parsed.tasks);
        raw.push(...((page.raw as { tasks: unknown[] }).tasks ?? []));
        cursor = page.parsed.nextCursor;
      } while (cursor && tasks.length < opts.limit);
      if (opts.json) {
        printJson(cursor ? { tasks: raw, nextCursor: cursor } : { tasks: raw });
        return;
      }
      if (tasks.length === 0) {
        process.stdout.write('no tasks\n');
        return;
      }
      const now = Date.now();
      const rows = tasks.map((t) => [
        t.id,
        t.kind,
        t.status + (t.needsAttention ? '!' : ''),
        `${t.attempt}/${t.maxRetries + 1}`,
        t.context.reap_diagnosis?.crashType ?? '-',
        age(now - t.updatedAt),
        t.context.reap_diagnosis?.summary ?? '',
      ]);
      process.stdout.write(table(['ID', 'KIND', 'STATUS', 'ATTEMPT', 'CRASH', 'UPDATED', 'SUMMARY'], rows));
      if (cursor) process.stderr.write(`more: add --cursor ${cursor}\n`);
    });
  });
}
