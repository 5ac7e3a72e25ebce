import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decideClaim, type ClaimBody, type CrashType, type Diagnosis, type ListCursor, type ListPageQuery } from '@smart-reap/shared';
import { createTestCore } from '../../../../test/support/test-core.js';

type TestCore = Awaited<ReturnType<typeof createTestCore>>;
const diagnosisFixture = (crashType: CrashType): Diagnosis => ({
  version: 1,
  crashType,
  confidence: 0.9,
  summary: crashType,
  evidence: [],
  logTail: '',
  logTailBytes: 0,
  runtimeState: 'dead',
  processState: 'dead',
  heartbeatAgeMs: null,
  partialOutputRatio: 0,
  decision: 'fail',
  retryable: true,
  attempt: 1,
  diagnosedAt: new Date(0).toISOString(),
});
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

  it('lists the claimable tasks of the asked kinds oldest first, up to the limit, and not before their notBefore', async () => {
    const a = await core.tasks.create({ kind: 'k1' });
    await new Promise((r) => setTimeout(r, 3));
    const b = await core.tasks.create({ kind: 'k2' });
    await new Promise((r) => setTimeout(r, 3));
    const c = await core.tasks.create({ kind: 'k1' });
    await core.tasks.create({ kind: 'k3' }, { healHint: { notBefore: Date.now() + 60_000 } });
    expect(await core.store.oldestClaimable(['k2', 'k1'], 10)).toEqual([a.task.id, b.task.id, c.task.id]);
    expect(await core.store.oldestClaimable(['k2', 'k1'], 2)).toEqual([a.task.id, b.task.id]);
    expect(await core.store.oldestClaimable(['k3'], 10)).toEqual([]);
    expect(await core.store.oldestClaimable([], 10)).toEqual([]);
    expect((await core.store.claimableKinds()).sort()).toEqual(['k1', 'k2', 'k3']);
  });

  it('lists newest first by creation, resuming from the cursor through equal creation times, with no cursor after the last page', async () => {
    let t = 1_000;
    await core.dispose();
    core = await createTestCore({}, { clock: () => t });
    const ids: string[] = [];
    // Five tasks in one millisecond: the cursor must step through a run of equal scores.
    for (let i = 0; i < 8; i++) {
      if (i === 0 || i >= 5) t += 1;
      ids.push((await core.tasks.create({ kind: i % 2 ? 'odd' : 'even' })).task.id);
    }
    const created = new Map((await core.store.getMany(ids)).map((task) => [task.id, task.createdAt]));
    // Newest first; equal creation times in Redis's order for equal scores (members' bytes, descending).
    const byNewest = (list: string[]) => [...list].sort((a, b) => created.get(b)! - created.get(a)! || Buffer.compare(Buffer.from(b), Buffer.from(a)));
    await core.tasks.cancel(ids[2]!);
    await core.tasks.cancel(ids[3]!);

    const walk = async (q: Omit<ListPageQuery, 'cursor'>, scanLimit?: number) => {
      const pages: string[][] = [];
      let cursor: ListCursor | undefined;
      do {
        const page = await core.store.listPage({ ...q, cursor }, scanLimit);
        pages.push(page.tasks.map((x) => x.id));
        cursor = page.nextCursor;
      } while (cursor && pages.length < 20);
      return pages;
    };
    expect(await walk({ limit: 3 })).toEqual([byNewest(ids).slice(0, 3), byNewest(ids).slice(3, 6), byNewest(ids).slice(6)]);
    // One a page: past the first two of the five equal times, a whole batch is already seen.
    expect((await walk({ limit: 1 })).flat()).toEqual(byNewest(ids));
    // A full last page: the next page is known not to exist, no cursor leads to an empty one.
    expect(await walk({ limit: 4 })).toEqual([byNewest(ids).slice(0, 4), byNewest(ids).slice(4)]);
    expect((await walk({ limit: 2, status: 'CANCELLED' })).flat()).toEqual(byNewest([ids[2]!, ids[3]!]));
    expect((await walk({ limit: 1, kind: 'odd' })).flat()).toEqual(byNewest(ids.filter((_, i) => i % 2)));
    const oddAssigned = byNewest(ids.filter((_, i) => i % 2 && i !== 3));
    expect((await walk({ limit: 2, kind: 'odd', status: 'ASSIGNED' })).flat()).toEqual(oddAssigned);
    // A bounded walk: a short page that still says where to go on, and nothing lost or repeated.
    const bounded = await walk({ limit: 5, kind: 'odd', status: 'ASSIGNED' }, 2);
    expect(bounded.length).toBeGreaterThan(1);
    expect(bounded.flat()).toEqual(oddAssigned);
  });

  it('indexes the crash type of a diagnosis as it appears and changes, and filters on it with status and kind', async () => {
    const diagnose = (id: string, crashType: CrashType) =>
      core.store.mutate(id, (task) => ({ write: { ...task, context: { ...task.context, reap_diagnosis: diagnosisFixture(crashType) } } }));
    const a = (await core.tasks.create({ kind: 'gpu' })).task.id;
    const b = (await core.tasks.create({ kind: 'gpu' })).task.id;
    const c = (await core.tasks.create({ kind: 'cpu' })).task.id;
    await diagnose(a, 'oom');
    await diagnose(b, 'oom');
    await diagnose(c, 'oom');
    await diagnose(b, 'killed');
    const ids = async (q: Omit<ListPageQuery, 'limit'>) => (await core.store.listPage({ limit: 50, ...q })).tasks.map((t) => t.id).sort();
    expect(await ids({ crashType: 'oom' })).toEqual([a, c].sort());
    expect(await ids({ crashType: 'killed' })).toEqual([b]);
    expect(await ids({ crashType: 'oom', kind: 'gpu' })).toEqual([a]);
    await core.tasks.cancel(c);
    expect(await ids({ crashType: 'oom', status: 'CANCELLED' })).toEqual([c]);
    expect(await ids({ crashType: 'segfault' })).toEqual([]);
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
