import type { Command } from 'commander';
import { RunnerApiError, describeApiFailure } from '@smart-reap/runner';
import { apiUrlFor, clientConfig, parseApiUrl } from '../api-options.js';
import { OperatorApi } from './operator-api.js';

export interface OperatorOptions {
  api?: string;
  token?: string;
  json?: boolean;
}

/**
 * The exit codes of the operator commands (docs/cli.md): a script can tell "no such task" from "the
 * task's state refused it" from "the API was not there" without reading the message.
 */
export const OPERATOR_EXIT = {
  /** 404: no such task (or incident). */
  notFound: 1,
  /** 409: the task's state does not allow it (cancel a COMPLETED task, retry one that is not FAILED). */
  refused: 2,
  /** Any other refusal (400, 401, 5xx) or an answer this CLI cannot read. */
  failed: 3,
  /** The API could not be reached or did not answer in time (sysexits EX_UNAVAILABLE, as `reaper run`). */
  unreachable: 69,
} as const;

/** `--api`, `--token` and `--json`, as every operator command takes them. */
export function operatorOptions(command: Command): Command {
  return command
    .option('--api <url>', 'the API (default: REAPER_API_URL, else http://127.0.0.1:$PORT)', parseApiUrl)
    .option('--token <token>', 'bearer token for the API (default: API_TOKEN)')
    .option('--json', 'print what the API answered, as JSON');
}

export function connect(opts: OperatorOptions): { api: OperatorApi; apiUrl: string } {
  const config = clientConfig();
  const apiUrl = apiUrlFor(opts.api, process.env, config);
  return { api: new OperatorApi({ apiUrl, token: opts.token ?? config.API_TOKEN }), apiUrl };
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Runs a command's body; a failure becomes one line on stderr (`reaper <name>: …`) and its exit
 * code. `notFound` words the 404 for a person ("no task with id X").
 */
export async function runOperator(name: string, apiUrl: string, notFound: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    const [code, message] = failure(err, apiUrl, notFound);
    process.stderr.write(`reaper ${name}: ${message}\n`);
    process.exitCode = code;
  }
}

function failure(err: unknown, apiUrl: string, notFound: string): [number, string] {
  if (err instanceof RunnerApiError) {
    if (err.status === 404) return [OPERATOR_EXIT.notFound, notFound];
    if (err.status === 409) return [OPERATOR_EXIT.refused, `refused: ${err.serverMessage}`];
    return [OPERATOR_EXIT.failed, describeApiFailure(err, apiUrl)];
  }
  if ((err as Error)?.name === 'ZodError') return [OPERATOR_EXIT.failed, `the API sent an answer this CLI cannot read; try --json`];
  // Not an answer at all: fetch threw (refused connection, DNS, timeout).
  return [OPERATOR_EXIT.unreachable, describeApiFailure(err, apiUrl)];
}

/** Rows as aligned columns under a header; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
