/**
 * A BullMQ worker at its defaults, run as its own process so that it can be SIGKILLed or blocked
 * like a real one. argv: redisUrl queueName mode (hang | block-75s) counterKey
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

const [redisUrl, queueName, mode, counterKey] = process.argv.slice(2) as [string, string, string, string];
const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
const counter = new Redis(redisUrl);

const worker = new Worker(
  queueName,
  async () => {
    await counter.incr(counterKey);
    process.stdout.write('started\n');
    if (mode === 'block-75s') {
      const until = Date.now() + 75_000;
      while (Date.now() < until) {
        /* a CPU-bound step that never yields to the event loop */
      }
      return 'done';
    }
    await new Promise(() => undefined);
  },
  { connection },
);
// Once its lock has gone to another worker, this one's own finish fails with "Missing lock": that
// is the double run being measured, said in one line rather than a stack.
worker.on('error', (err) => process.stderr.write(`bullmq victim: ${err.message}\n`));
