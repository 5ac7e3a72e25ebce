import { InvalidArgumentError, type Command } from 'commander';
import { ConfigError } from '@smart-reap/shared';
import { DEMO_EXIT, runDemo } from '@smart-reap/demo';
import { redisForStart } from '../runtime/redis-for-start.js';
import { SERVICE_NAMES, startStack } from '../runtime/start-stack.js';

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port number, 0 for any free one');
  return n;
}

/**
 * `reaper demo [--keep] [--port N]` (DESIGN §10): the stack with real runner processes that work,
 * hang, block, crash and get killed, a live table of what the reaper does about each, and a
 * summary. Exits 0 when every scenario ended as expected, 1 when one did not, 130 on Ctrl-C.
 */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the stack with real runners that work, hang, crash and die, and show what the reaper does with each')
    .option('--keep', 'keep the stack up after the summary to look around (Ctrl-C to stop)')
    .option('--port <port>', 'port of the API and dashboard (default: any free one)', parsePort, 0)
    .action(async (opts: { keep?: boolean; port: number }) => {
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, onSignal);
      // Output piped into a reader that went away (`| head`): the demo still ends and cleans up.
      process.stdout.on('error', () => undefined);
      let code: number;
      try {
        code = await runDemo({
          keep: opts.keep === true,
          port: opts.port,
          env: process.env,
          out: process.stdout,
          stop: stop.signal,
          startStack: (o) => startStack({ ...o, services: SERVICE_NAMES }),
          redisForStart,
        });
      } catch (err) {
        process.stderr.write(`reaper demo: ${err instanceof ConfigError ? err.message : (err as Error).message}\n`);
        code = DEMO_EXIT.unexpected;
      }
      process.exit(code);
    });
}
