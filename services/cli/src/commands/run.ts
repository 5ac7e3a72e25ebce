import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import { Option, type Command } from 'commander';
import { apiUrlFor, clientConfig, msFromEnv, parseApiUrl, parsePositiveMs } from '../api-options.js';
import { runCommand } from '@smart-reap/runner';

interface RunOptions {
  kind: string;
  api?: string;
  token?: string;
  runnerId?: string;
  wait?: boolean;
  heartbeatMs?: number;
  pollMs?: number;
  killGraceMs?: number;
}

/** Echoes to one of the wrapper's own streams until it breaks (a closed pipe): the run goes on regardless. */
function safeEcho(stream: NodeJS.WriteStream): Writable {
  let broken = false;
  stream.on('error', () => {
    broken = true;
  });
  return { write: (text: string) => (broken ? true : stream.write(text)) } as unknown as Writable;
}

/**
 * `reaper run --kind K [--api URL] [--token T] [--runner-id ID] [--wait] -- COMMAND [ARGS...]`
 * (DESIGN §10). Exit code: the command's own (128 + n when killed by signal n); 75 when no task
 * was waiting, 69 when the API could not be reached or refused, 77 when the task was taken from
 * this runner (409), 71 when the command could not be started.
 */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a command as the runner of a task of kind K: claim, beat, stream its output to the task log, report its exit')
    .requiredOption('--kind <kind>', 'the kind of task to claim')
    .option('--api <url>', 'the API (default: REAPER_API_URL, else http://127.0.0.1:$PORT)', parseApiUrl)
    .option('--token <token>', 'bearer token for the API (default: API_TOKEN)')
    .option('--runner-id <id>', 'this runner\'s id (default: run-<host>-<pid>-<random>)')
    .option('--wait', 'when no task is waiting, poll until one comes instead of exiting 75')
    .addOption(new Option('--heartbeat-ms <ms>', 'between beats (default: REAPER_HEARTBEAT_MS, else 30000)').argParser(parsePositiveMs).hideHelp())
    .addOption(new Option('--poll-ms <ms>', 'between claims with --wait (default: REAPER_CLAIM_POLL_MS, else 5000)').argParser(parsePositiveMs).hideHelp())
    .addOption(new Option('--kill-grace-ms <ms>', 'SIGTERM to SIGKILL after a 409 (default: REAPER_KILL_GRACE_MS, else 10000)').argParser(parsePositiveMs).hideHelp())
    .argument('<command>', 'the program to run (after --)')
    .argument('[args...]', 'its arguments')
    .addHelpText(
      'after',
      `
The command gets REAPER_TASK_ID, REAPER_TASK_KIND, REAPER_TASK_ATTEMPT, REAPER_TASK_PAYLOAD (JSON)
and REAPER_TASK_PAYLOAD_FILE; a continuation also REAPER_TASK_PARENT_ID, REAPER_PARTIAL_OUTPUT
(and _FILE), REAPER_PARTIAL_OUTPUT_RATIO and REAPER_RESUME_FROM. To report progress itself it has
REAPER_API_URL, REAPER_RUNNER_ID and REAPER_TASK_LEASE (send it as header Reaper-Lease). The exact
values of secret-named variables (…KEY…, …TOKEN…, …SECRET…, …PASSWORD…) are hidden in what is shipped.
Exit code: the command's (128+n when killed by signal n); 75 no task waiting; 69 API unreachable
or refused; 77 the task was taken from this runner (409); 71 the command could not be started.`,
    )
    .action(async (command: string, args: string[], opts: RunOptions) => {
      const env = process.env;
      const config = clientConfig(env);
      const host = config.NODE_NAME;
      const say = (line: string): void => {
        process.stderr.write(`reaper run: ${line}\n`);
      };
      process.exitCode = await runCommand({
        kind: opts.kind,
        command,
        args,
        apiUrl: apiUrlFor(opts.api, env, config),
        token: opts.token ?? config.API_TOKEN,
        runnerId: opts.runnerId ?? `run-${host}-${process.pid}-${randomBytes(3).toString('hex')}`,
        host,
        wait: opts.wait ?? false,
        heartbeatMs: opts.heartbeatMs ?? msFromEnv(env, 'REAPER_HEARTBEAT_MS'),
        pollMs: opts.pollMs ?? msFromEnv(env, 'REAPER_CLAIM_POLL_MS'),
        killGraceMs: opts.killGraceMs ?? msFromEnv(env, 'REAPER_KILL_GRACE_MS'),
        say,
        echoStdout: safeEcho(process.stdout),
        echoStderr: safeEcho(process.stderr),
      });
    });
}
