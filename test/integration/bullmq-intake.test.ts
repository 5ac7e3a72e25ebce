import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, waitFor, type TestStack } from '../support/stack.js';
import { redisUrl } from '../support/redis-context.js';

/**
 * Issue 12, plain BullMQ producers (DESIGN §9): a producer that knows only BullMQ adds a `task`
 * job to queue `tasks` under the documented prefix, and a runner claims the task over HTTP. The
 * producer side here is BullMQ and ioredis only, nothing of smart-reap's.
 */
describe('plain BullMQ producers: a `task` job on the tasks queue becomes a task', () => {
  let s: TestStack;
  let connection: Redis;
  let queue: Queue;

  beforeAll(async () => {
    s = await startTestStack();
    connection = new Redis(redisUrl());
    queue = new Queue('tasks', { connection, prefix: s.core.keys.bullPrefix() });
  });
  afterAll(async () => {
    await queue?.close();
    connection?.disconnect();
    await s?.dispose();
  });

  /** The job once the intake worker is done with it: completed or failed. */
  async function settled(job: Job): Promise<Job> {
    return waitFor(
      async () => {
        // The state first, then the job: a job read before it failed holds no failedReason yet.
        const state = await queue.getJobState(job.id!);
        return state === 'completed' || state === 'failed' ? await queue.getJob(job.id!) : undefined;
      },
      10_000,
      `job ${job.id} settled`,
    );
  }

  it('creates the task a runner claims over HTTP, its id the job’s return value', async () => {
    const job = await settled(await queue.add('task', { kind: 'intake-etl', payload: { day: '2026-12-03' } }));
    expect(job.failedReason).toBeFalsy();
    expect(job.returnvalue).toEqual({ taskId: expect.any(String), status: 'ASSIGNED', created: true });
    const { taskId } = job.returnvalue as { taskId: string };

    const listed = await s.api('GET', '/tasks?kind=intake-etl');
    expect(listed.json.tasks.map((t: { id: string }) => t.id)).toEqual([taskId]);
    const shown = await s.api('GET', `/tasks/${taskId}`);
    expect(shown.json).toMatchObject({ kind: 'intake-etl', status: 'ASSIGNED', payload: { day: '2026-12-03' }, idempotencyKey: job.id });

    const claim = await s.api('POST', '/tasks/claim', { runnerId: 'intake-runner', kinds: ['intake-etl'], runtime: { type: 'heartbeat', ref: '' } });
    expect(claim.status).toBe(200);
    expect(claim.json).toMatchObject({ id: taskId, status: 'IN_PROGRESS', payload: { day: '2026-12-03' }, lease: expect.any(String) });
  });

  it('makes one task of one job id added twice, and of the same id once the first job is gone', async () => {
    const first = await settled(await queue.add('task', { kind: 'intake-once' }, { jobId: 'order-42' }));
    // BullMQ itself ignores an id it still holds; removed, the same id comes again and the task is found by its key.
    await queue.add('task', { kind: 'intake-once' }, { jobId: 'order-42' });
    await first.remove();
    const again = await settled(await queue.add('task', { kind: 'intake-once' }, { jobId: 'order-42' }));
    expect(first.returnvalue).toMatchObject({ created: true });
    expect(again.returnvalue).toEqual({ taskId: first.returnvalue.taskId, status: 'ASSIGNED', created: false });
    const listed = await s.api('GET', '/tasks?kind=intake-once');
    expect(listed.json.tasks).toHaveLength(1);
  });

  it('fails a job that does not validate, naming the field, and creates nothing', async () => {
    let deep: unknown = 0;
    for (let i = 0; i < 100; i++) deep = [deep];
    const bad = {
      kind: await queue.add('task', { kind: 'has space' }),
      payload: await queue.add('task', { kind: 'intake-bad', payload: deep }),
      missing: await queue.add('task', { payload: { x: 1 } }),
      unknown: await queue.add('task', { kind: 'intake-bad', priority: 3 }),
    };
    const reasons = Object.fromEntries(await Promise.all(Object.entries(bad).map(async ([k, j]) => [k, (await settled(j)).failedReason])));
    expect(reasons).toEqual({
      kind: 'invalid "task" job: kind: no spaces, colons or braces',
      payload: expect.stringMatching(/^invalid "task" job: payload: /),
      missing: expect.stringMatching(/^invalid "task" job: kind: /),
      unknown: expect.stringMatching(/^invalid "task" job: \(data\): .*"priority"/),
    });
    // Failed for good, not waiting for a retry.
    for (const j of Object.values(bad)) expect((await queue.getJob(j.id!))!.attemptsMade).toBeLessThanOrEqual(1);
    expect((await s.api('GET', '/tasks?kind=intake-bad')).json.tasks).toEqual([]);
    expect((await s.api('GET', '/tasks?limit=500')).json.tasks.map((t: { kind: string }) => t.kind)).not.toContain('has space');
  });

  it('fails a job of another name, naming it', async () => {
    const job = await settled(await queue.add('email', { kind: 'intake-other' }, { attempts: 5 }));
    expect(job.failedReason).toBe('no handler for "email" jobs on tasks');
    expect(job.attemptsMade).toBe(1);
    expect((await s.api('GET', '/tasks?kind=intake-other')).json.tasks).toEqual([]);
  });
});
