import { afterEach, describe, expect, it } from 'vitest';
import { isAlive, startTestStack, waitFor, type TestStack } from '../support/stack.js';

describe('DRY_RUN=true (DESIGN §4)', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.dispose();
    stack = undefined;
  });

  it('records what it would do to a dead runner and a stuck one, and does none of it', async () => {
    stack = await startTestStack({ DRY_RUN: true, MAX_EXTENSIONS: 0, HEARTBEAT_GRACE_MS: 500 });
    const s = stack;
    const dead = s.spawnRunner();
    const deadTask = await s.claimFor(dead);
    // Past its deadline at once, never beating: a stop would be due.
    const stuck = s.spawnRunner();
    const stuckTask = await s.claimFor(stuck, { maxAgeMinutes: 0.001 });
    await waitFor(async () => (await s.task(deadTask.id)).probe?.processState === 'alive', 5000, 'an alive probe');
    dead.kill('SIGKILL');

    const events = await waitFor(async () => {
      const list = await s.core.events.list({ limit: 100 });
      const wouldDiagnose = list.find((e) => e.taskId === deadTask.id && e.type === 'diagnose');
      const wouldStop = list.find((e) => e.taskId === stuckTask.id && e.type === 'stop');
      return wouldDiagnose && wouldStop ? { wouldDiagnose, wouldStop } : undefined;
    }, 10_000, 'both "would" events');
    expect(events.wouldDiagnose).toMatchObject({ dryRun: true, reason: expect.stringMatching(/^would diagnose: /) });
    expect(events.wouldStop).toMatchObject({ dryRun: true, reason: expect.stringMatching(/^would stop: /) });

    await new Promise((r) => setTimeout(r, 1500));
    for (const id of [deadTask.id, stuckTask.id]) {
      const t = await s.task(id);
      expect(t.status).toBe('IN_PROGRESS');
      expect(t.reap).toBeUndefined();
      expect(t.context.reap_diagnosis).toBeUndefined();
    }
    expect(isAlive(stuck.pid!)).toBe(true);
    const all = await s.core.events.list({ limit: 500 });
    expect(all.every((e) => e.dryRun)).toBe(true);
    // Said once, not once a round.
    expect(all.filter((e) => e.taskId === stuckTask.id && e.type === 'stop')).toHaveLength(1);
  });
});
