import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { Keys, QUEUE, TaskProducer, createRedisClient, type CreateTaskBody } from '@smart-reap/shared';
import { startTestStack, type TestStack } from '../../../../test/support/stack.js';
import { redisUrl, uniquePrefix } from '../../../../test/support/redis-context.js';

describe('TaskProducer: tasks straight onto Redis and the BullMQ assigned queue', () => {
  let producer: TaskProducer | undefined;
  let stack: TestStack | undefined;
  afterEach(async () => {
    await producer?.close();
    await stack?.dispose();
    producer = stack = undefined;
  });

  it('creates a task the reaper serves, on the assigned queue, with idempotency and a clear error for a bad body', async () => {
    const prefix = uniquePrefix('prod');
    stack = await startTestStack({ KEY_PREFIX: prefix }, ['reaper']);
    producer = await TaskProducer.connect({ redisUrl: redisUrl(), keyPrefix: prefix });

    const first = await producer.create({ kind: 'etl', idempotencyKey: 'batch-7', payload: { day: '2026-11-22' } });
    const again = await producer.create({ kind: 'etl', idempotencyKey: 'batch-7' });
    expect(first.created).toBe(true);
    expect(again).toEqual({ task: first.task, created: false });

    const queue = new Queue(QUEUE.assigned, { connection: createRedisClient({ url: redisUrl(), role: 'worker' }), prefix: new Keys(prefix).bullPrefix() });
    const jobs = await queue.getJobs(['waiting', 'delayed']);
    await queue.close();
    expect(jobs.map((j) => j.data)).toEqual([{ taskId: first.task.id, attempt: 1 }]);

    const seen = await stack.api('GET', `/tasks/${first.task.id}`);
    expect(seen.json).toMatchObject({ kind: 'etl', status: 'ASSIGNED', payload: { day: '2026-11-22' } });

    const bad = producer.create({ kind: 'has spaces' } as CreateTaskBody);
    await expect(bad).rejects.toBeInstanceOf(ZodError);
    await expect(bad).rejects.toThrow(/no spaces/);

    // A payload nested past the bound is refused naming payload, before anything serialises it.
    let deep: unknown = 0;
    for (let i = 0; i < 5000; i++) deep = [deep];
    const tooDeep = await producer.create({ kind: 'etl', payload: deep }).catch((e: unknown) => e);
    expect(tooDeep).toBeInstanceOf(ZodError);
    expect((tooDeep as ZodError).issues.map((i) => i.path.join('.'))).toEqual(['payload']);
  });
});
