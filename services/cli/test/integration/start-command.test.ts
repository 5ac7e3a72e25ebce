import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Keys, QUEUE, createRedisClient, hostProbeQueue, waitForReady } from '@smart-reap/shared';
import { Queue } from 'bullmq';
import { dropPrefix, redisUrl, uniquePrefix } from '../../../../test/support/redis-context.js';
import { freePort } from '@smart-reap/shared';

const root = join(import.meta.dirname, '../../../..');
const main = join(root, 'services/cli/src/main.ts');

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

const scratch = mkdtempSync(join(tmpdir(), 'start-command-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The environment of a `reaper start` with no REDIS_URL: it starts its private Redis, with its data in a folder of this test's. */
function privateRedisEnv(port: number, dataDir: string): Record<string, string> {
  const env = { ...process.env } as Record<string, string>;
  delete env.REDIS_URL;
  return { ...env, PORT: String(port), LOG_LEVEL: 'info', DATA_DIR: dataDir };
}

/** Every live process below `pid`, from /proc (parent pid is field 4 of /proc/<pid>/stat). */
function descendants(pid: number): Array<{ pid: number; cmdline: string }> {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z') parentOf.set(Number(name), Number(fields[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out: Array<{ pid: number; cmdline: string }> = [];
  const walk = (p: number) => {
    for (const [child, parent] of parentOf) {
      if (parent !== p) continue;
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${child}/cmdline`, 'utf8').replaceAll('\0', ' ');
      } catch {
        continue;
      }
      out.push({ pid: child, cmdline });
      walk(child);
    }
  };
  walk(pid);
  return out;
}

/** Alive and not a zombie. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

const ready = (port: number) => fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);

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
    const c = spawn(process.execPath, reaperArgs([]), { cwd: root, env: privateRedisEnv(port, join(scratch, 'says-so')), stdio: ['ignore', 'pipe', 'pipe'] });
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
      for (const name of [QUEUE.tasks, QUEUE.assigned, QUEUE.probe, QUEUE.decide, QUEUE.diagnose, QUEUE.reassign, hostProbeQueue(node)]) {
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

  it('`pnpm -s reaper start` as the README says: SIGTERM to the pnpm pid stops the service and its private Redis', async () => {
    const port = await freePort();
    const c = spawn('pnpm', ['-s', 'reaper', 'start'], { cwd: root, env: privateRedisEnv(port, join(scratch, 'pnpm-data')), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(c);
    let out = '';
    c.stdout!.on('data', (d) => (out += d));
    c.stderr!.on('data', (d) => (out += d));
    await until(() => ready(port), 30_000, 'readiness');
    const below = descendants(c.pid!);
    const service = below.find((p) => p.cmdline.includes('main.ts start') && p.cmdline.startsWith('node'));
    const redis = below.find((p) => p.cmdline.startsWith('redis-server'));
    expect(service, JSON.stringify(below)).toBeDefined();
    expect(redis, JSON.stringify(below)).toBeDefined();
    // Whatever is left is SIGKILLed after the test; the assertion is what SIGTERM to pnpm alone did.
    const left = () => [service!, redis!].filter((p) => running(p.pid));
    try {
      c.kill('SIGTERM');
      await until(() => left().length === 0, 5000, `the service and its Redis to stop (${JSON.stringify(left())})`);
      expect(out).toMatch(/parent process \d+ exited/);
    } finally {
      for (const p of left()) process.kill(p.pid, 'SIGKILL');
    }
  });

  it('the private Redis dies with the service even when the service is SIGKILLed', async () => {
    const port = await freePort();
    const c = spawn(process.execPath, reaperArgs(['--ephemeral']), { cwd: root, env: privateRedisEnv(port, join(scratch, 'unused')), stdio: 'ignore' });
    children.push(c);
    await until(() => ready(port), 30_000, 'readiness');
    const redis = descendants(c.pid!).find((p) => p.cmdline.startsWith('redis-server'));
    expect(redis).toBeDefined();
    try {
      c.kill('SIGKILL');
      await until(() => !running(redis!.pid), 3000, 'the private redis-server to die with the service');
    } finally {
      if (running(redis!.pid)) process.kill(redis!.pid, 'SIGKILL');
    }
  });

  it('SIGTERM while Redis is down: exits within SHUTDOWN_GRACE_MS plus a second', async () => {
    // Its own redis-server, which this test kills.
    const redisPort = await freePort();
    const redis = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(redisPort), '--save', '', '--appendonly', 'no', '--dir', scratch], { stdio: 'ignore' });
    children.push(redis);
    const port = await freePort();
    const c = startReaper({ REDIS_URL: `redis://127.0.0.1:${redisPort}`, PORT: String(port), SHUTDOWN_GRACE_MS: '2000', KEY_PREFIX: uniquePrefix('down') });
    children.push(c);
    await until(() => ready(port), 30_000, 'readiness');
    redis.kill('SIGKILL');
    await until(async () => !(await ready(port)), 5000, 'readyz to see Redis gone');
    const t0 = Date.now();
    c.kill('SIGTERM');
    const code = await Promise.race([exited(c), new Promise((r) => setTimeout(() => r('still running'), 6000))]);
    const took = Date.now() - t0;
    expect(code, c.output().slice(-2000)).not.toBe('still running');
    expect(took).toBeLessThan(3000);
    // The bounded stop itself, not the last-resort exit: every part closed or was let go in time.
    expect(code).toBe(0);
    expect(c.output()).toMatch(/closing by force/);
    expect(c.output()).not.toMatch(/shutdown overran/);
  });

  /** `reaper start` on its private Redis, up and ready, with its output. */
  async function startPrivate(dataDir: string, args: string[] = []) {
    const port = await freePort();
    const c = spawn(process.execPath, reaperArgs(args), { cwd: root, env: privateRedisEnv(port, dataDir), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(c);
    let out = '';
    c.stdout!.on('data', (d) => (out += d));
    c.stderr!.on('data', (d) => (out += d));
    await until(() => ready(port), 30_000, 'readiness');
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, json: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
    };
    const redisPort = Number(/"redisHost":"127\.0\.0\.1:(\d+)"/.exec(out)?.[1]);
    return { c, port, api, redisPort, output: () => out };
  }
  const keepsNothing = /Redis keeps nothing \(appendonly is no and save is empty\): every task is lost when it restarts/g;

  it('the private Redis keeps an AOF under DATA_DIR/redis: a task survives a restart of the service; no warning; a second start on the folder is refused', async () => {
    const dataDir = join(scratch, 'kept');
    const first = await startPrivate(dataDir);
    const created = await first.api('POST', '/tasks', { kind: 'kept', payload: { n: 1 } });
    expect(created.status).toBe(201);
    first.c.kill('SIGTERM');
    expect(await exited(first.c)).toBe(0);
    expect(readdirSync(join(dataDir, 'redis', 'appendonlydir')).some((f) => f.endsWith('.aof'))).toBe(true);
    expect(first.output()).toMatch(/Redis keeps its data: an append-only file/);
    expect(first.output()).not.toMatch(keepsNothing);

    // Meanwhile nothing else holds the folder; a second start while one runs is refused.
    const second = await startPrivate(dataDir);
    const rival = spawn(process.execPath, reaperArgs([]), { cwd: root, env: privateRedisEnv(await freePort(), dataDir), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(rival);
    let rivalOut = '';
    rival.stderr!.on('data', (d) => (rivalOut += d));
    expect(await exited(rival)).toBe(1);
    expect(rivalOut).toMatch(/redis is in use by redis-server pid \d+ \(another reaper start\?\)/);
    expect(rivalOut).not.toMatch(/apt-get/);
    const again = await second.api('GET', `/tasks/${created.json.id}`);
    expect(again).toMatchObject({ status: 200, json: { id: created.json.id, kind: 'kept', payload: { n: 1 } } });
    second.c.kill('SIGTERM');
    expect(await exited(second.c)).toBe(0);
  });

  it('a Redis that keeps nothing (--ephemeral): one warning at start; FLUSHALL under a live task is logged as data loss', async () => {
    const s = await startPrivate(join(scratch, 'ephemeral'), ['--ephemeral']);
    expect(s.output().match(keepsNothing)).toHaveLength(1);
    expect(existsSync(join(scratch, 'ephemeral'))).toBe(false);

    const runner = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    children.push(runner);
    const created = await s.api('POST', '/tasks', { kind: 'live' });
    expect(created.status).toBe(201);
    const claimed = await s.api('POST', '/tasks/claim', { runnerId: 'r1', kinds: ['live'], runtime: { type: 'process', ref: '' }, pid: runner.pid });
    expect(claimed.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500)); // a look of the watch sees the task
    expect(s.output()).not.toMatch(/came back without its data/);

    const redis = createRedisClient({ url: `redis://127.0.0.1:${s.redisPort}`, role: 'producer' });
    await waitForReady(redis);
    try {
      await redis.flushall();
    } finally {
      redis.disconnect();
    }
    await until(() => /"level":50[^\n]*Redis came back without its data: the 1 tasks it held are lost/.test(s.output()), 5000, 'the data-loss line');
    expect((await s.api('GET', '/metrics')).json).toMatch(/^smart_reap_redis_data_loss_total 1$/m);
    const events = await s.api('GET', '/events?limit=10');
    expect(events.json.events).toEqual([expect.objectContaining({ type: 'data_loss', reason: expect.stringMatching(/1 tasks it held are lost/) })]);
    // Said once: the marker is back, and the next looks find it.
    await new Promise((r) => setTimeout(r, 1500));
    expect(s.output().match(/came back without its data/g)).toHaveLength(1);
  });
});
