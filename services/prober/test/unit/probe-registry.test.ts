import { describe, expect, it } from 'vitest';
import { RUNTIME_TYPES, configWith, type ProbeTarget } from '@smart-reap/shared';
import { createDefaultProbeWiring, createProbeRegistry, type PodApi } from '../../src/index.js';

const noPods: PodApi = {
  readPod: () => Promise.reject(new Error('no cluster in unit tests')),
  deletePod: () => Promise.reject(new Error('no cluster in unit tests')),
};

describe('probe registry', () => {
  it('has an adapter and a stopper of the right type for every runtime type', () => {
    const registry = createProbeRegistry({ podApi: noPods });
    for (const type of RUNTIME_TYPES) {
      expect(registry.adapterFor(type).type).toBe(type);
      expect(registry.stopperFor(type).type).toBe(type);
    }
  });

  it('says http and heartbeat runners cannot be stopped from here', async () => {
    const registry = createProbeRegistry({ podApi: noPods });
    for (const type of ['http', 'heartbeat'] as const) {
      const res = await registry.stopperFor(type).stop({ taskId: 't9', runtime: { type, ref: '' } }, new AbortController().signal);
      expect(res).toEqual({ stopped: false, evidence: [`${type} runners cannot be stopped from here (task t9): the runner is fenced only`] });
    }
  });
});

describe('default wiring', () => {
  const config = configWith({ NODE_NAME: 'node-a', PROBE_TIMEOUT_MS: 500 });
  const wiring = createDefaultProbeWiring(config, { podApi: noPods });

  it('leaves heartbeat-only runners to the decide step, whatever the clock says', async () => {
    const t: ProbeTarget = { taskId: 't1', runtime: { type: 'heartbeat', ref: '' } };
    expect(await wiring.probe(t, 109_000)).toMatchObject({ runtimeState: 'unknown', processState: 'unknown' });
  });

  it('leaves host-local runners of another host alone, per NODE_NAME', async () => {
    const t: ProbeTarget = { taskId: 't1', runtime: { type: 'process', ref: '' }, pid: 1, pidStartTime: '1', host: 'node-b' };
    expect(await wiring.probe(t, 0)).toMatchObject({ runtimeState: 'unknown', processState: 'unknown' });
    expect((await wiring.stopperFor('process').stop(t, new AbortController().signal)).stopped).toBe(false);
  });

  it('turns an erring adapter into unknown rather than rejecting', async () => {
    const t: ProbeTarget = { taskId: 't1', runtime: { type: 'kubernetes', ref: 'agents/agent-7' } };
    expect(await wiring.probe(t, 0)).toEqual({ runtimeState: 'unknown', processState: 'unknown', evidence: ['reading pod agents/agent-7 failed: no cluster in unit tests'] });
  });
});
