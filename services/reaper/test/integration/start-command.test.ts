import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Keys, QUEUE, createRedisClient, hostProbeQueue, waitForReady } from '@smart-reap/shared';
import { Queue } from 'bullmq';
import { dropPrefix, redisUrl, uniquePrefix } from '../../../../test/support/redis-context.js';
import { freePort } from '@smart-reap/shared';

const root = join(import.meta.dirname, '../../../..');
const main = join(root, 'services/reaper/src/cli/main.ts');

// node --import tsx, as the Dockerfile runs it: the tsx binary would put the stack in a child
// process of its own, which a SIGKILL in cleanup would leave running.
const reaperArgs = (args: string[]) => ['--import', 'tsx', main, 'start', ...args];

function startReaper(env: Record<string, string>, args: string[] = []): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, reaperArgs(args), { cwd: root, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return Object.assign(child, { output: () => out });
}

async function until(check: () => boolean | Promise<boolean>, ms: number, what: string) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const exited = (c: ChildProcess) => new Promise<number | null>((r) => (c.exitCode !== null ? r(c.exitCode) : c.once('exit', (code) => r(code))));

describe('reaper start', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  });

  it('stops at once with the variable and the reason when a value is bad', async () => {
    const c = startReaper({ TICK_MS: 'soon', REDIS_URL: redisUrl() });
    children.push(c);
    expect(await exited(c)).toBe(1);
    expect(c.output()).toMatch(/TICK_MS/);
  });

  it('refuses to bind off loopback without API_TOKEN, naming HOST and API_TOKEN', async () => {
    const c = startReaper({ HOST: '0.0.0.0', API_TOKEN: '', REDIS_URL: redisUrl() });
    children.push(c);
    expect(await exited(c)).toBe(1);
    expect(c.output()).toMatch(/HOST=0\.0\.0\.0 is not a loopback address and API_TOKEN is unset/);
  });

  it('starts a private redis-server when REDIS_URL is unset, and says so', async () => {
    const port = await freePort();
    const env = { ...process.env } as Record<string, string>;
    delete env.REDIS_URL;
    const c = spawn(process.execPath, reaperArgs([]), { cwd: root, env: { ...env, PORT: String(port), LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(c);
    let out = '';
    c.stdout!.on('data', (d) => (out += d));
    c.stderr!.on('data', (d) => (out += d));
    await until(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false)), 30_000, 'readiness');
    expect(out).toMatch(/REDIS_URL is not set: started a private redis-server/);
    c.kill('SIGTERM');
    expect(await exited(c)).toBe(0);
  });

  it('SIGTERM under load: exits 0 within 10 s, no job left active, no task lost', async () => {
    const prefix = uniquePrefix('sig');
    const port = await freePort();
    const node = `node-${prefix}`;
    const c = startReaper({ REDIS_URL: redisUrl(), KEY_PREFIX: prefix, PORT: String(port), NODE_NAME: node });
    children.push(c);
    const url = `http://127.0.0.1:${port}`;
    await until(async () => (await fetch(`${url}/readyz`).then((r) => r.status === 200, () => false)), 30_000, 'readiness');
    const runners: ChildProcess[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const created = (await (await fetch(`${url}/tasks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'load' }) })).json()) as { id: string };
      ids.push(created.id);
      if (i < 10) {
        const r = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
        runners.push(r);
        children.push(r);
        await fetch(`${url}/tasks/claim`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ runnerId: `r${i}`, kinds: ['load'], runtime: { type: 'process', ref: '' }, pid: r.pid, host: node }),
        });
      }
    }
    await new Promise((r) => setTimeout(r, 1500)); // probe rounds in flight
    const t0 = Date.now();
    c.kill('SIGTERM');
    expect(await exited(c)).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);

    const redis = createRedisClient({ url: redisUrl(), role: 'worker' });
    await waitForReady(redis);
    try {
      const keys = new Keys(prefix);
      for (const name of [QUEUE.tasks, QUEUE.probe, QUEUE.decide, QUEUE.diagnose, QUEUE.reassign, hostProbeQueue(node)]) {
        const q = new Queue(name, { connection: redis, prefix: keys.bullPrefix() });
        expect(await q.getActiveCount(), `active jobs left in ${name}`).toBe(0);
        await q.close();
      }
      expect(await redis.zcard(keys.allTasks())).toBe(20);
      expect(await redis.zcard(keys.status('IN_PROGRESS'))).toBe(10);
      expect(await redis.zcard(keys.status('ASSIGNED'))).toBe(10);
    } finally {
      await dropPrefix(redis, prefix);
      redis.disconnect();
    }
  });
});
