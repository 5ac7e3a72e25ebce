import { afterEach, describe, expect, it } from 'vitest';
import { QUEUE } from '@smart-reap/shared';
import { isAlive, startTestStack, waitFor, type TestStack } from '../support/stack.js';

describe('liveness with real processes (DESIGN §3, §4)', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.dispose();
    stack = undefined;
  });

  it('a SIGKILLed runner is on the diagnose queue within 2 s (TICK_MS=250, PROBE_INTERVAL_MS=1000)', async () => {
    stack = await startTestStack({}, ['reaper', 'prober']);
    const child = stack.spawnRunner();
    const task = await stack.claimFor(child);
    // Let the first probe rounds see it alive, so the measure starts from a working runner.
    await waitFor(async () => (await stack!.task(task.id)).probe?.processState === 'alive', 5000, 'a first alive probe');
    const killedAt = Date.now();
    child.kill('SIGKILL');
    const diagnoseQueue = stack.core.queues.queue(QUEUE.diagnose);
    await waitFor(async () => diagnoseQueue.getJob(`diag-${task.id}-a1`), 5000, 'the diagnose job');
    const detectedMs = Date.now() - killedAt;
    expect(detectedMs).toBeLessThan(2000);
    const reaped = await stack.task(task.id);
    expect(reaped.reap?.by).toBe('reaper');
    expect(reaped.probe).toMatchObject({ runtimeState: 'alive', processState: 'dead' });
    const events = await stack.core.events.list({ taskId: task.id, limit: 10 });
    expect(events.map((e) => e.type)).toContain('diagnose');
  });

  it('a live runner past its deadline that keeps beating is extended twice, then escalated, never reaped', async () => {
    stack = await startTestStack({ HEARTBEAT_GRACE_MS: 5000 }, ['reaper', 'prober']);
    const child = stack.spawnRunner();
    const task = await stack.claimFor(child, { maxAgeMinutes: 0.01 }); // 600 ms windows
    const runnerId = `runner-${child.pid}`;
    const beat = setInterval(() => void stack?.api('POST', `/tasks/${task.id}/heartbeat`, { runnerId, lease: task.lease }), 200);
    try {
      const escalated = await waitFor(async () => {
        const t = await stack!.task(task.id);
        return t.needsAttention ? t : undefined;
      }, 10_000, 'the escalation');
      expect(escalated.extensions).toBe(2);
      expect(escalated.status).toBe('IN_PROGRESS');
      expect(escalated.reap).toBeUndefined();
      expect(escalated.needsAttention?.reason).toMatch(/after 2 extensions/);
      // Rounds keep coming past the escalation: the runner stays untouched.
      await new Promise((r) => setTimeout(r, 2000));
      const later = await stack.task(task.id);
      expect(later.status).toBe('IN_PROGRESS');
      expect(later.reap).toBeUndefined();
      expect(isAlive(child.pid!)).toBe(true);
      const types = (await stack.core.events.list({ taskId: task.id, limit: 50 })).map((e) => e.type);
      expect(types.filter((t) => t === 'extend')).toHaveLength(2);
      expect(types.filter((t) => t === 'escalate')).toHaveLength(1);
    } finally {
      clearInterval(beat);
    }
  });

  it('a live runner past its deadline that never beats is extended twice, stopped, diagnosed and recovered', async () => {
    stack = await startTestStack({ HEARTBEAT_GRACE_MS: 300 });
    const child = stack.spawnRunner();
    const task = await stack.claimFor(child, { maxAgeMinutes: 0.01 });
    const failed = await waitFor(async () => {
      const t = await stack!.task(task.id);
      return t.attempt === 2 || t.status === 'FAILED' ? t : undefined;
    }, 15_000, 'the stuck runner to be recovered');
    await waitFor(async () => !isAlive(child.pid!), 5000, 'the runner process to be gone');
    const history = (await stack.task(task.id)).history.map((h) => `${h.from}>${h.to}`);
    expect(history).toContain('IN_PROGRESS>FAILED');
    const parent = await stack.task(task.id);
    const diagnosis = parent.context.reap_diagnosis!;
    expect(diagnosis.crashType).toBe('timeout');
    expect(diagnosis.decision).toBe('reassign');
    expect(failed.extensions === 2 || parent.attempt === 2).toBe(true);
    const types = (await stack.core.events.list({ taskId: task.id, limit: 50 })).map((e) => e.type);
    expect(types.filter((t) => t === 'extend')).toHaveLength(2);
    expect(types).toContain('stop');
    await waitFor(async () => (await stack!.task(task.id)).status === 'ASSIGNED', 5000, 'the reassignment');
  });

  it('a pid reused by another process is not taken for the runner, and is not signalled', async () => {
    stack = await startTestStack({ HEARTBEAT_GRACE_MS: 300 }, ['reaper', 'prober']);
    const other = stack.spawnRunner();
    // The runner that claimed had this pid but another start time: the live process is someone else.
    const task = await stack.claimFor({ pid: other.pid, startTime: String(Number(other.startTime) - 100) });
    const reaped = await waitFor(async () => {
      const t = await stack!.task(task.id);
      return t.reap ? t : undefined;
    }, 5000, 'the reap');
    expect(reaped.probe?.processState).toBe('dead');
    expect(reaped.probe?.evidence.join(' ')).toMatch(/reuse|start time/i);
    expect(isAlive(other.pid!)).toBe(true);
  });

  it('a reaped runner that comes back gets 409 for heartbeat, log-free complete and fail, and changes nothing', async () => {
    stack = await startTestStack({}, ['reaper', 'prober']);
    const child = stack.spawnRunner();
    const task = await stack.claimFor(child);
    child.kill('SIGKILL');
    await waitFor(async () => (await stack!.task(task.id)).reap, 5000, 'the reap');
    const before = await stack.task(task.id);
    const runnerId = `runner-${child.pid}`;
    const { lease } = task;
    expect((await stack.api('POST', `/tasks/${task.id}/heartbeat`, { runnerId, lease })).status).toBe(409);
    expect((await stack.api('POST', `/tasks/${task.id}/complete`, { runnerId, lease, output: 'late' })).status).toBe(409);
    expect((await stack.api('POST', `/tasks/${task.id}/fail`, { runnerId, lease })).status).toBe(409);
    const after = await stack.task(task.id);
    expect({ ...after, probe: undefined, updatedAt: 0 }).toEqual({ ...before, probe: undefined, updatedAt: 0 });
  });
});
