import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApi } from './api-server.js';

type Api = Awaited<ReturnType<typeof startTestApi>>;
const runtime = { type: 'heartbeat', ref: '' };
const nested = (levels: number, inner = '0') => `${'['.repeat(levels)}${inner}${']'.repeat(levels)}`;

/** Bad input is a 400 naming the field and changes nothing; a stalled body is cut. */
describe('input bounds', () => {
  let api: Api;
  afterEach(async () => {
    await api?.close();
  });

  it('a payload nested 5 000 (or 100 000) levels deep is a 400 naming payload, not a 500; 64 levels are fine', async () => {
    api = await startTestApi();
    for (const levels of [65, 5000, 100_000]) {
      const res = await api.call('POST', '/tasks', `{"kind":"deep","payload":${nested(levels)}}`);
      expect(res.status, `${levels} levels`).toBe(400);
      expect(res.json.issues).toEqual([{ field: 'payload', reason: 'nested deeper than 64 levels' }]);
    }
    expect(await api.core.redis.zcard(api.core.keys.allTasks())).toBe(0);
    const ok = await api.call('POST', '/tasks', `{"kind":"deep","payload":${nested(64)}}`);
    expect(ok.status).toBe(201);
  });

  it('output: nested too deep or over 1 000 000 characters is a 400 naming output, and the task is unchanged', async () => {
    api = await startTestApi();
    const { id } = (await api.call('POST', '/tasks', { kind: 'out' })).json;
    const { lease } = (await api.call('POST', '/tasks/claim', { runnerId: 'r', kinds: ['out'], runtime })).json;
    const before = await api.core.store.mustGet(id);
    const deep = await api.call('POST', `/tasks/${id}/complete`, `{"runnerId":"r","lease":"${lease}","output":${nested(5000)}}`);
    expect(deep.status).toBe(400);
    expect(deep.json.issues).toEqual([{ field: 'output', reason: 'nested deeper than 64 levels' }]);
    const big = await api.call('POST', `/tasks/${id}/complete`, { runnerId: 'r', lease, output: { text: 'x'.repeat(1_000_001) } });
    expect(big.status).toBe(400);
    expect(big.json.issues).toEqual([{ field: 'output', reason: 'more than 1000000 characters as JSON' }]);
    expect(await api.core.store.mustGet(id)).toEqual(before);
    expect((await api.call('POST', `/tasks/${id}/complete`, { runnerId: 'r', lease, output: { text: 'x'.repeat(999_000) } })).status).toBe(200);
  });

  it('fail: exitCode an integer within 0..255, signal a real signal name', async () => {
    api = await startTestApi();
    const { id } = (await api.call('POST', '/tasks', { kind: 'f' })).json;
    const { lease } = (await api.call('POST', '/tasks/claim', { runnerId: 'r', kinds: ['f'], runtime })).json;
    const before = await api.core.store.mustGet(id);
    for (const [field, value] of [['exitCode', 256], ['exitCode', -1], ['exitCode', 1.5], ['signal', 'yesterday'], ['signal', 'SIGNOPE']] as const) {
      const res = await api.call('POST', `/tasks/${id}/fail`, { runnerId: 'r', lease, [field]: value });
      expect(res.status, `${field} ${value}`).toBe(400);
      expect(res.json.issues.map((i: { field: string }) => i.field)).toEqual([field]);
    }
    expect(await api.core.store.mustGet(id)).toEqual(before);
    expect((await api.call('POST', `/tasks/${id}/fail`, { runnerId: 'r', lease, exitCode: 137, signal: 'SIGKILL' })).status).toBe(202);
  });

  it('a request whose body stalls halfway is cut after the request timeout', async () => {
    api = await startTestApi({}, { requestTimeoutMs: 500 });
    const { port } = new URL(api.url);
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8').on('data', (d: string) => (answer += d));
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const started = Date.now();
    socket.write('POST /tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"kind":');
    const outcome = await Promise.race([closed, new Promise<'still open'>((r) => setTimeout(() => r('still open'), 5000))]);
    socket.destroy();
    expect(outcome).not.toBe('still open');
    expect((outcome as number) - started).toBeLessThan(3000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});
