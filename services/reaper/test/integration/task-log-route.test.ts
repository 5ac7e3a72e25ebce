import { afterEach, describe, expect, it } from 'vitest';
import { startTestApi } from './api-server.js';

type Api = Awaited<ReturnType<typeof startTestApi>>;

/** `GET /tasks/:id/log`: the whole stored log, paged by cursor, as stored (redacted at intake). */
describe('GET /tasks/:id/log', () => {
  let api: Api;
  afterEach(async () => {
    await api?.close();
  });

  async function withLog(lines: string[]) {
    const created = await api.call('POST', '/tasks', { kind: 'log-route' });
    const claim = await api.call('POST', '/tasks/claim', { runnerId: 'r', kinds: ['log-route'], runtime: { type: 'heartbeat' } });
    const id = created.json.id as string;
    for (let i = 0; i < lines.length; i += 1000) {
      const sent = await api.call('POST', `/tasks/${id}/log`, { lines: lines.slice(i, i + 1000) }, { 'reaper-lease': claim.json.lease });
      expect(sent.status).toBe(202);
    }
    return id;
  }

  it('pages every stored line in order with nextCursor, past the 4 KB a diagnosis quotes', async () => {
    api = await startTestApi();
    const lines = Array.from({ length: 450 }, (_, i) => `line ${i} ${'x'.repeat(40)}`); // ≈ 22 KB
    const id = await withLog(lines);
    const read: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await api.call('GET', `/tasks/${id}/log?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      pages++;
      if (page.json.lines.length === 0) {
        expect(page.json.nextCursor).toBe(cursor); // an empty page keeps the place
        break;
      }
      for (const l of page.json.lines) {
        expect(l.id).toMatch(/^\d+-\d+$/);
        expect(l.at).toBe(Number(l.id.split('-')[0]));
      }
      read.push(...page.json.lines.map((l: { line: string }) => l.line));
      expect(page.json.nextCursor).toBe(page.json.lines.at(-1).id);
      cursor = page.json.nextCursor;
    }
    expect(read).toEqual(lines);
    expect(pages).toBe(4); // 200 + 200 + 50, then the empty one
  });

  it('serves lines as stored: a secret the runner printed comes back redacted', async () => {
    api = await startTestApi();
    const id = await withLog(['connecting', 'Authorization: Bearer sk-live-abcdefghijklmnop1234567890', 'done']);
    const page = await api.call('GET', `/tasks/${id}/log`);
    expect(page.json.lines.map((l: { line: string }) => l.line)).toHaveLength(3);
    expect(page.text).not.toContain('sk-live-abcdefghijklmnop1234567890');
    expect(page.json.lines[1].line).toContain('[REDACTED]');
  });

  it('an unknown task is 404, a cursor that is no line id or a bad limit a 400 naming it; an empty log is an empty page', async () => {
    api = await startTestApi();
    expect((await api.call('GET', '/tasks/nope/log')).status).toBe(404);
    const bad = await api.call('GET', '/tasks/nope/log?cursor=abc');
    expect(bad.status).toBe(400);
    expect(bad.json.issues[0].field).toBe('cursor');
    const limit = await api.call('GET', '/tasks/nope/log?limit=1001');
    expect(limit.json.issues[0].field).toBe('limit');
    const id = await withLog([]);
    expect((await api.call('GET', `/tasks/${id}/log`)).json).toEqual({ lines: [] });
  });
});
