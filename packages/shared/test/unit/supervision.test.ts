import { describe, expect, it } from 'vitest';
import { hostProbeQueue, liveProberHosts, queueSupervision, resolveClaimHost, type ProberEntry } from '../../src/index.js';

const sameQueue = (a: string, b: string) => hostProbeQueue(a) === hostProbeQueue(b);

describe('resolveClaimHost (issue 10)', () => {
  it('gives a host-local claim without host the only live host, and refuses several or none', () => {
    expect(resolveClaimHost('process', undefined, ['box'], sameQueue)).toEqual({ ok: true, host: 'box' });
    const two = resolveClaimHost('tmux', undefined, ['b', 'a'], sameQueue);
    expect(two).toEqual({ ok: false, reason: expect.stringContaining('registered hosts: a, b') });
    expect(resolveClaimHost('process', undefined, [], sameQueue)).toEqual({ ok: false, reason: expect.stringContaining('no prober is registered') });
  });

  it('accepts a named host a live prober serves, as its probe queue routes it, and refuses any other', () => {
    expect(resolveClaimHost('process', 'box', ['box', 'other'], sameQueue)).toEqual({ ok: true, host: 'box' });
    expect(resolveClaimHost('process', 'my box', ['my_box'], sameQueue)).toEqual({ ok: true, host: 'my box' });
    expect(resolveClaimHost('process', 'elsewhere', ['box'], sameQueue)).toEqual({ ok: false, reason: expect.stringContaining('no live prober serves host "elsewhere"') });
  });

  it('leaves http, heartbeat and kubernetes claims as they are', () => {
    for (const t of ['http', 'heartbeat', 'kubernetes'] as const) {
      expect(resolveClaimHost(t, undefined, [], sameQueue)).toEqual({ ok: true, host: undefined });
      expect(resolveClaimHost(t, 'x', [], sameQueue)).toEqual({ ok: true, host: 'x' });
    }
  });
});

describe('queueSupervision', () => {
  const now = 1_000_000;
  const entry = (queue: string, expiresAt: number, host?: string): ProberEntry => ({ queue, host, instance: `${queue}-${expiresAt}`, expiresAt });

  it('is served while one registration for the queue is live and the queue is not paused', () => {
    const entries = [entry('probe-a', now - 5, 'a'), entry('probe-a', now + 5, 'a')];
    expect(queueSupervision('probe-a', { entries, pausedQueues: new Set(), now })).toEqual({ served: true });
    expect(queueSupervision('probe-a', { entries, pausedQueues: new Set(['probe-a']), now })).toEqual({ served: false, reason: expect.stringMatching(/paused/) });
  });

  it('says whether the prober is gone or never was', () => {
    const entries = [entry('probe-a', now - 5, 'a')];
    expect(queueSupervision('probe-a', { entries, pausedQueues: new Set(), now })).toEqual({ served: false, reason: expect.stringMatching(/gone: its registration expired at/) });
    expect(queueSupervision('probe', { entries, pausedQueues: new Set(), now })).toEqual({ served: false, reason: 'no prober is registered for probe queue probe' });
  });

  it('liveProberHosts lists each live host once, never a shared prober', () => {
    const entries = [entry('probe-b', now + 1, 'b'), entry('probe-b', now + 2, 'b'), entry('probe-a', now + 1, 'a'), entry('probe-c', now, 'c'), entry('probe', now + 9)];
    expect(liveProberHosts(entries, now)).toEqual(['a', 'b']);
  });
});
