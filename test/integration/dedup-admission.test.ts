import { afterEach, describe, expect, it } from 'vitest';
import { applyTransition, type Diagnosis } from '@smart-reap/shared';
import { startTestStack, type TestStack } from '../support/stack.js';

const diagnosis = (decision: Diagnosis['decision']): Diagnosis => ({
  version: 1,
  crashType: 'network_error',
  confidence: 0.9,
  summary: 'connection reset',
  evidence: [],
  logTail: '',
  logTailBytes: 0,
  runtimeState: 'alive',
  processState: 'dead',
  heartbeatAgeMs: 0,
  partialOutputRatio: 0,
  decision,
  retryable: true,
  attempt: 1,
  diagnosedAt: new Date(0).toISOString(),
});

describe('dedup re-admission: a fingerprint admits a new task once its holder ended for good', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.dispose();
    stack = undefined;
  });

  it('returns the holder while it may still come back, and admits a new task once it cannot', async () => {
    stack = await startTestStack({}, ['reaper']);
    const s = stack;
    const create = () => s.api('POST', '/tasks', { kind: 'fix', dedupKey: 'issue-7', maxRetries: 1 });
    const failAs = (id: string, decision: Diagnosis['decision']) =>
      s.core.store.mutate(id, (t, now) => ({ write: applyTransition(t, { to: 'FAILED', by: 'test', reason: 'diagnosed' }, now, { context: { reap_diagnosis: diagnosis(decision) } }) }));

    const first = await create();
    expect(first.status).toBe(201);
    expect(await create()).toMatchObject({ status: 200, json: { id: first.json.id } });

    // FAILED, but its reassignment is still to come: not ended, the holder stands.
    await failAs(first.json.id, 'reassign');
    expect(await create()).toMatchObject({ status: 200, json: { id: first.json.id } });

    // FAILED for good: a new task takes the fingerprint.
    await failAs(first.json.id, 'fail');
    const second = await create();
    expect(second.status).toBe(201);
    expect(second.json.id).not.toBe(first.json.id);
    expect(await create()).toMatchObject({ status: 200, json: { id: second.json.id } });

    // Cancelled: ended for good too.
    expect((await s.api('POST', `/tasks/${second.json.id}/cancel`, {})).status).toBe(200);
    const third = await create();
    expect(third.status).toBe(201);
    expect(new Set([first.json.id, second.json.id, third.json.id]).size).toBe(3);
  });
});
