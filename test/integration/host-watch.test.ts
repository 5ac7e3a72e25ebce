import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { QUEUE, hostProbeQueue, type Task } from '@smart-reap/shared';
import { isAlive, processStartTime, startTestStack, waitFor, type TestStack } from '../support/stack.js';

/**
 * Host-local runners watched on their host (issue 13), on the real stack with real processes. The
 * safety net is set a minute away, so whatever is found within seconds was found by the host's
 * watcher, not by a probe round.
 */
describe("process runners watched by their host's prober", { timeout: 60_000 }, () => {
  let stack: TestStack | undefined;
  const extra: Array<{ close(): Promise<void> }> = [];
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const s of extra.splice(0)) await s.close();
    await stack?.dispose();
    stack = undefined;
  });

  const watchedConfig = { SAFETY_NET_INTERVAL_MS: 60_000 };
  const summaryOf = async (s: TestStack) => s.core.redis.zscore(s.core.keys.hostWatch(), hostProbeQueue(s.config.NODE_NAME));

  it('a SIGKILLed runner is reported by the watcher as a change, reaped and diagnosed within 2 s', async () => {
    stack = await startTestStack(watchedConfig);
    const s = stack;
    const child = s.spawnRunner();
    const task = await s.claimFor(child);
    await waitFor(async () => (await s.task(task.id)).probe?.processState === 'alive', 5000, 'the first round');
    await waitFor(async () => Number(await summaryOf(s)) > Date.now() - 2000, 5000, 'a summary of the host');
    await new Promise((r) => setTimeout(r, 1500)); // past the first round: the next one is the safety net, 60 s away
    const killedAt = Date.now();
    child.kill('SIGKILL');
    const diagnosed = await waitFor(async () => {
      const t = await s.task(task.id);
      return t.context.reap_diagnosis ? t : undefined;
    }, 10_000, 'the diagnosis');
    expect(diagnosed.reap!.at - killedAt).toBeLessThan(2000);
    expect(diagnosed.reap!.by).toBe('reaper');
    expect(diagnosed.context.reap_diagnosis).toMatchObject({ runtimeState: 'alive', processState: 'dead' });
    expect(await s.core.redis.hlen(s.core.keys.hostTargets(hostProbeQueue(s.config.NODE_NAME)))).toBe(0);
  });

  it("six runners killed at once (one kill of their process group) are one sweep's round: the breaker holds them all, among 8 watched", async () => {
    stack = await startTestStack({ ...watchedConfig, MASS_DEATH_HOLD_MS: 60_000 }, ['reaper', 'prober']);
    const s = stack;
    const group = spawn('bash', ['-c', 'for i in 1 2 3 4 5 6; do sleep 600 & echo $!; done; wait'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(group);
    let out = '';
    group.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const pids = await waitFor(async () => {
      const lines = out.trim().split('\n').filter(Boolean);
      return lines.length === 6 ? lines.map(Number) : undefined;
    }, 5000, 'six sleeps');
    const doomed: Task[] = [];
    for (const pid of pids) doomed.push(await s.claimFor({ pid, startTime: processStartTime(pid) }));
    const survivors = [s.spawnRunner(), s.spawnRunner()];
    const kept: Task[] = [];
    for (const c of survivors) kept.push(await s.claimFor(c));
    await waitFor(async () => (await Promise.all([...doomed, ...kept].map((t) => s.task(t.id)))).every((t) => t.probe?.processState === 'alive'), 5000, 'eight alive');
    await new Promise((r) => setTimeout(r, 1200));

    process.kill(-group.pid!, 'SIGKILL');
    const escalation = await waitFor(async () => (await s.core.events.list({ limit: 200 })).find((e) => e.type === 'escalate' && /mass-death breaker/.test(e.reason)), 5000, 'the breaker');
    expect(escalation.reason).toMatch(/watch-/);
    expect(escalation.reason).toMatch(/6 of 8 dead/);
    await new Promise((r) => setTimeout(r, 1500));
    const tasks = await Promise.all(doomed.map((t) => s.task(t.id)));
    expect(tasks.filter((t) => t.reap)).toHaveLength(0);
    expect(tasks.every((t) => t.probe?.heldUntil !== undefined)).toBe(true);
    const breakerEvents = (await s.core.events.list({ limit: 200 })).filter((e) => e.type === 'escalate' && /mass-death breaker/.test(e.reason));
    expect(breakerEvents).toHaveLength(1);
  });

  it('a live CPU-bound runner is never reaped', async () => {
    stack = await startTestStack({ ...watchedConfig, WATCH_INTERVAL_MS: 100 }, ['reaper', 'prober']);
    const s = stack;
    const child = s.spawnRunner('for (;;) {}');
    const task = await s.claimFor(child);
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const t = await s.task(task.id);
      expect(t.reap).toBeUndefined();
      expect(t.status).toBe('IN_PROGRESS');
    }
    expect(isAlive(child.pid!)).toBe(true);
    expect((await s.task(task.id)).probe?.processState).toBe('alive');
  });

  it("a prober that stops sending summaries (gone) leaves its host's runners unsupervised, told, not reaped", async () => {
    stack = await startTestStack({ ...watchedConfig, PROBER_TTL_MS: 1500 }, ['reaper']);
    const s = stack;
    const prober = await startTestStack({ ...watchedConfig, KEY_PREFIX: s.config.KEY_PREFIX, NODE_NAME: s.config.NODE_NAME, PROBER_TTL_MS: 1500 }, ['prober']);
    const proberStack = { close: () => prober.close() };
    extra.push(proberStack);
    const child = s.spawnRunner();
    const task = await s.claimFor(child);
    await waitFor(async () => (await s.task(task.id)).probe?.processState === 'alive', 5000, 'the first round');
    await waitFor(async () => Number(await summaryOf(s)) > Date.now() - 2000, 5000, 'a summary of the host');

    await prober.close();
    extra.splice(extra.indexOf(proberStack), 1);
    child.kill('SIGKILL');
    const lapsed = await waitFor(async () => {
      const t = await s.task(task.id);
      return t.supervision ? t : undefined;
    }, 8000, 'the task marked unsupervised');
    expect(lapsed.supervision).toMatchObject({ state: 'unsupervised', queue: hostProbeQueue(s.config.NODE_NAME) });
    expect(lapsed.needsAttention?.reason).toMatch(/unsupervised/);
    const told = (await s.core.events.list({ taskId: task.id, limit: 50 })).filter((e) => e.type === 'escalate');
    expect(told).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1500));
    const later = await s.task(task.id);
    expect(later.reap).toBeUndefined();
    expect(later.status).toBe('IN_PROGRESS');
  });
});
