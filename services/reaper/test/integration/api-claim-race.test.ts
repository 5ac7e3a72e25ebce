import { hashLease } from '@smart-reap/shared';
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
  });
});
