import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, createRedisClient, TaskStore, waitForReady, type ClaimBody } from '@smart-reap/shared';
import { redisUrl } from '../../../../test/support/redis-context.js';
import { createTestCore } from '../../../../test/support/test-core.js';

type TestCore = Awaited<ReturnType<typeof createTestCore>>;

describe('task store: one atomic step per transition', () => {
  let core: TestCore;
  beforeEach(async () => {
    core = await createTestCore();
  });
  afterEach(async () => {
    await core.dispose();
  });

  it('50 concurrent transitions of one task from several connections: one wins, one history entry', async () => {
    const { task } = await core.tasks.create({ kind: 'race' });
    const claimed = await core.tasks.claim({ runnerId: 'r1', runtime: { type: 'heartbeat', ref: '' } });
    expect(claimed?.id).toBe(task.id);

    const connections = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const c = createRedisClient({ url: redisUrl(), role: 'producer' });
        await waitForReady(c);
        return c;
      }),
    );
    try {
      const stores = connections.map((c) => new TaskStore(c, core.keys));
      const attempts = Array.from({ length: 50 }, (_, i) =>
        stores[i % stores.length]!.transition(task.id, { to: i % 2 ? 'FAILED' : 'COMPLETED', by: `w${i}`, reason: 'race' }),
      );
      const results = await Promise.allSettled(attempts);
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError);
      const after = await core.store.mustGet(task.id);
      const raced = after.history.filter((h) => h.reason === 'race');
      expect(raced).toHaveLength(1);
      expect(after.history).toHaveLength(3); // PENDING→ASSIGNED, ASSIGNED→IN_PROGRESS, the winner
    } finally {
      for (const c of connections) c.disconnect();
    }
  });

  it('3 concurrent claims of one task: one runner gets it', async () => {
    const { task } = await core.tasks.create({ kind: 'claimrace' });
    const body = (runnerId: string): ClaimBody => ({ runnerId, kinds: ['claimrace'], runtime: { type: 'heartbeat', ref: '' } });
    const results = await Promise.all(['a', 'b', 'c'].map((r) => core.tasks.claim(body(r))));
    const winners = results.filter((t) => t !== undefined);
    expect(winners).toHaveLength(1);
    expect(winners[0]!.id).toBe(task.id);
    const stored = await core.store.mustGet(task.id);
    expect(stored.status).toBe('IN_PROGRESS');
    expect(stored.runner?.runnerId).toBe(winners[0]!.runner?.runnerId);
    expect(stored.history.filter((h) => h.to === 'IN_PROGRESS')).toHaveLength(1);
  });

  it('200 runners claiming 200 waiting tasks at once: every runner gets one, no task twice', async () => {
    for (let i = 0; i < 200; i++) await core.tasks.create({ kind: 'herd' });
    const body = (runnerId: string): ClaimBody => ({ runnerId, kinds: ['herd'], runtime: { type: 'heartbeat', ref: '' } });
    // Several connections, as several API replicas would have.
    const extra = await Promise.all([1, 2, 3].map(() => createTestCore({ KEY_PREFIX: core.keys.prefix })));
    try {
      const services = [core, ...extra].map((c) => c.tasks);
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => services[i % services.length]!.claim(body(`r${i}`))));
      expect(results.every((t) => t !== undefined)).toBe(true);
      expect(new Set(results.map((t) => t!.id)).size).toBe(200);
      expect(await core.tasks.claim(body('late'))).toBeUndefined();
    } finally {
      await Promise.all(extra.map((c) => c.close()));
    }
  });

  it('a refused transition changes nothing, indexes included', async () => {
    const { task } = await core.tasks.create({ kind: 'refuse' });
    const before = await core.redis.hgetall(core.keys.task(task.id));
    await expect(core.store.transition(task.id, { to: 'COMPLETED', by: 't', reason: 'x' })).rejects.toThrow(/ASSIGNED → COMPLETED/);
    expect(await core.redis.hgetall(core.keys.task(task.id))).toEqual(before);
    expect(await core.redis.zscore(core.keys.claimable('refuse'), task.id)).not.toBeNull();
  });

  it('claims the oldest claimable task of the asked kinds and indexes its deadline', async () => {
    const first = await core.tasks.create({ kind: 'k1', maxAgeMinutes: 2 });
    await new Promise((r) => setTimeout(r, 5));
    await core.tasks.create({ kind: 'k2' });
    const claimed = await core.tasks.claim({ runnerId: 'r', kinds: ['k2', 'k1'], runtime: { type: 'heartbeat', ref: '' } });
    expect(claimed?.id).toBe(first.task.id);
    const deadline = await core.redis.zscore(core.keys.deadlines(), first.task.id);
    expect(Number(deadline)).toBe(claimed!.runner!.claimedAt + 2 * 60_000);
    expect(await core.tasks.claim({ runnerId: 'r', kinds: ['k3'], runtime: { type: 'heartbeat', ref: '' } })).toBeUndefined();
  });

  it('an idempotency key maps to one task under concurrent creates', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => core.tasks.create({ kind: 'idem', idempotencyKey: 'same-key' })),
    );
    const ids = new Set(results.map((r) => r.task.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await core.redis.zcard(core.keys.allTasks())).toBe(1);
  });
});
