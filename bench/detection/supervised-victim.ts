/**
 * A SupervisedWorker at BullMQ's defaults, run as its own process so that it can be SIGKILLed or
 * blocked like a real one. argv: redisUrl keyPrefix nodeName kind mode (hang | block-75s)
 */
import { SupervisedWorker } from '@smart-reap/runner';
import { victimWork } from './victim-work.js';

const [redisUrl, keyPrefix, nodeName, kind, mode] = process.argv.slice(2) as [string, string, string, string, string];
const url = new URL(redisUrl);

const worker = new SupervisedWorker(
  async () => victimWork(mode),
  { connection: { host: url.hostname, port: Number(url.port) }, keyPrefix, nodeName, kinds: [kind] },
);
// Its BullMQ lock lapses while it blocks and goes to another worker, so BullMQ's own finish fails
// with "Missing lock"; the task was completed through its CAS before that.
worker.worker.on('error', (err) => process.stderr.write(`supervised victim: ${err.message}\n`));
