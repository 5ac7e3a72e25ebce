import { assignedJobId, hashLease, QUEUE } from '@smart-reap/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApi } from './api-server.js';

type Api = Awaited<ReturnType<typeof startTestApi>>;

/** POST /tasks/claim under a herd of runners: each task to one runner, the rest told 204. */
describe('claim races over HTTP', () => {
  let api: Api;
  afterEach(async () => {
    await api?.close();
  });

  it('50 concurrent claims over 20 tasks: 20 distinct winners with their own lease, 30 × 204', async () => {
    api = await startTestApi();
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) ids.add((await api.call('POST', '/tasks', { kind: 'herd', payload: { i } })).json.id);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => api.call('POST', '/tasks/claim', { runnerId: `r${i}`, kinds: ['herd'], runtime: { type: 'heartbeat', ref: '' } })),
    );
    const won = results.filter((r) => r.status === 200);
    expect(won).toHaveLength(20);
    expect(results.filter((r) => r.status === 204)).toHaveLength(30);
    expect(new Set(won.map((r) => r.json.id))).toEqual(ids);
    expect(new Set(won.map((r) => r.json.lease)).size).toBe(20);
    for (const r of won) {
      const stored = await api.core.store.mustGet(r.json.id);
      expect(stored).toMatchObject({ status: 'IN_PROGRESS', attempt: 1, leaseHash: hashLease(r.json.lease), runner: { runnerId: r.json.runner.runnerId } });
      expect(stored.history.filter((h) => h.to === 'IN_PROGRESS')).toHaveLength(1);
      expect(await api.core.redis.zscore(api.core.keys.claimable('herd'), r.json.id)).toBeNull();
      expect(await api.core.redis.zscore(api.core.keys.deadlines(), r.json.id)).toBe(String(stored.deadline));
      // The lease it was given is the one its runner speaks with.
      const beat = await api.call('POST', `/tasks/${r.json.id}/heartbeat`, { runnerId: r.json.runner.runnerId, lease: r.json.lease });
      expect(beat.status).toBe(200);
    }
    expect(await api.core.redis.zcard(api.core.keys.status('IN_PROGRESS'))).toBe(20);
    // Each claim took its task's pointer job off the assigned queue, whole.
    const assigned = api.core.queues.queue(QUEUE.assigned);
    expect(await assigned.getJobCounts('wait', 'delayed', 'prioritized', 'active')).toEqual({ wait: 0, delayed: 0, prioritized: 0, active: 0 });
    for (const id of ids) expect(await api.core.redis.exists(assigned.toKey(assignedJobId(id, 1)))).toBe(0);
  });

  it("a claim of a task among waiting ones removes that task's pointer job and no other", async () => {
    api = await startTestApi();
    const ids: string[] = [];
    for (const kind of ['a', 'b', 'a', 'b']) ids.push((await api.call('POST', '/tasks', { kind })).json.id);
    const claim = await api.call('POST', '/tasks/claim', { runnerId: 'r', kinds: ['b'], runtime: { type: 'heartbeat', ref: '' } });
    expect(claim.json.id).toBe(ids[1]);
    const waiting = await api.core.queues.queue(QUEUE.assigned).getJobs(['wait']);
    expect(waiting.map((j) => j.data.taskId).sort()).toEqual([ids[0], ids[2], ids[3]].sort());
  });
});
