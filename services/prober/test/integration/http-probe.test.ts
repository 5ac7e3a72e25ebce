import { afterEach, describe, expect, it } from 'vitest';
import type { ProbeContext, ProbeTarget } from '@smart-reap/shared';
import { HttpProbeAdapter } from '../../src/probes/http-adapter.js';
import { probeWithBudget } from '../../src/probes/probe-with-budget.js';
import { HttpServers } from '../support/http-servers.js';

// Real HTTP servers on 127.0.0.1: answering, failing, hanging, and a port nothing listens on.

const servers = new HttpServers();
afterEach(() => servers.closeAll());

const adapter = new HttpProbeAdapter();
const ctx = (): ProbeContext => ({ signal: new AbortController().signal, now: Date.now() });
const target = (ref: string): ProbeTarget => ({ taskId: 't1', runtime: { type: 'http', ref } });

describe('http adapter against real servers', () => {
  it('is alive on both axes when the health URL answers 2xx', async () => {
    const base = await servers.start({ status: 204 });
    expect(await adapter.probe(target(`${base}/healthz`), ctx())).toEqual({
      runtimeState: 'alive',
      processState: 'alive',
      evidence: [`GET ${base}/healthz answered 2xx: alive`],
    });
  });

  it('keeps the runtime alive but does not call the runner dead on a 503', async () => {
    const base = await servers.start({ status: 503 });
    const r = await adapter.probe(target(`${base}/healthz`), ctx());
    expect(r).toMatchObject({ runtimeState: 'alive', processState: 'unknown' });
    expect(r.evidence).toEqual([`GET ${base}/healthz answered 5xx: the runtime is up, its runner's health is unknown`]);
  });

  it('takes 410 Gone as the runtime reporting its runner exited', async () => {
    const base = await servers.start({ status: 410 });
    expect(await adapter.probe(target(`${base}/healthz`), ctx())).toMatchObject({ runtimeState: 'alive', processState: 'dead' });
  });

  it('is dead on both axes when the connection is refused', async () => {
    const base = await servers.closedPort();
    const r = await adapter.probe(target(`${base}/healthz`), ctx());
    expect(r).toMatchObject({ runtimeState: 'dead', processState: 'dead' });
    expect(r.evidence).toEqual([`GET ${base}/healthz: no answer, nothing listens there: dead`]);
  });

  it('does not follow a redirect, to another server or its own: alive, health unknown', async () => {
    const other = await servers.start({ status: 200 });
    const redirecting = await servers.start({ status: 302, location: `${other}/elsewhere` });
    const r = await adapter.probe(target(`${redirecting}/healthz`), ctx());
    expect(r).toEqual({
      runtimeState: 'alive',
      processState: 'unknown',
      evidence: [`GET ${redirecting}/healthz answered 3xx: a redirect, not followed; the runtime is up, its runner's health is unknown`],
    });
    const self = await servers.start({ status: 301, location: '/healthz-moved' });
    expect(await adapter.probe(target(`${self}/healthz`), ctx())).toMatchObject({ runtimeState: 'alive', processState: 'unknown' });
    expect(servers.requests).toEqual([`${redirecting} /healthz`, `${self} /healthz`]);
  });

  it('gives closed ports, and targets that fail in different ways, the same words: no socket error to scan ports with', async () => {
    const shape = async (base: string, signal = new AbortController().signal) => {
      const r = await adapter.probe(target(`${base}/healthz`), { ...ctx(), signal });
      return { ...r, evidence: r.evidence.map((e) => e.replace(`${base}/healthz`, '<url>')) };
    };
    // Two closed ports: dead, in the same words.
    const closed = [await shape(await servers.closedPort()), await shape(await servers.closedPort())];
    expect(closed[1]).toEqual(closed[0]);
    expect(closed[0]).toEqual({ runtimeState: 'dead', processState: 'dead', evidence: ['GET <url>: no answer, nothing listens there: dead'] });
    // A filtered port (accepts, never answers), a reset, a name that does not resolve, TLS to a
    // plain server, an address nothing routes to: unknown, in the same words.
    const filtered = [
      await shape(await servers.start('hang'), AbortSignal.timeout(300)),
      await shape(await servers.start('reset')),
      await shape('http://no-such-host.invalid'),
      await shape((await servers.start({ status: 200 })).replace('http:', 'https:')),
      await shape('http://198.51.100.1:9', AbortSignal.timeout(300)),
    ];
    for (const f of filtered) expect(f).toEqual({ runtimeState: 'unknown', processState: 'unknown', evidence: ['GET <url>: no answer: unknown'] });
  });

  it('returns unknown at the budget when the server accepts and never answers', async () => {
    const base = await servers.start('hang');
    const started = Date.now();
    const r = await probeWithBudget(adapter, target(`${base}/healthz`), { timeoutMs: 300, now: started });
    const took = Date.now() - started;
    expect(r).toEqual({ runtimeState: 'unknown', processState: 'unknown', evidence: ['probe timed out after 300 ms'] });
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(2_000);
  });

  it('heeds its own signal when used without the budget wrapper: unknown, never dead', async () => {
    const base = await servers.start('hang');
    const r = await adapter.probe(target(`${base}/healthz`), { ...ctx(), signal: AbortSignal.timeout(200) });
    expect(r).toMatchObject({ runtimeState: 'unknown', processState: 'unknown' });
    expect(r.evidence).toEqual([`GET ${base}/healthz: no answer: unknown`]);
  });

  it('sends URL credentials as Basic auth and keeps them and query strings out of the evidence', async () => {
    const base = await servers.start({ status: 200 });
    const r = await adapter.probe(target(base.replace('http://', 'http://user:s3cret@') + '/healthz?token=abc'), ctx());
    expect(r.processState).toBe('alive');
    expect(servers.authorizations).toEqual([`Basic ${Buffer.from('user:s3cret').toString('base64')}`]);
    expect(r.evidence.join(' ')).not.toMatch(/s3cret|abc|user/);
    expect(r.evidence[0]).toContain('/healthz?…');
  });

  it('does not contact a host HTTP_PROBE_ALLOW does not list', async () => {
    const base = await servers.start({ status: 200 });
    const guarded = new HttpProbeAdapter({ allow: ['localhost', '*.svc.cluster.local'] });
    expect(await guarded.probe(target(`${base}/healthz`), ctx())).toEqual({
      runtimeState: 'unknown',
      processState: 'unknown',
      evidence: [`GET ${base}/healthz: host not allowed by HTTP_PROBE_ALLOW, not contacted: unknown`],
    });
    expect(servers.requests).toEqual([]);
    expect(await new HttpProbeAdapter({ allow: ['127.0.0.1'] }).probe(target(`${base}/healthz`), ctx())).toMatchObject({ processState: 'alive' });
  });

  it('is unknown on a ref that is not an http(s) URL', async () => {
    for (const ref of ['', 'not a url', 'ftp://example.com/x', 'file:///etc/passwd']) {
      expect(await adapter.probe(target(ref), ctx())).toMatchObject({ runtimeState: 'unknown', processState: 'unknown' });
    }
  });
});
