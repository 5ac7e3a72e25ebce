import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import { SupervisedWorker, type SupervisedContext } from '../../src/index.js';
import { redisUrl } from '../../../../test/support/redis-context.js';
import { startTestStack, waitFor, type TestStack } from '../../../../test/support/stack.js';

const CHILD = fileURLToPath(new URL('./fixtures/supervised-child.ts', import.meta.url));

function connection() {
  const u = new URL(redisUrl());
  return { host: u.hostname, port: Number(u.port) };
}

describe('SupervisedWorker', () => {
  let stack: TestStack | undefined;
  const workers: SupervisedWorker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close(true)));
    await stack?.dispose();
    stack = undefined;
  });
  const start = (processor: ConstructorParameters<typeof SupervisedWorker>[0], extra: Record<string, unknown> = {}) => {
    const w = new SupervisedWorker(processor, { connection: connection(), keyPrefix: stack!.config.KEY_PREFIX, nodeName: stack!.config.NODE_NAME, ...extra });
    workers.push(w);
    return w;
  };

  it('runs a task created over HTTP: the payload as job.data, the task and lease beside it, progress onto the task, the result as its output', async () => {
    stack = await startTestStack();
    const seen: Array<{ data: unknown; ctx: SupervisedContext }> = [];
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    start(async (job: Job, _token, ctx) => {
      seen.push({ data: job.data, ctx });
      await job.updateProgress({ ratio: 0.5, partialOutput: 'half way' });
      await released;
      return { sum: job.data.a + job.data.b };
    });
    const created = await stack.api('POST', '/tasks', { kind: 'sw', payload: { a: 2, b: 3 } });
    const id = created.json.id as string;

    await waitFor(async () => (await stack!.task(id)).progress?.ratio === 0.5, 5000, 'progress on the task');
    const running = await stack.task(id);
    expect(running).toMatchObject({ status: 'IN_PROGRESS', progress: { ratio: 0.5, partialOutput: 'half way' } });
    expect(running.runner).toMatchObject({ runtime: { type: 'process' }, pid: process.pid, host: stack.config.NODE_NAME });
    expect(running.runner?.pidStartTime).toMatch(/^\d+$/);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.data).toEqual({ a: 2, b: 3 });
    expect(seen[0]!.ctx.task).toMatchObject({ id, attempt: 1, status: 'IN_PROGRESS' });
    expect(seen[0]!.ctx.lease).toEqual(expect.any(String));

    release();
    const done = await waitFor(async () => {
      const t = await stack!.task(id);
      return t.status === 'COMPLETED' && t;
    }, 5000, 'COMPLETED');
    expect(done.output).toEqual({ sum: 5 });
  });

  it('beats on its interval', async () => {
    stack = await startTestStack();
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    start(async () => released, { heartbeatMs: 100 });
    const id = (await stack.api('POST', '/tasks', { kind: 'sw' })).json.id as string;
    const first = await waitFor(async () => (await stack!.task(id)).heartbeatAt, 5000, 'claimed');
    await waitFor(async () => ((await stack!.task(id)).heartbeatAt ?? 0) > first, 2000, 'a beat');
    release();
  });

  it('aborts the signal once a beat is fenced (the task was cancelled), and the late result changes nothing', async () => {
    stack = await startTestStack();
    let aborted: unknown;
    start(
      (_job, _token, { signal }) =>
        new Promise((resolve) => signal.addEventListener('abort', () => resolve((aborted = signal.reason)))),
      { heartbeatMs: 100 },
    );
    const id = (await stack.api('POST', '/tasks', { kind: 'sw' })).json.id as string;
    await waitFor(async () => (await stack!.task(id)).status === 'IN_PROGRESS', 5000, 'claimed');
    expect((await stack.api('POST', `/tasks/${id}/cancel`, {})).status).toBe(200);
    await waitFor(async () => aborted, 3000, 'the signal aborted');
    expect(aborted).toMatchObject({ code: 'runner_fenced' });
    await new Promise((r) => setTimeout(r, 200));
    const after = await stack.task(id);
    expect(after.status).toBe('CANCELLED');
    expect(after.output).toBeUndefined();
  });

  it('a throwing processor fails the task with its redacted error, and diagnosis takes it from there', async () => {
    stack = await startTestStack();
    start(async () => {
      throw new Error('upstream refused key AKIAABCDEFGHIJKLMNOP');
    });
    const id = (await stack.api('POST', '/tasks', { kind: 'sw', maxRetries: 0 })).json.id as string;
    const failed = await waitFor(async () => {
      const t = await stack!.task(id);
      return t.status === 'FAILED' && t;
    }, 10_000, 'FAILED');
    expect(failed.failure?.error).toContain('upstream refused key AKIA[REDACTED]');
    expect(failed.failure?.error).not.toContain('ABCDEFGHIJKLMNOP');
  });

  it('does not run a task claimed over HTTP first: its pointer job just completes', async () => {
    stack = await startTestStack();
    const id = (await stack.api('POST', '/tasks', { kind: 'sw' })).json.id as string;
    const runner = stack.spawnRunner();
    const claimed = await stack.claimAs(runner, 'sw');
    expect(claimed?.id).toBe(id);
    // The HTTP claim took the pointer job away; put a stale one back, as a race would leave it.
    await stack.core.queues.enqueue('assigned', { taskId: id, attempt: 1 }, { delay: 0 });
    let ran = false;
    const w = start(async () => {
      ran = true;
    });
    await new Promise<void>((resolve) => w.worker.on('completed', (job) => job.data.taskId === id && resolve()));
    expect(ran).toBe(false);
    expect(await stack.task(id)).toMatchObject({ status: 'IN_PROGRESS', runner: { runnerId: `runner-${runner.pid}` } });
  });

  it('with kinds, runs only those: a task of another kind is left for other workers', async () => {
    stack = await startTestStack();
    const ran: string[] = [];
    start(async (_job, _token, { task }) => void ran.push(task.kind), { kinds: ['sw-a'] });
    const other = (await stack.api('POST', '/tasks', { kind: 'sw-b' })).json.id as string;
    const mine = (await stack.api('POST', '/tasks', { kind: 'sw-a' })).json.id as string;
    await waitFor(async () => (await stack!.task(mine)).status === 'COMPLETED', 5000, 'the sw-a task done');
    expect(ran).toEqual(['sw-a']);
    expect((await stack.task(other)).status).toBe('ASSIGNED');
    // Still claimable over HTTP: the worker put it back rather than taking it.
    expect((await stack.claimAs(stack.spawnRunner(), 'sw-b'))?.id).toBe(other);
  });

  it('SIGKILLed mid-job in its own process: the prober sees the pid gone and the task is diagnosed within seconds', async () => {
    stack = await startTestStack();
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: { ...process.env, REDIS_URL: redisUrl(), KEY_PREFIX: stack.config.KEY_PREFIX, NODE_NAME: stack.config.NODE_NAME },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const running = new Promise<string>((resolve) => child.stdout!.on('data', (b: Buffer) => /running (\S+)/.test(String(b)) && resolve(String(b).match(/running (\S+)/)![1]!)));
      const id = (await stack.api('POST', '/tasks', { kind: 'sw' })).json.id as string;
      expect(await running).toBe(id);
      expect((await stack.task(id)).runner).toMatchObject({ pid: child.pid, runtime: { type: 'process' } });
      child.kill('SIGKILL');
      const killedAt = Date.now();
      await waitFor(async () => {
        const t = await stack!.task(id);
        return (t.attempt > 1 || t.status !== 'IN_PROGRESS' || t.reap !== undefined) && t;
      }, 8000, 'the dead attempt diagnosed');
      expect(Date.now() - killedAt).toBeLessThan(5000);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
