import { afterEach, describe, expect, it } from 'vitest';
import { uniquePrefix } from '../support/redis-context.js';
import { startTestStack, waitFor, type TestStack } from '../support/stack.js';

describe('recovery with real runner processes (DESIGN §7)', () => {
  const stacks: TestStack[] = [];
  afterEach(async () => {
    for (const s of stacks.splice(0).reverse()) await s.dispose();
  });
  const start = async (...args: Parameters<typeof startTestStack>) => {
    const s = await startTestStack(...args);
    stacks.push(s);
    return s;
  };

  async function runAndKill(s: TestStack, claim: (child: ReturnType<TestStack['spawnRunner']>) => Promise<{ id: string; lease: string } | undefined>, ratio: number) {
    const child = s.spawnRunner();
    const task = await claim(child);
    if (!task) throw new Error('nothing to claim');
    if (ratio > 0) {
      const beat = await s.api('POST', `/tasks/${task.id}/heartbeat`, {
        runnerId: `runner-${child.pid}`,
        lease: task.lease,
        progress: { ratio, partialOutput: 'the first half of the answer' },
      });
      expect(beat.status).toBe(200);
    }
    await waitFor(async () => (await s.task(task.id)).probe?.processState === 'alive', 5000, 'an alive probe');
    child.kill('SIGKILL');
    return task.id;
  }

  const failedWithDiagnosis = (s: TestStack, id: string, attempt = 1) =>
    waitFor(async () => {
      const t = await s.task(id);
      return t.attempt === attempt && t.status !== 'IN_PROGRESS' && t.context.reap_diagnosis?.attempt === attempt ? t : undefined;
    }, 10_000, `task ${id} attempt ${attempt} recovered`);

  it('dies at 50 % → a continuation with the partial output, claimed and completed by a second runner', async () => {
    const s = await start();
    const parentId = await runAndKill(s, (c) => s.claimFor(c), 0.5);
    const parent = await failedWithDiagnosis(s, parentId);
    expect(parent.status).toBe('FAILED');
    expect(parent.context.reap_diagnosis).toMatchObject({ decision: 'resume', partialOutputRatio: 0.5, processState: 'dead', attempt: 1 });
    const second = s.spawnRunner();
    const cont = await waitFor(() => s.claimAs(second), 5000, 'the continuation to be claimable');
    expect(cont.id).toBe(parent.continuationId);
    expect(cont.parentId).toBe(parentId);
    expect(cont.payload).toMatchObject({ partialOutput: 'the first half of the answer', partialOutputRatio: 0.5 });
    const done = await s.api('POST', `/tasks/${cont.id}/complete`, { runnerId: `runner-${second.pid}`, lease: cont.lease, output: 'the whole answer' });
    expect(done.json.status).toBe('COMPLETED');
  });

  it('dies at 0 % → FAILED → ASSIGNED (attempt 2) → dies again → stays FAILED', async () => {
    const s = await start();
    const id = await runAndKill(s, (c) => s.claimFor(c), 0);
    const first = await failedWithDiagnosis(s, id);
    expect(first.context.reap_diagnosis?.decision).toBe('reassign');
    await waitFor(async () => (await s.task(id)).status === 'ASSIGNED', 5000, 'reassignment');
    const again = await s.task(id);
    expect(again.attempt).toBe(2);
    await runAndKill(s, (c) => s.claimAs(c), 0);
    const last = await failedWithDiagnosis(s, id, 2);
    expect(last.status).toBe('FAILED');
    expect(last.context.reap_diagnosis?.decision).toBe('fail');
    await new Promise((r) => setTimeout(r, 1000));
    expect((await s.task(id)).status).toBe('FAILED');
    expect((await s.task(id)).history.map((h) => `${h.from}>${h.to}`)).toEqual([
      'PENDING>ASSIGNED',
      'ASSIGNED>IN_PROGRESS',
      'IN_PROGRESS>FAILED',
      'FAILED>ASSIGNED',
      'ASSIGNED>IN_PROGRESS',
      'IN_PROGRESS>FAILED',
    ]);
  });

  it('an auth_error with retries left is not retried, and a person is asked to look', async () => {
    const s = await start();
    const child = s.spawnRunner();
    const task = await s.claimFor(child, { maxRetries: 3 });
    const runnerId = `runner-${child.pid}`;
    await s.api('POST', `/tasks/${task.id}/log`, {
      lease: task.lease,
      lines: [
        'calling the model…',
        'anthropic.AuthenticationError: Error code: 401 - {"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}',
      ],
    });
    expect((await s.api('POST', `/tasks/${task.id}/fail`, { runnerId, lease: task.lease, exitCode: 1, snapshot: { turns: 3, costUsd: 0.02 } })).status).toBe(202);
    const failed = await failedWithDiagnosis(s, task.id);
    expect(failed.context.reap_diagnosis).toMatchObject({ crashType: 'auth_error', decision: 'fail', retryable: false, exitCode: 1 });
    expect(failed.needsAttention?.reason).toMatch(/auth_error/);
    expect(failed.context.snapshot).toEqual({ turns: 3, costUsd: 0.02 });
    await new Promise((r) => setTimeout(r, 800));
    expect((await s.task(task.id)).status).toBe('FAILED');
  });

  it('three reaper and three diagnoser replicas racing on the same deaths: one continuation and one reassignment each', async () => {
    const prefix = uniquePrefix('rep');
    const shared = { KEY_PREFIX: prefix, NODE_NAME: `node-${prefix}` };
    const a = await start(shared);
    await start(shared);
    await start(shared);
    // A kind each: a continuation made meanwhile must not be the next claim.
    const resumed = [await runAndKill(a, (c) => a.claimFor(c, {}, 'r1'), 0.5), await runAndKill(a, (c) => a.claimFor(c, {}, 'r2'), 0.6)];
    const retried = [await runAndKill(a, (c) => a.claimFor(c, {}, 'r3'), 0), await runAndKill(a, (c) => a.claimFor(c, {}, 'r4'), 0)];
    for (const id of [...resumed, ...retried]) await failedWithDiagnosis(a, id);
    for (const id of retried) await waitFor(async () => (await a.task(id)).status === 'ASSIGNED', 5000, 'reassignment');
    await new Promise((r) => setTimeout(r, 1500)); // any duplicate would have shown by now
    const all = (await a.api('GET', '/tasks?limit=100')).json.tasks as Array<{ id: string; parentId?: string }>;
    for (const id of resumed) expect(all.filter((t) => t.parentId === id)).toHaveLength(1);
    for (const id of retried) {
      const t = await a.task(id);
      expect(t.attempt).toBe(2);
      expect(t.history.filter((h) => h.from === 'FAILED' && h.to === 'ASSIGNED')).toHaveLength(1);
      expect(t.history.filter((h) => h.to === 'FAILED')).toHaveLength(1);
    }
    const events = await a.core.events.list({ limit: 500 });
    for (const id of resumed) expect(events.filter((e) => e.taskId === id && e.type === 'resume')).toHaveLength(1);
  });
});
