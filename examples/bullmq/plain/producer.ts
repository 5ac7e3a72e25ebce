// A plain BullMQ producer: `node --import tsx examples/bullmq/plain/producer.ts` (REDIS_URL, default localhost).
import { Queue } from 'bullmq';

const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const queue = new Queue('resize', { connection: { host: url.hostname, port: Number(url.port || 6379) } });
await queue.add('resize', { image: 'cat.png', width: 640 });
await queue.close();
