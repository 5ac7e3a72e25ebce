import { afterEach, describe, expect, it } from 'vitest';
import { QUEUE, type ClaimedTask } from '@smart-reap/shared';
import { startTestStack, waitFor, type TestStack } from '../support/stack.js';

/** Heartbeat runtimes judged where the fact lives (issue 13): the heartbeat index, no prober, no probe job. */
describe('heartbeat runtimes judged from the heartbeat index', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.dispose();
    stack = undefined;
  });

  async function claimHeartbeat(s: TestStack): Promise<ClaimedTask> {
    const created = await s.api('POST', '/tasks', { kind: 'hb' });
    const claim = await s.api('POST', '/tasks/claim', { runnerId: 'hb-runner', kinds: ['hb'], runtime: { type: 'heartbeat', ref: '' }, host: s.config.NODE_NAME });
    expect(claim.status).toBe(200);
    expect(claim.json.id).toBe(created.json.id);
    return claim.json as ClaimedTask;
  }

  it('a beating task gets no probe job; once its beats stop it is diagnosed as lost within grace + 3 rounds, with no prober running', async () => {
    stack = await startTestStack({ HEARTBEAT_GRACE_MS: 1000 }, ['reaper', 'diagnoser']);
    const task = await claimHeartbeat(stack);
    const beat = setInterval(() => void stack?.api('POST', `/tasks/${task.id}/heartbeat`, { runnerId: 'hb-runner', lease: task.lease }), 200);
    let lastBeat = Date.now();
    try {
      await new Promise((r) => setTimeout(r, 3000)); // 12 ticks, 3 intervals
      expect((await stack.task(task.id)).status).toBe('IN_PROGRESS');
      expect((await stack.task(task.id)).reap).toBeUndefined();
    } finally {
      clearInterval(beat);
      lastBeat = Date.now();
    }
    const probeQueue = stack.core.queues.queue(QUEUE.probe);
    expect(await probeQueue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed')).toEqual({ waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0 });

    const reaped = await waitFor(async () => {
      const t = await stack!.task(task.id);
      return t.context.reap_diagnosis ? t : undefined;
    }, 10_000, 'the diagnosis of the silent runner');
    // Stale after the grace (1 s), then 3 unknown rounds 1 s apart: the path of DESIGN §4's last row.
    expect(reaped.reap!.at - lastBeat).toBeLessThan(1000 + 4 * 1000 + 1000);
    expect(reaped.reap!.at - lastBeat).toBeGreaterThan(1000);
    expect(reaped.context.reap_diagnosis).toMatchObject({ crashType: 'unknown', runtimeState: 'unknown', processState: 'unknown' });
    const types = (await stack.core.events.list({ taskId: task.id, limit: 50 })).map((e) => e.type);
    expect(types).toContain('diagnose');
    expect(await stack.core.redis.zscore(stack.core.keys.heartbeats(), task.id)).toBeNull();
  });
});
