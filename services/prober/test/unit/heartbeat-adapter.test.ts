import { describe, expect, it } from 'vitest';
import type { ProbeTarget } from '@smart-reap/shared';
import { HeartbeatProbeAdapter } from '../../src/probes/heartbeat-adapter.js';

const adapter = new HeartbeatProbeAdapter();
const ctx = { signal: new AbortController().signal, now: 1_000_000, heartbeatGraceMs: 90_000 };
const at = (heartbeatAt?: number): ProbeTarget => ({ taskId: 't1', runtime: { type: 'heartbeat', ref: '' }, heartbeatAt });

describe('heartbeat adapter', () => {
  it('is alive on both axes while the heartbeat is fresh, up to the grace included', async () => {
    expect(await adapter.probe(at(1_000_000 - 5_000), ctx)).toEqual({ runtimeState: 'alive', processState: 'alive', evidence: ['heartbeat fresh: last beat 5000 ms ago (grace 90 s)'] });
    expect((await adapter.probe(at(1_000_000 - 90_000), ctx)).processState).toBe('alive');
  });

  it('is unknown on both axes, never dead, once the heartbeat is stale', async () => {
    const r = await adapter.probe(at(1_000_000 - 90_001), ctx);
    expect(r).toMatchObject({ runtimeState: 'unknown', processState: 'unknown' });
    expect(r.evidence[0]).toMatch(/^heartbeat stale: last beat 90 s ago \(grace 90 s\)/);
    expect((await adapter.probe(at(0), ctx)).processState).toBe('unknown');
  });

  it('is unknown when no heartbeat ever came', async () => {
    expect(await adapter.probe(at(undefined), ctx)).toMatchObject({ runtimeState: 'unknown', processState: 'unknown', evidence: [expect.stringMatching(/^no heartbeat received yet/)] });
  });

  it('counts a beat stamped slightly ahead of this clock as fresh and says why', async () => {
    const r = await adapter.probe(at(1_000_000 + 1_500), ctx);
    expect(r).toMatchObject({ runtimeState: 'alive', processState: 'alive' });
    expect(r.evidence[0]).toMatch(/in the future \(clocks disagree\)/);
  });
});
