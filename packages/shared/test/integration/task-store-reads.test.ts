import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assignedJobId, decideClaim, QUEUE, type ClaimBody } from '@smart-reap/shared';
import { createTestCore } from '../../../../test/support/test-core.js';

type TestCore = Awaited<ReturnType<typeof createTestCore>>;
const claimBody = (runnerId: string, kinds?: string[]): ClaimBody => ({ runnerId, kinds, runtime: { type: 'heartbeat', ref: '' } });

describe('the task store: indexes and counters read and written only through its methods', () => {
  let core: TestCore;
  beforeEach(async () => {
    core = await createTestCore();
  });
  afterEach(async () => {
    await core.dispose();
  });

  it("counts a fingerprint's attempt in the claim's compare-and-set write itself", async () => {
    const { task } = await core.tasks.create({ kind: 'fix', dedupKey: 'issue-42' });
    expect(await core.store.fingerprintAttempts('fix', 'issue-42')).toBe(0);
    // The store's own write, with no service around it: the count cannot come from a second step.
    await core.store.mutate(task.id, (t, now) => decideClaim(t, claimBody('r1'), now, 5, 'lease-hash'));
    expect(await core.store.fingerprintAttempts('fix', 'issue-42')).toBe(1);
    // A refused claim writes nothing, the count included.
    await expect(core.store.mutate(task.id, (t, now) => decideClaim(t, claimBody('r2'), now, 5, 'other'))).rejects.toThrow();
    expect(await core.store.fingerprintAttempts('fix', 'issue-42')).toBe(1);
  });

  it('counts one attempt per claim however many runners race for it', async () => {
    await core.tasks.create({ kind: 'fix', dedupKey: 'issue-7' });
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((r) => core.tasks.claim(claimBody(r, ['fix']))));
    expect(results.filter((t) => t !== undefined)).toHaveLength(1);
    expect(await core.store.fingerprintAttempts('fix', 'issue-7')).toBe(1);
  });

  it('claims the oldest claimable task of the asked kinds first, any kind when none is asked, never one before its notBefore', async () => {
    let now = 1_750_000_000_000;
    const timed = await createTestCore({}, { clock: () => now });
    try {
      const create = async (kind: string, extra = {}) => {
        now += 10;
        return (await timed.tasks.create({ kind }, extra)).task.id;
      };
      const a = await create('k1');
      const b = await create('k2');
      const c = await create('k1');
      const held = await create('k3', { healHint: { notBefore: now + 60_000, reason: 'backoff' } });
      const d = await create('k4');
      const claim = async (kinds?: string[]) => (await timed.tasks.claim(claimBody('r', kinds)))?.id;
      expect(await claim(['k3'])).toBeUndefined(); // held by its heal hint
      expect(await claim(['k2', 'k1'])).toBe(a);
      expect(await claim(['k2', 'k1'])).toBe(b);
      expect(await claim(['k4', 'k3'])).toBe(d);
      expect(await claim()).toBe(c); // no kinds: every kind's; k3's is still held
      expect(await claim()).toBeUndefined();
      now += 60_000;
      expect(await claim(['k1', 'k2', 'k4'])).toBeUndefined(); // the kinds filter holds
      const healed = await timed.tasks.claim(claimBody('late', ['k3']));
      expect(healed?.id).toBe(held);
      expect(healed?.healHint?.reason).toBe('backoff');
      expect(await timed.store.get(held)).toMatchObject({ status: 'IN_PROGRESS', runner: { runnerId: 'late', claimedAt: now } });
      // Its pointer job waited delayed until the notBefore: removed all the same.
      expect(await timed.queues.queue(QUEUE.assigned).getJob(assignedJobId(held, 1))).toBeUndefined();
    } finally {
      await timed.dispose();
    }
  });

  it('pages ids newest first, of one status or of all', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await core.tasks.create({ kind: 'page' })).task.id);
      await new Promise((r) => setTimeout(r, 3));
    }
    await core.tasks.cancel(ids[1]!);
    expect(await core.store.idsPage(undefined, 0, 10)).toEqual([...ids].reverse());
    expect(await core.store.idsPage(undefined, 1, 1)).toEqual([ids[1]]);
    expect(await core.store.idsPage('ASSIGNED', 0, 10)).toEqual([ids[2], ids[0]]);
    expect(await core.store.idsPage('CANCELLED', 0, 10)).toEqual([ids[1]]);
  });

  it('counts the unsupervised tasks and names up to the limit with their reasons', async () => {
    expect(await core.store.unsupervised(20)).toEqual({ count: 0, tasks: [] });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { task } = await core.tasks.create({ kind: 'lapse' });
      await core.store.mutate(task.id, (t, now) => decideClaim(t, claimBody('r'), now, 5, `h${i}`));
      await core.store.mutate(task.id, (t, now) => ({ write: { ...t, supervision: { state: 'unsupervised', since: now, reason: `gone ${i}`, queue: 'probe-x' } } }));
      ids.push(task.id);
    }
    const all = await core.store.unsupervised(20);
    expect(all.count).toBe(3);
    expect(all.tasks.sort((a, b) => a.id.localeCompare(b.id))).toEqual(ids.map((id, i) => ({ id, reason: `gone ${i}` })).sort((a, b) => a.id.localeCompare(b.id)));
    const some = await core.store.unsupervised(2);
    expect(some.count).toBe(3);
    expect(some.tasks).toHaveLength(2);
  });

  it('frees a fingerprint only while it still names the task it was read for', async () => {
    const first = await core.tasks.create({ kind: 'fix', dedupKey: 'd', idempotencyKey: 'idem-1' });
    expect(await core.store.idempotencyHolder('idem-1')).toBe(first.task.id);
    expect(await core.store.idempotencyHolder('idem-unused')).toBeNull();
    expect(await core.store.releaseFingerprint('fix', 'd', 'someone-else')).toBe(false);
    expect((await core.tasks.create({ kind: 'fix', dedupKey: 'd' })).created).toBe(false);
    expect(await core.store.releaseFingerprint('fix', 'd', first.task.id)).toBe(true);
    expect((await core.tasks.create({ kind: 'fix', dedupKey: 'd' })).created).toBe(true);
  });
});
