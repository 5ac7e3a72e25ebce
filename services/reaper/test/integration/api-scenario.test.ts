import { afterEach, describe, expect, it } from 'vitest';
import { registerProbers } from '../../../../test/support/probers.js';
import { startTestApi } from './api-server.js';

type Api = Awaited<ReturnType<typeof startTestApi>>;
const runtime = { type: 'process', ref: '' };

describe('task API (DESIGN §9)', () => {
  let api: Api;
  afterEach(async () => {
    await api?.close();
  });

  it('create → idempotent create → bad body → claim → foreign heartbeat 403 → complete → FAILED refused → 404', async () => {
    api = await startTestApi();
    const { call, core } = api;
    await registerProbers(core.probers, ['h1']);

    const created = await call('POST', '/tasks', { kind: 'build', payload: { repo: 'x' }, idempotencyKey: 'k-1' });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ id: expect.any(String), status: 'ASSIGNED' });
    const id = created.json.id;

    const again = await call('POST', '/tasks', { kind: 'build', idempotencyKey: 'k-1' });
    expect(again.status).toBe(200);
    expect(again.json.id).toBe(id);

    const bad = await call('POST', '/tasks', { kind: 'build', maxRetries: 'two' });
    expect(bad.status).toBe(400);
    expect(bad.json.issues).toEqual([expect.objectContaining({ field: 'maxRetries' })]);
    const unknownField = await call('POST', '/tasks', { kind: 'build', colour: 'red' });
    expect(unknownField.status).toBe(400);
    const malformed = await call('POST', '/tasks', '{"kind": ');
    expect(malformed.status).toBe(400);
    expect(await core.redis.zcard(core.keys.allTasks())).toBe(1);

    const claim = await call('POST', '/tasks/claim', { runnerId: 'r1', kinds: ['build'], runtime, pid: process.pid, host: 'h1' });
    expect(claim.status).toBe(200);
    expect(claim.json).toMatchObject({ id, status: 'IN_PROGRESS', runner: { runnerId: 'r1', pid: process.pid } });
    expect((await call('POST', '/tasks/claim', { runnerId: 'r2', kinds: ['build'], runtime })).status).toBe(204);

    const { lease } = claim.json;
    const foreign = await call('POST', `/tasks/${id}/heartbeat`, { runnerId: 'r2' });
    expect(foreign.status).toBe(403);
    const beat = await call('POST', `/tasks/${id}/heartbeat`, { runnerId: 'r1', lease, progress: { ratio: 0.5 } });
    expect(beat.status).toBe(200);

    const log = await call('POST', `/tasks/${id}/log`, { lease, lines: ['step 1', 'step 2'] });
    expect(log.status).toBe(202);

    const done = await call('POST', `/tasks/${id}/complete`, { runnerId: 'r1', lease, output: 'ok' });
    expect(done.json).toEqual({ id, status: 'COMPLETED' });

    const before = await call('GET', `/tasks/${id}`);
    const lateFail = await call('POST', `/tasks/${id}/fail`, { runnerId: 'r1', lease, error: 'boom' });
    expect(lateFail.status).toBe(409);
    const cancel = await call('POST', `/tasks/${id}/cancel`, {});
    expect(cancel.status).toBe(409);
    expect(cancel.json.error).toMatch(/COMPLETED → CANCELLED/);
    const after = await call('GET', `/tasks/${id}`);
    expect(after.json).toEqual(before.json);
    expect(after.json.history.map((h: { to: string }) => h.to)).toEqual(['ASSIGNED', 'IN_PROGRESS', 'COMPLETED']);

    expect((await call('GET', '/tasks/no-such-task')).status).toBe(404);
    expect((await call('POST', '/tasks/no-such-task/heartbeat', { runnerId: 'r1', lease })).status).toBe(404);

    const list = await call('GET', '/tasks?status=COMPLETED&kind=build&limit=10');
    expect(list.json.tasks.map((t: { id: string }) => t.id)).toEqual([id]);
    expect((await call('GET', '/tasks?status=DONE')).status).toBe(400);
  });

  it('a claim may name the reporter of the runner\'s exit: stored on the runner; a bad one is a 400 naming it and claims nothing', async () => {
    api = await startTestApi();
    const { call, core } = api;
    await registerProbers(core.probers, ['h1']);
    const created = await call('POST', '/tasks', { kind: 'reported' });
    const bad = await call('POST', '/tasks/claim', { runnerId: 'r1', kinds: ['reported'], runtime, pid: process.pid, reporter: { pid: process.pid, pidStartTime: 'yesterday' } });
    expect(bad.status).toBe(400);
    expect(bad.json.issues).toEqual([expect.objectContaining({ field: 'reporter.pidStartTime' })]);
    expect((await call('GET', `/tasks/${created.json.id}`)).json.status).toBe('ASSIGNED');
    const reporter = { pid: process.pid, pidStartTime: '12345' };
    const good = await call('POST', '/tasks/claim', { runnerId: 'r1', kinds: ['reported'], runtime, pid: process.pid, reporter });
    expect(good.status).toBe(200);
    expect(good.json.runner.reporter).toEqual(reporter);
  });

  it('serves healthz, readyz and Prometheus text on /metrics', async () => {
    api = await startTestApi();
    expect((await api.call('GET', '/healthz')).json).toEqual({ status: 'ok' });
    expect((await api.call('GET', '/readyz')).json).toEqual({ ready: true, problems: [], notices: [] });
    const metrics = await api.call('GET', '/metrics');
    expect(metrics.headers.get('content-type')).toMatch(/text\/plain/);
    expect(metrics.text).toContain('smart_reap_tasks_created_total');
    api.readiness.markShuttingDown();
    expect((await api.call('GET', '/readyz')).status).toBe(503);
  });

  it('needs the bearer token on every route but health when API_TOKEN is set', async () => {
    api = await startTestApi({ API_TOKEN: 's3cret-token' });
    expect((await api.call('GET', '/healthz')).status).toBe(200);
    expect((await api.call('GET', '/readyz')).status).toBe(200);
    expect((await api.call('POST', '/tasks', { kind: 'a' })).status).toBe(401);
    expect((await api.call('GET', '/metrics')).status).toBe(401);
    expect((await api.call('POST', '/tasks', { kind: 'a' }, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await api.call('POST', '/tasks', { kind: 'a' }, { authorization: 'Bearer s3cret-token' })).status).toBe(201);
  });
});
