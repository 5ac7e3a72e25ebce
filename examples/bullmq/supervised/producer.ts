// The same producer, supervised: it adds a `task` job to smart-reap's `tasks` queue (prefix `{<KEY_PREFIX>}:q`).
// `node --import tsx examples/bullmq/supervised/producer.ts` with a stack up (`pnpm -s reaper start`).
import { Queue } from 'bullmq';

const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const tasks = new Queue('tasks', { connection: { host: url.hostname, port: Number(url.port || 6379) }, prefix: '{sr}:q' });
await tasks.add('task', { kind: 'resize', payload: { image: 'cat.png', width: 640 } }, { jobId: 'resize-cat.png' });
await tasks.close();
