import { configWith, createCore, type Config, type Core, type CoreOptions } from '@smart-reap/shared';
import { dropPrefix, redisUrl, uniquePrefix } from './redis-context.js';

/** A core on the shared test Redis under a prefix of its own; `dispose` removes every key it made. */
export async function createTestCore(
  values: Partial<Record<keyof Config, string | number | boolean>> = {},
  options: Partial<CoreOptions> = {},
): Promise<Core & { dispose(): Promise<void> }> {
  const prefix = uniquePrefix();
  const config = configWith({ KEY_PREFIX: prefix, LOG_LEVEL: 'silent', ...values });
  const core = createCore({ config, redisUrl: redisUrl(), ...options });
  await core.ready();
  return Object.assign(core, {
    async dispose() {
      await Promise.all(core.queues.known().map((q) => q.obliterate({ force: true }).catch(() => undefined)));
      await dropPrefix(core.redis, prefix);
      await core.close();
    },
  });
}
