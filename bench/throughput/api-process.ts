/**
 * bench/throughput's API: the reaper service as `reaper start --only reaper` composes it (API,
 * scheduler, decide/intake/reassign workers), in a process of its own so the load generator does
 * not share its event loop. Sends its URL to the parent, stops on 'stop'.
 */
import { configWith, createLogger } from '@smart-reap/shared';
import { startStack } from '@smart-reap/cli';
import { THROUGHPUT_CONFIG } from './protocol.js';

const redisUrl = process.argv[2];
if (!redisUrl) throw new Error('usage: api-process.ts REDIS_URL');
const stack = await startStack({
  config: configWith(THROUGHPUT_CONFIG),
  redisUrl,
  services: ['reaper'],
  logger: createLogger('bench', 'warn'),
  host: '127.0.0.1',
});
process.send!({ type: 'ready', url: stack.url });
process.on('message', (m: { type: string }) => {
  if (m.type === 'stop') void stack.close().then(() => process.exit(0));
});
