import { Option, type Command } from 'commander';
import { ConfigError, createLogger, loadConfig } from '@smart-reap/shared';
import { redisForStart } from '../../runtime/redis-for-start.js';
import { SERVICE_NAMES, startStack, type ServiceName } from '../../runtime/start-stack.js';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run the reaper, prober and diagnoser in one process (or one of them with --only)')
    .addOption(new Option('--only <service>', 'run one service alone').choices(SERVICE_NAMES))
    .action(async (opts: { only?: ServiceName }) => {
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
        redis = await redisForStart(config.REDIS_URL, logger);
      } catch (err) {
        process.stderr.write(`${(err as Error).message}\n`);
        process.exit(1);
      }
      const services = opts.only ? [opts.only] : SERVICE_NAMES;
      const stack = await startStack({ config, redisUrl: redis.url, services, logger });
      logger.info({ services, address: stack.address, port: stack.port, dryRun: config.DRY_RUN }, `smart-reap up: API and dashboard on ${stack.url} (/admin/queues), bound to ${stack.address}`);
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'shutting down');
        await stack.close();
        await redis.stop();
        process.exit(0);
      };
      process.on('SIGTERM', () => void stop('SIGTERM'));
      process.on('SIGINT', () => void stop('SIGINT'));
    });
}
