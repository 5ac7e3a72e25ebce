import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { QUEUE, freePort, hostProbeQueue, type Task } from '@smart-reap/shared';
import { redisUrl } from '../support/redis-context.js';
import { isAlive, processStartTime, startTestStack, waitFor, type TestStack } from '../support/stack.js';

const root = join(import.meta.dirname, '../..');
const main = join(root, 'services/cli/src/main.ts');

/**
 * Supervision never lapses silently (issue 10), on the real stack with real runner processes.
 * On the code before: a claim without host went to `probe-unknown-host` and was never probed, a
 * dead prober or a paused probe queue went unnoticed, and a runner claimed with a pid but no start
 * time could not be stopped.
 */
describe('supervision never lapses silently (issue 10)', { timeout: 60_000 }, () => {
  let stack: TestStack | undefined;
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await stack?.dispose();
    stack = undefined;
  });

  const get = async (id: string) => (await stack!.api('GET', `/tasks/${id}`)).json as Task;

  it('a process runner claimed without host gets the one registered host, and its SIGKILL is diagnosed within 5 s', async () => {
    stack = await startTestStack({}, ['reaper', 'prober']);
    const s = stack;
    const child = s.spawnRunner();
    const created = await s.api('POST', '/tasks', { kind: 'work' });
    const claim = await s.api('POST', '/tasks/claim', { runnerId: 'r1', kinds: ['work'], runtime: { type: 'process', ref: '' }, pid: child.pid, pidStartTime: child.startTime });
    expect(claim.status).toBe(200);
    expect(claim.json.runner.host).toBe(s.config.NODE_NAME);
    await waitFor(async () => (await s.task(created.json.id)).probe?.processState === 'alive', 5000, 'a first alive probe');
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await waitFor(async () => s.core.queues.queue(QUEUE.diagnose).getJob(`diag-${created.json.id}-a1`), 5000, 'the diagnose job');
    expect(Date.now() - killedAt).toBeLessThan(5000);
  });

  it('a task whose host prober died is unsupervised: shown, counted, escalated once, named by /readyz (200), and its probe queue does not grow', async () => {
    stack = await startTestStack({ PROBER_TTL_MS: 1500 }, ['reaper']);
    const s = stack;
    // The host's prober is its own process, killed with -9 below: its registration just stops being renewed.
    const port = await freePort();
    const prober = spawn(process.execPath, ['--import', 'tsx', main, 'start', '--only', 'prober'], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'silent', REDIS_URL: redisUrl(), KEY_PREFIX: s.config.KEY_PREFIX, NODE_NAME: 'far-host', PROBER_TTL_MS: '1500', PORT: String(port) },
      stdio: 'ignore',
    });
    children.push(prober);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200, 30_000, 'the prober to be ready');

    const child = s.spawnRunner();
    const created = await s.api('POST', '/tasks', { kind: 'work' });
    const claim = await s.api('POST', '/tasks/claim', { runnerId: 'r1', kinds: ['work'], runtime: { type: 'process', ref: '' }, pid: child.pid, pidStartTime: child.startTime, host: 'far-host' });
    expect(claim.status).toBe(200);
    const id = created.json.id as string;
    await waitFor(async () => (await s.task(id)).probe?.processState === 'alive', 5000, 'the far prober to probe it');

    prober.kill('SIGKILL');
    const lapsed = await waitFor(async () => {
      const t = await get(id);
      return t.supervision ? t : undefined;
    }, 6000, 'the task to show as unsupervised');
    expect(lapsed.supervision).toMatchObject({ state: 'unsupervised', queue: hostProbeQueue('far-host'), reason: expect.stringMatching(/registration expired/) });
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toMatch(/^smart_reap_unsupervised_tasks 1$/m);
    const ready = await s.api('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json.notices.join(' ')).toContain(id);

    const queue = s.core.queues.queue(hostProbeQueue('far-host'));
    const waitingThen = await queue.getWaitingCount();
    await new Promise((r) => setTimeout(r, 3000));
    expect(await queue.getWaitingCount()).toBe(waitingThen);
    const later = await get(id);
    expect(later).toMatchObject({ status: 'IN_PROGRESS', supervision: { state: 'unsupervised' } });
    expect(later.reap).toBeUndefined();
    expect(isAlive(child.pid!)).toBe(true);
    const escalations = (await s.core.events.list({ taskId: id, limit: 50 })).filter((e) => e.type === 'escalate');
    expect(escalations).toHaveLength(1);
    expect(escalations[0]!.reason).toMatch(/unsupervised: the prober of probe queue probe-far-host is gone/);
  });

  it('a paused probe queue leaves its task unsupervised until it is resumed', async () => {
    stack = await startTestStack({}, ['reaper', 'prober']);
    const s = stack;
    const child = s.spawnRunner();
    const task = await s.claimFor(child);
    await waitFor(async () => (await s.task(task.id)).probe?.processState === 'alive', 5000, 'a first alive probe');
    const queue = s.core.queues.queue(hostProbeQueue(s.config.NODE_NAME));
    await queue.pause();
    const lapsed = await waitFor(async () => (await get(task.id)).supervision, 5000, 'the task to show as unsupervised');
    expect(lapsed.reason).toMatch(/paused/);
    expect((await s.api('GET', '/readyz')).status).toBe(200);
    await queue.resume();
    await waitFor(async () => (await get(task.id)).supervision === undefined, 5000, 'supervision to come back');
  });

  it('a silent stuck runner claimed with a pid but no start time is stopped, its process gone, and diagnosed timeout', async () => {
    stack = await startTestStack({ MAX_EXTENSIONS: 0, HEARTBEAT_GRACE_MS: 300 });
    const s = stack;
    const child = s.spawnRunner();
    const created = await s.api('POST', '/tasks', { kind: 'work', maxAgeMinutes: 0.01, maxRetries: 0 });
    const claim = await s.api('POST', '/tasks/claim', { runnerId: 'r1', kinds: ['work'], runtime: { type: 'process', ref: '' }, pid: child.pid });
    expect(claim.status).toBe(200);
    const id = created.json.id as string;
    const pinned = await waitFor(async () => {
      const t = await s.task(id);
      return t.runner?.pidStartTimePinned ? t : undefined;
    }, 5000, 'the start time to be pinned');
    expect(pinned.runner).toMatchObject({ pidStartTime: processStartTime(child.pid!), pidStartTimePinned: 'first-probe' });
    expect(await s.core.redis.hget(s.core.keys.probeTargets(), id)).toContain(`"pidStartTime":"${child.startTime}"`);

    await waitFor(async () => !isAlive(child.pid!), 15_000, 'the stuck runner process to be gone');
    const failed = await waitFor(async () => {
      const t = await s.task(id);
      return t.status === 'FAILED' ? t : undefined;
    }, 10_000, 'the diagnosis');
    expect(failed.context.reap_diagnosis?.crashType).toBe('timeout');
    const types = (await s.core.events.list({ taskId: id, limit: 50 })).map((e) => e.type);
    expect(types).toContain('stop');
  });
});
