import { describe, expect, it } from 'vitest';
import { HeartbeatProbeAdapter } from '../../src/probes/heartbeat-adapter.js';

describe('heartbeat adapter', () => {
  it('judges nothing: a heartbeat-only runner is unknown on both axes until the decide step reads its heartbeat', async () => {
    expect(await new HeartbeatProbeAdapter().probe()).toEqual({
      runtimeState: 'unknown',
      processState: 'unknown',
      evidence: ['heartbeat-only runner: judged by its heartbeat when the round is decided'],
    });
  });
});
