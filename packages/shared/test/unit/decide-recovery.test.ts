import { describe, expect, it } from 'vitest';
import { BUILTIN_STRATEGIES, decideRecovery, isRetryable, type Diagnosis, type RecoveryConfig } from '@smart-reap/shared';
import { taskFixture as task } from '../../../../test/support/task-fixture.js';

const diagnosis = (crashType: Diagnosis['crashType'], summary = 'it broke'): Diagnosis => ({
  version: 1,
  crashType,
  confidence: 0.9,
  summary,
  evidence: [],
  logTail: '',
  logTailBytes: 0,
  runtimeState: 'alive',
  processState: 'dead',
  heartbeatAgeMs: 0,
  partialOutputRatio: 0,
  decision: 'fail',
  retryable: isRetryable(crashType),
  attempt: 1,
  diagnosedAt: new Date(0).toISOString(),
});

const config: RecoveryConfig = { strategies: BUILTIN_STRATEGIES, resumeMinRatio: 0.2, backoffBaseMs: 1000, maxFingerprintAttempts: 3, retryable: isRetryable, random: () => 0.5 };
const facts = (over: Partial<{ fingerprintAttempts: number; partialOutputRatio: number }> = {}) => ({ fingerprintAttempts: 0, partialOutputRatio: 0, ...over });
const fingerprinted = (over = {}) => task({ dedupKey: 'fp', maxRetries: 5, ...over });

describe('decideRecovery: the fingerprint cap (DESIGN §8)', () => {
  it('a fingerprint under its 3 attempts is retried as usual', () => {
    const d = decideRecovery(fingerprinted({ attempt: 2 }), diagnosis('network_error'), facts({ fingerprintAttempts: 2 }), config, 0);
    expect(d.outcome).toMatchObject({ decision: 'reassign', strategy: 'fail-and-reassign' });
    expect(d.attention).toBeUndefined();
  });

  it('at 3 attempts it fails, whatever retries remain, and wants a person', () => {
    const d = decideRecovery(fingerprinted({ attempt: 3 }), diagnosis('network_error'), facts({ fingerprintAttempts: 3 }), config, 0);
    expect(d.outcome).toEqual({ decision: 'fail', reason: 'fingerprint k/fp has used its 3 attempts', strategy: 'fingerprint-cap' });
    expect(d.attention).toBe('one fingerprint has failed 3 times: it broke');
  });

  it('it also stops a continuation that would resume from partial output', () => {
    const d = decideRecovery(fingerprinted(), diagnosis('network_error'), facts({ fingerprintAttempts: 4, partialOutputRatio: 0.9 }), config, 0);
    expect(d.outcome.strategy).toBe('fingerprint-cap');
  });

  it('the cap is the configured one', () => {
    expect(decideRecovery(fingerprinted(), diagnosis('network_error'), facts({ fingerprintAttempts: 3 }), { ...config, maxFingerprintAttempts: 4 }, 0).outcome.decision).toBe('reassign');
  });
});

describe('decideRecovery: strategy order, per-cause caps, attention', () => {
  it('resume-partial comes before fail-and-reassign when enough was done', () => {
    expect(decideRecovery(task({ maxRetries: 5 }), diagnosis('network_error'), facts({ partialOutputRatio: 0.5 }), config, 0).outcome).toMatchObject({ decision: 'resume', strategy: 'resume-partial' });
  });

  it("a cause's own cap fails a reassignment before maxRetries runs out (oom: 3)", () => {
    expect(decideRecovery(task({ attempt: 2, maxRetries: 10 }), diagnosis('oom'), facts(), config, 0).outcome.decision).toBe('reassign');
    expect(decideRecovery(task({ attempt: 3, maxRetries: 10 }), diagnosis('oom'), facts(), config, 0).outcome).toEqual({
      decision: 'fail',
      reason: 'oom has its own cap of 3 attempts',
      strategy: 'fail-and-reassign',
    });
  });

  it('a cause that always wants a person says so with the summary, retried or not', () => {
    const d = decideRecovery(task({ maxRetries: 5 }), diagnosis('unknown', 'no idea'), facts(), config, 0);
    expect(d.outcome.decision).toBe('reassign');
    expect(d.attention).toBe('unknown: no idea');
    expect(decideRecovery(task(), diagnosis('auth_error', 'bad key'), facts(), config, 0)).toMatchObject({ outcome: { decision: 'fail' }, attention: 'auth_error: bad key' });
  });

  it("the cause's heal hint goes with a reassignment", () => {
    const d = decideRecovery(task({ maxRetries: 5 }), diagnosis('oom'), facts(), config, 0);
    expect(d.outcome).toMatchObject({ decision: 'reassign', healHint: { memory: '2x' } });
  });
});
