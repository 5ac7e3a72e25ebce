import { afterEach, describe, expect, it } from 'vitest';
import { QUEUE } from '@smart-reap/shared';
import { startTestStack, waitFor, type TestStack } from '../../../../test/support/stack.js';

describe('POST /tasks/:id/retry: an operator gives a FAILED task one more attempt (DESIGN §9)', () => {
  let s: TestStack | undefined;
  afterEach(async () => {
    await s?.dispose();
    s = undefined;
  });

  it('a SIGKILLed runner with no retries left → FAILED; retried by alice → ASSIGNED, claimable, history names her; then 409 and 404', async () => {
    s = await startTestStack();
    const stack = s;
    const first = stack.spawnRunner();
    const task = await stack.claimFor(first, { maxRetries: 0 });
    await waitFor(async () => (await stack.task(task.id)).probe?.processState === 'alive', 5000, 'an alive probe');
    first.kill('SIGKILL');
    const failed = await waitFor(async () => {
      const t = await stack.task(task.id);
      return t.status === 'FAILED' && t.context.reap_diagnosis ? t : undefined;
    }, 10_000, 'the dead runner diagnosed and failed');
    expect(failed.context.reap_diagnosis?.decision).toBe('fail');
    expect(failed).toMatchObject({ attempt: 1, maxRetries: 0 });

    // Nothing waits for a runner while the task is FAILED with its budget spent.
    const idle = stack.spawnRunner();
    expect(await stack.claimAs(idle)).toBeUndefined();

    const bad = await stack.api('POST', `/tasks/${task.id}/retry`, { by: '' });
    expect(bad.status).toBe(400);
    expect(bad.json.issues).toEqual([expect.objectContaining({ field: 'by' })]);
    expect((await stack.task(task.id)).status).toBe('FAILED');

    const retried = await stack.api('POST', `/tasks/${task.id}/retry`, { by: 'alice', reason: 'fixed the runner image' });
    expect(retried.status).toBe(200);
    expect(retried.json).toEqual({ id: task.id, status: 'ASSIGNED', attempt: 2, maxRetries: 1 });
    const assigned = await stack.task(task.id);
    expect(assigned.history.at(-1)).toMatchObject({ from: 'FAILED', to: 'ASSIGNED', by: 'alice', reason: 'fixed the runner image' });
    const jobs = await stack.core.queues.queue(QUEUE.assigned).getJobs(['waiting', 'delayed', 'prioritized']);
    expect(jobs.map((j) => j.id)).toContain(`${task.id}-a2`);
    const events = await stack.api('GET', `/events?taskId=${task.id}`);
    expect(events.json.events[0]).toMatchObject({ type: 'reassign', reason: expect.stringContaining('retry asked by alice') });

    const claimed = await stack.claimAs(idle);
    expect(claimed).toMatchObject({ id: task.id, status: 'IN_PROGRESS', attempt: 2 });

    const notFailed = await stack.api('POST', `/tasks/${task.id}/retry`, {});
    expect(notFailed.status).toBe(409);
    expect(notFailed.json.error).toMatch(/IN_PROGRESS/);
    expect((await stack.task(task.id))).toMatchObject({ status: 'IN_PROGRESS', attempt: 2 });
    expect((await stack.api('POST', '/tasks/no-such-task/retry', {})).status).toBe(404);
  });

  it('without a body the history says the operator asked', async () => {
    s = await startTestStack();
    const stack = s;
    const runner = stack.spawnRunner();
    const task = await stack.claimFor(runner, { maxRetries: 0 });
    await waitFor(async () => (await stack.task(task.id)).probe?.processState === 'alive', 5000, 'an alive probe');
    runner.kill('SIGKILL');
    await waitFor(async () => (await stack.task(task.id)).status === 'FAILED', 10_000, 'FAILED');
    const res = await fetch(`${stack.url}/tasks/${task.id}/retry`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect((await stack.task(task.id)).history.at(-1)).toMatchObject({ to: 'ASSIGNED', by: 'operator' });
  });
});
