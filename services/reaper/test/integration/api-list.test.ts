import { afterEach, describe, expect, it } from 'vitest';
import { startTestApi } from './api-server.js';

type Api = Awaited<ReturnType<typeof startTestApi>>;

describe('GET /tasks: filters, cursor paging, a bad query refused by name', () => {
  let api: Api;
  afterEach(async () => {
    await api?.close();
  });

  it('pages newest first with nextCursor until the last page, and refuses a bad status, crashType, limit or cursor naming it', async () => {
    api = await startTestApi();
    const { call } = api;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await call('POST', '/tasks', { kind: 'listed' })).json.id);
    await call('POST', '/tasks', { kind: 'other' });

    const seen: string[] = [];
    let path = '/tasks?kind=listed&status=ASSIGNED&limit=2';
    for (let pages = 0; pages < 10; pages++) {
      const page = await call('GET', path);
      expect(page.status).toBe(200);
      seen.push(...page.json.tasks.map((t: { id: string }) => t.id));
      expect(page.json.tasks.every((t: { lease?: string; leaseHash?: string }) => t.lease === undefined && t.leaseHash === undefined)).toBe(true);
      if (!page.json.nextCursor) break;
      path = `/tasks?kind=listed&status=ASSIGNED&limit=2&cursor=${encodeURIComponent(page.json.nextCursor)}`;
    }
    expect(new Set(seen)).toEqual(new Set(ids));
    expect(seen).toHaveLength(5);
    const all = await call('GET', '/tasks?limit=10');
    expect(all.json).toEqual({ tasks: expect.any(Array) });
    expect(all.json.tasks).toHaveLength(6);
    expect((await call('GET', '/tasks?crashType=oom')).json).toEqual({ tasks: [] });

    for (const [query, field] of [
      ['status=DONE', 'status'],
      ['crashType=gremlins', 'crashType'],
      ['limit=0', 'limit'],
      ['limit=many', 'limit'],
      ['cursor=not*a*cursor', 'cursor'],
      [`cursor=${Buffer.from('x:y').toString('base64url')}`, 'cursor'],
    ] as const) {
      const bad = await call('GET', `/tasks?${query}`);
      expect(bad.status, query).toBe(400);
      expect(bad.json.issues, query).toEqual([expect.objectContaining({ field })]);
    }
  });
});
