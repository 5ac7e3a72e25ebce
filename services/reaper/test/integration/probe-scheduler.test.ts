import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QUEUE, createLogger, hostProbeQueue } from '@smart-reap/shared';
import { createTestCore } from '../../../../test/support/test-core.js';
import { ProbeScheduler } from '../../src/scheduler/probe-scheduler.js';

type Core = Awaited<ReturnType<typeof createTestCore>>;

describe('probe scheduler (DESIGN §3)', () => {
  let core: Core;
  let now = 1_000_000;
  beforeEach(async () => {
    now = 1_000_000;
    core = await createTestCore({}, { clock: () => now });
  });
  afterEach(async () => {
    await core.dispose();
  });

  const scheduler = () =>
    new ProbeScheduler({ redis: core.redis, keys: core.keys, queues: core.queues, config: core.config, logger: createLogger('t', 'silent'), clock: () => now, batchSize: 3 });

  async function inProgress(n: number, runtime: 'process' | 'heartbeat', host = 'h1') {
    const leases: string[] = [];
    for (let i = 0; i < n; i++) {
      await core.tasks.create({ kind: 'k' });
      const claimed = await core.tasks.claim({ runnerId: `r${i}`, kinds: ['k'], runtime: { type: runtime, ref: '' }, pid: 100 + i, host });
      leases.push(claimed!.lease);
    }
    return leases;
  }

  it('takes every IN_PROGRESS task once per round, routes host-local runtimes to probe-<host>, batches', async () => {
    await inProgress(4, 'process', 'node-a');
    await inProgress(2, 'heartbeat');
    const first = await scheduler().tick();
    expect(first.probed).toBe(6);
    expect(first.jobs).toBe(3); // 4 process targets in batches of 3, and 2 heartbeat targets
    const local = await core.queues.queue(hostProbeQueue('node-a')).getJobs(['waiting']);
    expect(local.flatMap((j) => j.data.targets)).toHaveLength(4);
    const shared = await core.queues.queue(QUEUE.probe).getJobs(['waiting']);
    expect(shared.flatMap((j) => j.data.targets)).toHaveLength(2);
  });

  it('a second tick in the same round, or a second replica, enqueues nothing', async () => {
    await inProgress(5, 'process');
    const [a, b] = await Promise.all([scheduler().tick(), scheduler().tick()]);
    expect(a.probed + b.probed).toBe(5);
    expect((await scheduler().tick()).probed).toBe(0);
    now += core.config.PROBE_INTERVAL_MS;
    expect((await scheduler().tick()).probed).toBe(5);
  });

  it('tasks of one host stay in one round wherever in the interval they were claimed', async () => {
    await inProgress(2, 'process', 'same-host');
    now += 400;
    await inProgress(2, 'process', 'same-host');
    await scheduler().tick(); // first probes, straight after claim
    now += 1000;
    const round = await scheduler().tick();
    expect(round.probed).toBe(4);
  });

  it('stops probing a task that left IN_PROGRESS', async () => {
    const [lease] = await inProgress(1, 'process');
    const [id] = await core.redis.zrange(core.keys.probeSchedule(), '0', '-1');
    await core.tasks.complete(id!, { runnerId: 'r0', lease, output: 'done' });
    expect(await core.redis.zcard(core.keys.probeSchedule())).toBe(0);
    expect((await scheduler().tick()).probed).toBe(0);
  });
});
