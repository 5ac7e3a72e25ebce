// The same Worker, supervised: `node --import tsx examples/bullmq/supervised/worker.ts`. smart-reap
// now sees this process die (SIGKILL, OOM) within seconds, and does not re-run a job whose worker
// only blocks its event loop.
import { SupervisedWorker } from '@smart-reap/runner';

const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
new SupervisedWorker(
  async (job, _token, { signal }) => {
    await job.updateProgress(0.5);
    if (signal.aborted) throw new Error('fenced: this attempt no longer counts');
    return { resized: job.data.image, width: job.data.width };
  },
  { connection: { host: url.hostname, port: Number(url.port || 6379) }, concurrency: 2, keyPrefix: 'sr', kinds: ['resize'] },
);
