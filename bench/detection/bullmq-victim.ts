/**
 * A BullMQ worker at its defaults, run as its own process so that it can be SIGKILLed or blocked
 * like a real one. argv: redisUrl queueName mode (hang | block-75s) counterKey
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { victimWork } from './victim-work.js';

const [redisUrl, queueName, mode, counterKey] = process.argv.slice(2) as [string, string, string, string];
const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
const counter = new Redis(redisUrl);

const worker = new Worker(
  queueName,
  async () => {
    await counter.incr(counterKey);
    return victimWork(mode);
  },
  { connection },
);
// Once its lock has gone to another worker, this one's own finish fails with "Missing lock": that
// is the double run being measured, said in one line rather than a stack.
worker.on('error', (err) => process.stderr.write(`bullmq victim: ${err.message}\n`));
