import type { AuditEvent, Diagnosis } from '@smart-reap/shared';

let seq = 0;

/** An audit event as the event log returns it. */
export function event(type: AuditEvent['type'], taskId: string, at: number, reason = `${type} reason`): AuditEvent {
  seq += 1;
  return { id: `${at}-${seq}`, at, type, taskId, reason, evidence: [], dryRun: false };
}

export function diagnosis(over: Partial<Diagnosis> = {}): Diagnosis {
  return {
    version: 1,
    crashType: 'oom',
    confidence: 0.99,
    summary: 'Node.js ran out of heap memory (JavaScript heap out of memory)',
    evidence: ['FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'],
    logTail: '',
    logTailBytes: 0,
    runtimeState: 'alive',
    processState: 'dead',
    heartbeatAgeMs: 500,
    partialOutputRatio: 0,
    decision: 'reassign',
    retryable: true,
    attempt: 1,
    diagnosedAt: '2026-11-22T12:00:00.000Z',
    ...over,
  };
}
