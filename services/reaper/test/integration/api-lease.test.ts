import { applyTransition, hashLease } from '@smart-reap/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApi } from './api-server.js';

type Api = Awaited<ReturnType<typeof startTestApi>>;
const runtime = { type: 'heartbeat', ref: '' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Only a task's own runner speaks for it (DESIGN §9): the lease a claim returns. */
describe('the lease', () => {
  let api: Api;
  afterEach(async () => {
    await api?.close();
  });

  async function claimed(kind = 'lease') {
    const created = await api.call('POST', '/tasks', { kind });
    const claim = await api.call('POST', '/tasks/claim', { runnerId: 'owner', kinds: [kind], runtime });
    expect(claim.status).toBe(200);
    expect(claim.json.id).toBe(created.json.id);
    return { id: created.json.id as string, lease: claim.json.lease as string, claim };
  }
  const stored = (id: string) => api.core.store.mustGet(id);
  const logLength = (id: string) => api.core.redis.xlen(api.core.keys.log(id));

  it('a claim returns an unguessable lease, stored only as its hash and never served', async () => {
    api = await startTestApi();
    const { id, lease, claim } = await claimed();
    expect(lease).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    const hash = hashLease(lease);
    expect((await stored(id)).leaseHash).toBe(hash);
    expect(JSON.stringify(await stored(id))).not.toContain(lease);
    expect(claim.text).not.toContain(hash);
    expect(claim.json.leaseHash).toBeUndefined();

    const second = await claimed('lease-2');
    expect(second.lease).not.toBe(lease);
    for (const path of [`/tasks/${id}`, '/tasks', '/tasks?status=IN_PROGRESS']) {
      const served = await api.call('GET', path);
      expect(served.status).toBe(200);
      expect(served.text).not.toContain(lease);
      expect(served.text).not.toContain(hash);
      expect(served.text).not.toMatch(/leaseHash|endedLeaseHashes/);
    }
  });

  it('a forged complete (the public runnerId, no lease) is 403 naming lease and stores nothing', async () => {
    api = await startTestApi();
    const { id } = await claimed();
    const before = await stored(id);
    const forged = await api.call('POST', `/tasks/${id}/complete`, { runnerId: 'owner', output: 'forged output' });
    expect(forged.status).toBe(403);
    expect(forged.json).toMatchObject({ code: 'lease_missing', error: expect.stringMatching(/lease/) });
    const wrong = await api.call('POST', `/tasks/${id}/complete`, { runnerId: 'owner', lease: 'x'.repeat(43), output: 'forged output' });
    expect(wrong.status).toBe(403);
    expect(wrong.json).toMatchObject({ code: 'lease_invalid', error: expect.stringMatching(/lease/) });
    const after = await stored(id);
    expect(after).toEqual(before);
    expect(after.status).toBe('IN_PROGRESS');
    expect(after.output).toBeUndefined();
    // Nor does a fail, with the right runner id and another task's lease.
    const other = await claimed('other');
    expect((await api.call('POST', `/tasks/${id}/fail`, { runnerId: 'owner', lease: other.lease, error: 'auth_error' })).status).toBe(403);
    expect(await stored(id)).toEqual(before);
  });

  it('a heartbeat without the lease cannot keep a task alive', async () => {
    api = await startTestApi();
    const { id, lease } = await claimed();
    const before = (await stored(id)).heartbeatAt;
    await sleep(5);
    expect((await api.call('POST', `/tasks/${id}/heartbeat`, { runnerId: 'owner', progress: { ratio: 0.9 } })).status).toBe(403);
    expect((await stored(id)).heartbeatAt).toBe(before);
    expect((await stored(id)).progress).toBeUndefined();
    // The right lease with another runner's id is refused too: both must match.
    const mismatch = await api.call('POST', `/tasks/${id}/heartbeat`, { runnerId: 'someone', lease });
    expect(mismatch.status).toBe(403);
    expect(mismatch.json.code).toBe('runner_mismatch');
    expect((await stored(id)).heartbeatAt).toBe(before);
  });

  it('a forged log line is 403 and appends nothing, so it cannot decide the crash type', async () => {
    api = await startTestApi();
    const { id, lease } = await claimed();
    const forged = await api.call('POST', `/tasks/${id}/log`, { lines: ['anthropic.AuthenticationError: 401 invalid x-api-key'] });
    expect(forged.status).toBe(403);
    expect(forged.json.code).toBe('lease_missing');
    expect((await api.call('POST', `/tasks/${id}/log`, { lease: 'not-it', lines: ['401 invalid x-api-key'] })).status).toBe(403);
    expect(await logLength(id)).toBe(0);
    expect((await api.call('POST', `/tasks/${id}/log`, { lease, lines: ['step 1'] })).status).toBe(202);
    expect(await logLength(id)).toBe(1);
  });

  it('the lease may come as header Reaper-Lease, with a body that has none', async () => {
    api = await startTestApi();
    const { id, lease } = await claimed();
    const wrong = await api.call('POST', `/tasks/${id}/heartbeat`, { runnerId: 'owner' }, { 'reaper-lease': 'not-the-lease' });
    expect(wrong.status).toBe(403);
    expect(wrong.json.code).toBe('lease_invalid');
    const headers = { 'reaper-lease': lease };
    expect((await api.call('POST', `/tasks/${id}/heartbeat`, { runnerId: 'owner', progress: { ratio: 0.5 } }, headers)).status).toBe(200);
    expect((await stored(id)).progress).toEqual({ ratio: 0.5 });
    expect((await api.call('POST', `/tasks/${id}/log`, { lines: ['via header'] }, headers)).status).toBe(202);
    expect((await api.call('POST', `/tasks/${id}/complete`, { runnerId: 'owner', output: 'ok' }, headers)).status).toBe(200);
    expect((await stored(id)).status).toBe('COMPLETED');
  });

  it('after completion, the lease is 409 for log, heartbeat, complete and fail, and changes nothing', async () => {
    api = await startTestApi();
    const { id, lease } = await claimed();
    expect((await api.call('POST', `/tasks/${id}/complete`, { runnerId: 'owner', lease, output: 'ok' })).status).toBe(200);
    const before = await stored(id);
    const log = await api.call('POST', `/tasks/${id}/log`, { lease, lines: ['late line'] });
    expect(log.status).toBe(409);
    expect(log.json.code).toBe('runner_fenced');
    expect(await logLength(id)).toBe(0);
    expect((await api.call('POST', `/tasks/${id}/heartbeat`, { runnerId: 'owner', lease })).status).toBe(409);
    expect((await api.call('POST', `/tasks/${id}/complete`, { runnerId: 'owner', lease, output: 'again' })).status).toBe(409);
    expect((await api.call('POST', `/tasks/${id}/fail`, { runnerId: 'owner', lease })).status).toBe(409);
    expect(await stored(id)).toEqual(before);
  });

  it("a reaped attempt's lease is 409, and after reassignment only the new attempt's lease works", async () => {
    api = await startTestApi();
    const { id, lease: first } = await claimed();
    // What the reaper's take-down writes (verdict-applier): the attempt is fenced.
    await api.core.store.mutate(id, (t, now) => ({ write: { ...t, reap: { at: now, by: 'reaper', reason: 'process dead' } } }));
    const reaped = await api.call('POST', `/tasks/${id}/heartbeat`, { runnerId: 'owner', lease: first });
    expect(reaped.status).toBe(409);
    expect(reaped.json.code).toBe('runner_fenced');
    expect((await api.call('POST', `/tasks/${id}/log`, { lease: first, lines: ['late'] })).status).toBe(409);

    // The diagnoser fails it and the reassigner puts it back, as they do.
    await api.core.store.transition(id, { to: 'FAILED', by: 'diagnoser', reason: 'crash' });
    await api.core.store.mutate(id, (t, now) => ({
      write: applyTransition(t, { to: 'ASSIGNED', by: 'reassigner', reason: 'retry' }, now, { attempt: t.attempt + 1, runner: undefined, reap: undefined }),
    }));
    // The same runner id claims the new attempt: its old lease stays ended, the new one works.
    const again = await api.call('POST', '/tasks/claim', { runnerId: 'owner', kinds: ['lease'], runtime });
    expect(again.json).toMatchObject({ id, attempt: 2 });
    const second = again.json.lease as string;
    const stale = await api.call('POST', `/tasks/${id}/complete`, { runnerId: 'owner', lease: first, output: 'stale' });
    expect(stale.status).toBe(409);
    expect((await stored(id)).output).toBeUndefined();
    expect((await api.call('POST', `/tasks/${id}/heartbeat`, { runnerId: 'owner', lease: second })).status).toBe(200);
    expect((await api.call('POST', `/tasks/${id}/complete`, { runnerId: 'owner', lease: second, output: 'fresh' })).status).toBe(200);
    expect((await stored(id)).output).toBe('fresh');
  });

  it('a runner that reported its failure, or a cancelled task: the lease is 409', async () => {
    api = await startTestApi();
    const failed = await claimed('f');
    expect((await api.call('POST', `/tasks/${failed.id}/fail`, { runnerId: 'owner', lease: failed.lease, exitCode: 1 })).status).toBe(202);
    expect((await api.call('POST', `/tasks/${failed.id}/heartbeat`, { runnerId: 'owner', lease: failed.lease })).status).toBe(409);
    expect((await api.call('POST', `/tasks/${failed.id}/fail`, { runnerId: 'owner', lease: failed.lease })).status).toBe(409);

    const cancelled = await claimed('c');
    expect((await api.call('POST', `/tasks/${cancelled.id}/cancel`, {})).status).toBe(200);
    expect((await api.call('POST', `/tasks/${cancelled.id}/complete`, { runnerId: 'owner', lease: cancelled.lease })).status).toBe(409);
    expect((await api.call('POST', `/tasks/${cancelled.id}/log`, { lease: cancelled.lease, lines: ['x'] })).status).toBe(409);
  });
});
