import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '@smart-reap/shared';
import { age, formatTaskReport } from '../../src/task-report.js';
import { taskFixture } from '../../../../test/support/task-fixture.js';

const now = Date.parse('2026-11-22T12:00:00Z');

const diagnosis: Diagnosis = {
  version: 1,
  crashType: 'segfault',
  confidence: 0.9,
  summary: 'The process crashed with a segmentation fault (SIGSEGV)',
  evidence: ['signal SIGSEGV'],
  logTail: 'step 1\nstep 2\nSegmentation fault\n',
  logTailBytes: 33,
  signal: 'SIGSEGV',
  runtimeState: 'alive',
  processState: 'dead',
  heartbeatAgeMs: 1200,
  partialOutputRatio: 0.25,
  decision: 'reassign',
  retryable: true,
  attempt: 1,
  diagnosedAt: '2026-11-22T11:59:58.000Z',
};

describe('formatTaskReport', () => {
  it('shows the state, the runner and every field of the diagnosis a person needs', () => {
    const text = formatTaskReport(
      taskFixture({
        id: 'task-1',
        kind: 'build',
        status: 'FAILED',
        createdAt: now - 60_000,
        updatedAt: now - 2000,
        runner: { runnerId: 'run-a', runtime: { type: 'process', ref: '' }, pid: 4242, host: 'node-a', claimedAt: now - 30_000 },
        failure: { signal: 'SIGSEGV' },
        context: { reap_diagnosis: diagnosis },
        history: [{ from: 'IN_PROGRESS', to: 'FAILED', at: now - 2000, by: 'diagnoser', reason: 'segfault' }],
      }),
      { now },
    );
    expect(text).toMatch(/^task task-1\n/);
    expect(text).toMatch(/status\s+FAILED/);
    expect(text).toMatch(/runner\s+run-a \(process, pid 4242, on node-a\)/);
    expect(text).toMatch(/crash type\s+segfault \(confidence 0\.90\)/);
    expect(text).toContain(diagnosis.summary);
    expect(text).toMatch(/decision\s+reassign \(retryable\)/);
    expect(text).toContain('- signal SIGSEGV');
    expect(text).toContain('| Segmentation fault');
    expect(text).toMatch(/partial output 25 %/);
    expect(text).toContain('IN_PROGRESS → FAILED  by diagnoser: segfault');
  });

  it('never prints the payload or the partial output, only their size', () => {
    const text = formatTaskReport(
      taskFixture({ payload: { prompt: 'the secret plan' }, progress: { ratio: 0.5, partialOutput: 'half of the secret plan' } }),
      { now },
    );
    expect(text).not.toContain('secret plan');
    expect(text).toMatch(/payload\s+28 characters/);
    expect(text).toMatch(/progress\s+50 %, 23 characters of partial output/);
    expect(text).toMatch(/diagnosis\s+none/);
  });

  it('says ages in the unit a person reads', () => {
    expect(age(850)).toBe('850 ms ago');
    expect(age(12_000)).toBe('12 s ago');
    expect(age(-180_000)).toBe('in 3 min');
  });
});
