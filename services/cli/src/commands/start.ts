import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { ConfigError, QUEUE, createLogger, loadConfig } from '@smart-reap/shared';
import { intakeContract } from '@smart-reap/reaper';
import { watchParent } from '../runtime/parent-watch.js';
import { redisForStart } from '../runtime/redis-for-start.js';
import { reportPersistence } from '../runtime/redis-durability.js';
import { SERVICE_NAMES, startStack, type ServiceName } from '../runtime/start-stack.js';

/** Beyond SHUTDOWN_GRACE_MS, what a stop may take in all before the process exits regardless. */
const EXIT_SLACK_MS = 900;

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run the reaper, prober and diagnoser in one process (or one of them with --only)')
    .addOption(new Option('--only <service>', 'run one service alone').choices(SERVICE_NAMES))
    .option('--ephemeral', 'without REDIS_URL: the private redis-server keeps nothing (no files in DATA_DIR)')
    .action(async (opts: { only?: ServiceName; ephemeral?: boolean }) => {
      let config;
      try {
        config = loadConfig();
      } catch (err) {
        if (err instanceof ConfigError) {
          process.stderr.write(`${err.message}\n`);
          process.exit(1);
        }
        throw err;
      }
      const logger = createLogger('smart-reap', config.LOG_LEVEL);
      let redis;
      try {
        redis = await redisForStart({
          redisUrl: config.REDIS_URL,
          dataDir: opts.ephemeral ? undefined : join(resolve(config.DATA_DIR), 'redis'),
          logger,
        });
      } catch (err) {
        process.stderr.write(`${(err as Error).message}\n`);
        process.exit(1);
      }
      const services = opts.only ? [opts.only] : SERVICE_NAMES;
      const stack = await startStack({ config, redisUrl: redis.url, services, logger });
      await reportPersistence(stack.core.redis, logger);
      logger.info({ services, address: stack.address, port: stack.port, dryRun: config.DRY_RUN }, `smart-reap up: API and dashboard on ${stack.url} (/admin/queues), bound to ${stack.address}`);
      // Where a plain BullMQ producer's jobs become tasks: the one thing a producer needs to know.
      if (services.includes('reaper')) logger.info({ queue: QUEUE.tasks, prefix: stack.core.keys.bullPrefix() }, intakeContract(stack.core.keys));
      let stopping = false;
      const stop = async (why: Record<string, unknown>) => {
        if (stopping) return;
        stopping = true;
        logger.info(why, 'shutting down');
        // Every step below is bounded, but a stop must end whatever hangs: this is the last word.
        setTimeout(() => {
          logger.error({ afterMs: config.SHUTDOWN_GRACE_MS + EXIT_SLACK_MS }, 'shutdown overran: exiting now');
          process.exit(1);
        }, config.SHUTDOWN_GRACE_MS + EXIT_SLACK_MS).unref();
        try {
          await stack.close();
        } finally {
          await redis.stop();
        }
        process.exit(0);
      };
      process.on('SIGTERM', () => void stop({ signal: 'SIGTERM' }));
      process.on('SIGINT', () => void stop({ signal: 'SIGINT' }));
      // Whoever started the service (pnpm, a shell, a supervisor) is gone: stop as on SIGTERM.
      watchParent((was, now) => void stop({ reason: `parent process ${was} exited (now adopted by ${now})` }));
    });
}
