import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { QUEUE, type Task } from '@smart-reap/shared';
import { startTestStack, waitFor, type TestStack } from '../support/stack.js';

describe('guards: mass-death breaker and hung probes (DESIGN §4)', () => {
  let stack: TestStack | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    await stack?.dispose();
    stack = undefined;
    server?.closeAllConnections();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    server = undefined;
  });

  async function sixRunners(s: TestStack) {
    const runners: Array<{ child: ReturnType<TestStack['spawnRunner']>; task: Task }> = [];
    for (let i = 0; i < 6; i++) {
      const child = s.spawnRunner();
      runners.push({ child, task: await s.claimFor(child) });
    }
    // Wait until all six are probed alive in one round, so the kill lands in a shared round.
    await waitFor(async () => {
      const tasks = await Promise.all(runners.map((r) => s.task(r.task.id)));
      return tasks.every((t) => t.probe?.processState === 'alive');
    }, 5000, 'six alive runners');
    return runners;
  }

  it('6 of 6 vanishing in one round are held, escalated naming the breaker, then acted on after the hold', async () => {
    stack = await startTestStack({ MASS_DEATH_HOLD_MS: 3000 }, ['reaper', 'prober']);
    const runners = await sixRunners(stack);
    const killedAt = Date.now();
    for (const r of runners) r.child.kill('SIGKILL');
    const s = stack;
    const escalation = await waitFor(async () => {
      const events = await s.core.events.list({ limit: 200 });
      return events.find((e) => e.type === 'escalate' && /mass-death breaker/.test(e.reason));
    }, 5000, 'the breaker escalation');
    expect(escalation.reason).toMatch(/6 of 6 dead/);
    // Within the hold nothing is reaped.
    while (Date.now() - killedAt < 2500) {
      const tasks = await Promise.all(runners.map((r) => s.task(r.task.id)));
      expect(tasks.filter((t) => t.reap)).toHaveLength(0);
      await new Promise((r) => setTimeout(r, 200));
    }
    // Deaths still seen after the hold are acted on.
    await waitFor(async () => {
      const tasks = await Promise.all(runners.map((r) => s.task(r.task.id)));
      return tasks.every((t) => t.reap);
    }, 6000, 'all six reaped after the hold');
    // The fence is written first and the diagnose job added right after it.
    const diag = s.core.queues.queue(QUEUE.diagnose);
    await waitFor(async () => (await Promise.all(runners.map((r) => diag.getJob(`diag-${r.task.id}-a1`)))).every(Boolean), 2000, 'six diagnose jobs');
  });

  it('2 of 6 dying are acted on at once', async () => {
    stack = await startTestStack({ MASS_DEATH_HOLD_MS: 60_000 }, ['reaper', 'prober']);
    const runners = await sixRunners(stack);
    runners[0]!.child.kill('SIGKILL');
    runners[1]!.child.kill('SIGKILL');
    const s = stack;
    await waitFor(async () => {
      const tasks = await Promise.all(runners.slice(0, 2).map((r) => s.task(r.task.id)));
      return tasks.every((t) => t.reap);
    }, 3000, 'the two deaths acted on');
    const rest = await Promise.all(runners.slice(2).map((r) => s.task(r.task.id)));
    expect(rest.filter((t) => t.reap)).toHaveLength(0);
  });

  it('a probe that hangs forever costs its own slot only: a SIGKILL is still found in 2 s, escalations still fire', async () => {
    // An HTTP runtime that accepts and never answers.
    server = createServer(() => undefined);
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    stack = await startTestStack({ HEARTBEAT_GRACE_MS: 20_000, PROBE_TIMEOUT_MS: 2000 }, ['reaper', 'prober']);
    const s = stack;
    for (let i = 0; i < 3; i++) {
      await s.api('POST', '/tasks', { kind: 'hung' });
      await s.api('POST', '/tasks/claim', { runnerId: `h${i}`, kinds: ['hung'], runtime: { type: 'http', ref: `http://127.0.0.1:${port}/health` } });
    }
    const beating = s.spawnRunner();
    const beatingTask = await s.claimFor(beating, { maxAgeMinutes: 0.01 }, 'beating');
    const beat = setInterval(() => void s.api('POST', `/tasks/${beatingTask.id}/heartbeat`, { runnerId: `runner-${beating.pid}`, lease: beatingTask.lease }), 200);
    try {
      const victim = s.spawnRunner();
      const victimTask = await s.claimFor(victim);
      await waitFor(async () => (await s.task(victimTask.id)).probe?.processState === 'alive', 5000, 'victim probed alive');
      const killedAt = Date.now();
      victim.kill('SIGKILL');
      await waitFor(async () => s.core.queues.queue(QUEUE.diagnose).getJob(`diag-${victimTask.id}-a1`), 5000, 'victim diagnosed');
      expect(Date.now() - killedAt).toBeLessThan(2000);
      // 600 ms windows, two extensions: the escalation is due ~1.8 s after the claim.
      const escalated = await waitFor(async () => (await s.task(beatingTask.id)).needsAttention ?? undefined, 6000, 'escalation on time');
      expect(escalated.at - beatingTask.runner!.claimedAt).toBeLessThan(4000);
      const hung = await s.api('GET', '/tasks?kind=hung&limit=5');
      for (const t of hung.json.tasks) expect(t.reap).toBeUndefined();
    } finally {
      clearInterval(beat);
    }
  });
});
