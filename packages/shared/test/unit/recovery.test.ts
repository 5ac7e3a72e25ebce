import { describe, expect, it } from 'vitest';
import {
  CRASH_TYPES,
  REMEDIES,
  RecoveryRegistry,
  chooseRecovery,
  decideRecovery,
  isRetryable,
  partialOutputRatio,
  reassignDelayMs,
  type Diagnosis,
  type RecoveryContext,
  type RecoveryStrategy,
  type Task,
} from '@smart-reap/shared';
import { taskFixture } from '../../../../test/support/task-fixture.js';

const task = taskFixture;

const diagnosis = (crashType: Diagnosis['crashType']): Diagnosis => ({
  version: 1,
  crashType,
  confidence: 0.9,
  summary: 's',
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

const ctx = (over: Partial<RecoveryContext> = {}): RecoveryContext => ({
  now: 0,
  resumeMinRatio: 0.2,
  backoffBaseMs: 1000,
  partialOutputRatio: 0,
  retryable: isRetryable,
  random: () => 0.5,
  ...over,
});

const strategies = new RecoveryRegistry().resolve(['resume-partial', 'fail-and-reassign']);

describe('recovery choice (DESIGN §7)', () => {
  it('resumes from ≥ 20 % partial output after a retryable death', () => {
    const out = chooseRecovery(strategies, task({ progress: { ratio: 0.5, partialOutput: 'half' } }), diagnosis('oom'), ctx({ partialOutputRatio: 0.5 }));
    expect(out).toMatchObject({ decision: 'resume', strategy: 'resume-partial', continuation: { kind: 'k', payload: { partialOutput: 'half' } } });
  });

  it('a context overflow is resumed from partial output, never plainly retried', () => {
    expect(chooseRecovery(strategies, task(), diagnosis('context_overflow'), ctx({ partialOutputRatio: 0.4 })).decision).toBe('resume');
    expect(chooseRecovery(strategies, task(), diagnosis('context_overflow'), ctx()).decision).toBe('fail');
  });

  it('reassigns at 0 % while retries remain, then fails', () => {
    expect(chooseRecovery(strategies, task(), diagnosis('killed'), ctx())).toMatchObject({ decision: 'reassign', delayMs: 1000 });
    expect(chooseRecovery(strategies, task({ attempt: 2 }), diagnosis('killed'), ctx()).decision).toBe('fail');
  });

  it.each(CRASH_TYPES.filter((c) => !isRetryable(c)))('%s with retries left is not retried', (c) => {
    expect(chooseRecovery(strategies, task({ maxRetries: 5 }), diagnosis(c), ctx()).decision).toBe('fail');
  });

  it('a throwing strategy fails the task with a reason, it does not throw', () => {
    const broken: RecoveryStrategy = {
      name: 'broken',
      recover() {
        throw new Error('bug');
      },
    };
    expect(chooseRecovery([broken, ...strategies], task(), diagnosis('oom'), ctx())).toMatchObject({ decision: 'fail', reason: expect.stringContaining('broken failed: bug') });
  });

  it('an unknown strategy name is refused at start', () => {
    expect(() => new RecoveryRegistry().resolve(['resume-partial', 'typo'])).toThrow(/unknown recovery strategy "typo"/);
  });

  it('a new strategy is one registration', () => {
    const registry = new RecoveryRegistry();
    registry.register({ name: 'always-fail', recover: () => ({ decision: 'fail', reason: 'policy' }) });
    expect(chooseRecovery(registry.resolve(['always-fail']), task(), diagnosis('oom'), ctx()).reason).toBe('policy');
  });

  it('a cause with its own cap stops before maxRetries (the cap is decideRecovery\'s)', () => {
    const capped = CRASH_TYPES.find((c) => REMEDIES[c].maxAttempts !== undefined)!;
    const cap = REMEDIES[capped].maxAttempts!;
    const config = { strategies, resumeMinRatio: 0.2, backoffBaseMs: 1000, maxFingerprintAttempts: 3, retryable: isRetryable, random: () => 0.5 };
    expect(decideRecovery(task({ attempt: cap, maxRetries: 10 }), diagnosis(capped), { fingerprintAttempts: 0, partialOutputRatio: 0 }, config, 0).outcome.decision).toBe('fail');
  });
});

describe('partial output ratio', () => {
  it("prefers the runner's own ratio", () => {
    expect(partialOutputRatio(task({ progress: { ratio: 0.3, partialOutput: 'x'.repeat(4000) } }))).toBe(0.3);
  });
  it('measures partial output against expected, kind median, or 4000 chars, capped at 1', () => {
    expect(partialOutputRatio(task({ progress: { ratio: 0, partialOutput: 'x'.repeat(100) }, expectedOutputChars: 200 }))).toBe(0.5);
    expect(partialOutputRatio(task({ progress: { ratio: 0, partialOutput: 'x'.repeat(100) } }), 400)).toBe(0.25);
    expect(partialOutputRatio(task({ progress: { ratio: 0, partialOutput: 'x'.repeat(1000) } }))).toBe(0.25);
    expect(partialOutputRatio(task({ progress: { ratio: 0, partialOutput: 'x'.repeat(9000) } }))).toBe(1);
    expect(partialOutputRatio(task())).toBe(0);
  });
});

describe('backoff', () => {
  it('doubles per retry with ±25 % jitter', () => {
    expect(reassignDelayMs('killed', 0, 1000, () => 0.5)).toBe(1000);
    expect(reassignDelayMs('killed', 2, 1000, () => 0.5)).toBe(4000);
    expect(reassignDelayMs('killed', 0, 1000, () => 0)).toBe(750);
    expect(reassignDelayMs('killed', 0, 1000, () => 1)).toBe(1250);
  });
  it("a rate limit waits at least the provider's retry-after", () => {
    expect(reassignDelayMs('rate_limited', 0, 100, () => 0.5, 30_000)).toBe(30_000);
  });
  it('an overloaded provider gets more room', () => {
    expect(reassignDelayMs('provider_overloaded', 0, 1000, () => 0.5)).toBeGreaterThan(reassignDelayMs('network_error', 0, 1000, () => 0.5));
  });
});
