// Its plain BullMQ Worker: `node --import tsx examples/bullmq/plain/worker.ts`.
import { Worker } from 'bullmq';

const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
new Worker(
  'resize',
  async (job) => {
    await job.updateProgress(0.5);
    return { resized: job.data.image, width: job.data.width };
  },
  { connection: { host: url.hostname, port: Number(url.port || 6379) }, concurrency: 2 },
);
