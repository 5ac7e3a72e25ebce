import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QUEUE, createLogger, hostProbeQueue, type JobData } from '@smart-reap/shared';
import { registerProbers } from '../../../../test/support/probers.js';
import { createTestCore } from '../../../../test/support/test-core.js';
import { Escalator } from '../../src/decide/escalator.js';
import { reaperMetrics } from '../../src/metrics/reaper-metrics.js';
import { HEARTBEAT_ROUND_QUEUE, ProbeScheduler } from '../../src/scheduler/probe-scheduler.js';
import { SupervisionTracker } from '../../src/scheduler/supervision-tracker.js';

type Core = Awaited<ReturnType<typeof createTestCore>>;

describe('probe scheduler (DESIGN §3)', () => {
  let core: Core;
  let now = 1_000_000;
  beforeEach(async () => {
    now = 1_000_000;
    core = await createTestCore({}, { clock: () => now });
    await registerProbers(core.probers, ['node-a', 'h1', 'same-host'], { expiresAt: now + 3600_000 });
  });
  afterEach(async () => {
    await core.dispose();
  });

  const scheduler = () => {
    const logger = createLogger('t', 'silent');
    const escalator = new Escalator({ events: core.events, logger, metrics: reaperMetrics(new Registry()), dryRun: false });
    const supervision = new SupervisionTracker({ store: core.store, escalator, logger, dryRun: false });
    return new ProbeScheduler({ redis: core.redis, keys: core.keys, queues: core.queues, config: core.config, logger, probers: core.probers, supervision, clock: () => now, batchSize: 3 });
  };

  async function inProgress(n: number, runtime: 'process' | 'heartbeat' | 'http', host = 'h1') {
    const leases: string[] = [];
    for (let i = 0; i < n; i++) {
      await core.tasks.create({ kind: 'k' });
      const ref = runtime === 'http' ? 'http://127.0.0.1:9/health' : '';
      const claimed = await core.tasks.claim({ runnerId: `r${i}`, kinds: ['k'], runtime: { type: runtime, ref }, pid: 100 + i, host });
      leases.push(claimed!.lease);
    }
    return leases;
  }

  it('takes every probed IN_PROGRESS task once per round, routes host-local runtimes to probe-<host>, batches', async () => {
    await inProgress(4, 'process', 'node-a');
    await inProgress(2, 'http');
    const first = await scheduler().tick();
    expect(first.probed).toBe(6);
    expect(first.jobs).toBe(3); // 4 process targets in batches of 3, and 2 http targets
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

  describe('heartbeat runtimes, judged from the heartbeat index (issue 13)', () => {
    const grace = () => core.config.HEARTBEAT_GRACE_MS;
    const decideRounds = () => core.queues.queue(QUEUE.decide).getJobs(['waiting']);
    const beat = (id: string, lease: string, i = 0) => core.tasks.heartbeat(id, { runnerId: `r${i}`, lease });
    const heartbeatIds = () => core.redis.zrange(core.keys.heartbeats(), '0', '-1');

    it('a task with fresh beats gets no probe job and no round across many ticks', async () => {
      const [lease] = await inProgress(1, 'heartbeat');
      const [id] = await heartbeatIds();
      expect(await core.redis.zcard(core.keys.probeSchedule())).toBe(0);
      for (let tick = 0; tick < 20; tick++) {
        now += core.config.PROBE_INTERVAL_MS;
        if (tick % 5 === 0) await beat(id!, lease!);
        expect(await scheduler().tick()).toMatchObject({ probed: 0, jobs: 0, judged: 0 });
      }
      expect(await core.queues.queue(QUEUE.probe).getWaitingCount()).toBe(0);
      expect(await decideRounds()).toHaveLength(0);
      expect(Number(await core.redis.zscore(core.keys.heartbeats(), id!))).toBe((await core.store.mustGet(id!)).heartbeatAt);
    });

    it('a stale one goes to the decide step once per interval, however many ticks, with no prober registered', async () => {
      await core.probers.remove({ queue: QUEUE.probe, instance: 'test-prober' });
      await inProgress(1, 'heartbeat');
      const [stale] = await heartbeatIds();
      const [freshLease] = await inProgress(1, 'heartbeat');
      const fresh = (await heartbeatIds()).find((id) => id !== stale);
      now += grace(); // both exactly at the grace: still fresh
      expect((await scheduler().tick()).judged).toBe(0);
      await beat(fresh!, freshLease!);
      await core.redis.zadd(core.keys.heartbeats(), now - grace() - 1, stale!); // as if its last beat were a millisecond older
      const [a, b] = await Promise.all([scheduler().tick(), scheduler().tick()]);
      expect(a.judged + b.judged).toBe(1);
      now += core.config.PROBE_INTERVAL_MS / 2;
      expect((await scheduler().tick()).judged).toBe(0);
      now += core.config.PROBE_INTERVAL_MS / 2;
      expect((await scheduler().tick()).judged).toBe(1);
      const rounds = await decideRounds();
      expect(rounds.map((j) => j.data.queue)).toEqual([HEARTBEAT_ROUND_QUEUE, HEARTBEAT_ROUND_QUEUE]);
      expect(rounds.flatMap((j) => (j.data as JobData<'decide'>).results.map((r) => r.taskId))).toEqual([stale, stale]);
      expect(await core.redis.hlen(core.keys.unsupervised())).toBe(0);
    });

    it('a fresh one past its deadline is judged (to extend it), then not again until its new deadline', async () => {
      const [lease] = await inProgress(1, 'heartbeat');
      const [id] = await heartbeatIds();
      const t = await core.store.mustGet(id!);
      now = t.deadline! + 1;
      await beat(id!, lease!);
      expect((await scheduler().tick()).judged).toBe(1);
      await core.store.mutate(id!, (task) => ({ write: { ...task, deadline: now + 600_000, extensions: 1 } })); // what the decide step's extend writes
      for (let tick = 0; tick < 3; tick++) {
        now += core.config.PROBE_INTERVAL_MS;
        expect((await scheduler().tick()).judged).toBe(0);
      }
    });

    it('a task that left IN_PROGRESS leaves the heartbeat index and its checks', async () => {
      const [lease] = await inProgress(1, 'heartbeat');
      const [id] = await heartbeatIds();
      await core.tasks.complete(id!, { runnerId: 'r0', lease: lease!, output: 'done' });
      expect(await core.redis.zcard(core.keys.heartbeats())).toBe(0);
      expect(await core.redis.zcard(core.keys.heartbeatChecks())).toBe(0);
      now += grace() * 2;
      expect((await scheduler().tick()).judged).toBe(0);
    });
  });

  describe("host-local runtimes whose host's watcher sends summaries (issue 13)", () => {
    const summary = (at: number, host = 'probe-node-a') => core.redis.zadd(core.keys.hostWatch(), at, host);

    it('get a safety-net round every SAFETY_NET_INTERVAL_MS while summaries are fresh, and every probe interval once they stop', async () => {
      await summary(now);
      await inProgress(3, 'process', 'node-a');
      expect((await scheduler().tick()).probed).toBe(3); // the first round, straight after claim
      const s = scheduler();
      // One safety-net round each in the next 30 s, spread by task id (not every interval).
      let safety = 0;
      for (let t = 0; t < 30; t++) {
        now += core.config.PROBE_INTERVAL_MS;
        await summary(now);
        safety += (await s.tick()).probed;
      }
      expect(safety).toBe(3);

      // The watcher falls silent: after three intervals its runners are recalled and probed every interval.
      now += 3 * core.config.PROBE_INTERVAL_MS + 1;
      expect((await s.tick()).probed).toBe(3);
      now += core.config.PROBE_INTERVAL_MS;
      expect((await s.tick()).probed).toBe(3);
    });
  });

  describe('supervision: a probe queue nobody serves', () => {
    const waiting = (queue: string) => core.queues.queue(queue).getWaitingCount();
    const escalations = async (id: string) => (await core.events.list({ taskId: id, limit: 50 })).filter((e) => e.type === 'escalate');

    it('is not enqueued for; its tasks are marked unsupervised and escalated once, and supervised again when the prober is back', async () => {
      await inProgress(2, 'process', 'node-a');
      const ids = await core.redis.zrange(core.keys.probeSchedule(), '0', '-1');
      expect((await scheduler().tick()).probed).toBe(2);
      expect(await waiting(hostProbeQueue('node-a'))).toBe(1);
      now += 3600_000; // the registration made in beforeEach has expired: node-a's prober is gone

      for (let round = 0; round < 3; round++) {
        now += core.config.PROBE_INTERVAL_MS;
        const stats = await scheduler().tick();
        expect(stats).toMatchObject({ probed: 0, jobs: 0, unsupervised: 2 });
      }
      expect(await waiting(hostProbeQueue('node-a'))).toBe(1);
      expect(await core.redis.hlen(core.keys.unsupervised())).toBe(2);
      for (const id of ids) {
        const t = await core.store.mustGet(id);
        expect(t.status).toBe('IN_PROGRESS');
        expect(t.supervision).toMatchObject({ state: 'unsupervised', queue: hostProbeQueue('node-a'), reason: expect.stringMatching(/registration expired/) });
        expect(t.needsAttention?.reason).toMatch(/unsupervised/);
        expect(await escalations(id)).toHaveLength(1);
      }

      await registerProbers(core.probers, ['node-a'], { expiresAt: now + 60_000, instance: 'back' });
      now += core.config.PROBE_INTERVAL_MS;
      expect((await scheduler().tick()).probed).toBe(2);
      expect(await waiting(hostProbeQueue('node-a'))).toBe(2);
      expect(await core.redis.hlen(core.keys.unsupervised())).toBe(0);
      for (const id of ids) expect((await core.store.mustGet(id)).supervision).toBeUndefined();
    });

    it('a paused probe queue leaves its tasks unsupervised; resumed, they are probed again', async () => {
      await inProgress(1, 'process', 'h1');
      const [id] = await core.redis.zrange(core.keys.probeSchedule(), '0', '-1');
      await core.queues.queue(hostProbeQueue('h1')).pause();
      expect(await scheduler().tick()).toMatchObject({ probed: 0, unsupervised: 1 });
      expect((await core.store.mustGet(id!)).supervision?.reason).toMatch(/paused/);
      await core.queues.queue(hostProbeQueue('h1')).resume();
      now += core.config.PROBE_INTERVAL_MS;
      expect((await scheduler().tick()).probed).toBe(1);
      expect((await core.store.mustGet(id!)).supervision).toBeUndefined();
    });

    it('the shared probe queue with no shared prober registered is unserved too', async () => {
      await core.probers.remove({ queue: QUEUE.probe, instance: 'test-prober' });
      await inProgress(1, 'http');
      expect(await scheduler().tick()).toMatchObject({ probed: 0, unsupervised: 1 });
      expect(await waiting(QUEUE.probe)).toBe(0);
      const [id] = await core.redis.zrange(core.keys.probeSchedule(), '0', '-1');
      expect((await core.store.mustGet(id!)).supervision?.reason).toMatch(/no prober is registered for probe queue probe$/);
    });
  });
});
