import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@smart-reap/shared';
import { redisUrl, uniquePrefix } from '../support/redis-context.js';

/**
 * Issue 10, "what it must show", black-box: the stack as `reaper start` runs it (the real CLI in
 * its own processes), talked to only over HTTP, with real runner processes and real signals.
 * Nothing here reaches into the services' code or their Redis keys: what a user can see is what
 * is checked (GET /tasks/:id, /readyz, Bull Board's API, /proc).
 */

const root = join(import.meta.dirname, '../..');
const main = join(root, 'services/cli/src/main.ts');
const scratch = mkdtempSync(join(tmpdir(), 'blackbox-reaper-start-'));

/** Short timings, so each check takes seconds: a silent runner is stale after 300 ms, and a live one past its deadline gets no extension. */
const FAST = { TICK_MS: '250', PROBE_INTERVAL_MS: '1000', HEARTBEAT_GRACE_MS: '300', MAX_EXTENSIONS: '0', LOG_LEVEL: 'info' };

/** The caller's environment without what would change how the stack starts (its Redis, its token, its bind address). */
function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env = { ...process.env } as Record<string, string>;
  for (const name of ['REDIS_URL', 'API_TOKEN', 'HOST', 'PORT', 'KEY_PREFIX', 'NODE_NAME', 'DATA_DIR', 'LOG_ROOTS', 'BOARD_WRITE']) delete env[name];
  return { ...env, ...FAST, ...extra };
}

async function until<T>(check: () => Promise<T | undefined | false> | T | undefined | false, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Fields after the command name in /proc/<pid>/stat (state is [0], parent pid [1], start time [19]). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}
/** Alive and not a zombie. */
const running = (pid: number) => {
  const f = statFields(pid);
  return f !== undefined && f[0] !== 'Z';
};
const startTime = (pid: number) => statFields(pid)![19]!;

/** Every live process below `pid`. */
function descendants(pid: number): Array<{ pid: number; cmdline: string }> {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (f && f[0] !== 'Z') parentOf.set(Number(name), Number(f[1]));
  }
  const out: Array<{ pid: number; cmdline: string }> = [];
  const walk = (p: number) => {
    for (const [child, parent] of parentOf) {
      if (parent !== p) continue;
      try {
        out.push({ pid: child, cmdline: readFileSync(`/proc/${child}/cmdline`, 'utf8').replaceAll('\0', ' ') });
      } catch {
        continue;
      }
      walk(child);
    }
  };
  walk(pid);
  return out;
}

type Spawned = ChildProcess & { output: () => string };
const spawned: Spawned[] = [];
/** Pids seen below a spawned service (node, its private redis-server): SIGKILLed at the end if a check left them. */
const stragglers = new Set<number>();

function launch(cmd: string, args: string[], env: Record<string, string>): Spawned {
  const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out = (out + d).slice(-200_000)));
  child.stderr!.on('data', (d) => (out = (out + d).slice(-200_000)));
  const s = Object.assign(child, { output: () => out });
  spawned.push(s);
  return s;
}
/** `reaper start` as the Dockerfile and the package script run it: node --import tsx, no wrapper process. */
const reaperStart = (args: string[], env: Record<string, string>) => launch(process.execPath, ['--import', 'tsx', main, 'start', ...args], env);

/** A real runner: a node process that does nothing, and never beats. */
function runnerProcess(): ChildProcess & { pid: number } {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  spawned.push(Object.assign(child, { output: () => '' }));
  return child as ChildProcess & { pid: number };
}

const exited = (c: ChildProcess) =>
  new Promise<number | string | null>((r) => (c.exitCode !== null || c.signalCode !== null ? r(c.exitCode ?? c.signalCode) : c.once('exit', (code, sig) => r(code ?? sig))));

const isReady = (port: number) => fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);

type Answer = { status: number; json: any; type: string; text: string };
function client(port: number) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, type, text, json: type.includes('json') && text ? JSON.parse(text) : undefined };
  };
}

afterAll(async () => {
  for (const c of spawned) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const pid of stragglers) if (running(pid)) process.kill(pid, 'SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

describe('black-box: the stack as `pnpm -s reaper start` runs it (issue 10)', { timeout: 60_000 }, () => {
  let pnpm: Spawned;
  let port: number;
  let api: ReturnType<typeof client>;
  let below: Array<{ pid: number; cmdline: string }> = [];

  beforeAll(async () => {
    port = await freePort();
    // As the README says: no REDIS_URL, so a private redis-server keeping its AOF in DATA_DIR.
    pnpm = launch('pnpm', ['-s', 'reaper', 'start'], cleanEnv({ PORT: String(port), DATA_DIR: join(scratch, 'data') }));
    await until(() => isReady(port), 45_000, `readiness of pnpm -s reaper start:\n${pnpm.output().slice(-2000)}`);
    below = descendants(pnpm.pid!);
    for (const p of below) stragglers.add(p.pid);
    api = client(port);
  }, 60_000);

  const task = async (id: string) => (await api('GET', `/tasks/${id}`)).json;
  const create = async (kind: string, extra: Record<string, unknown> = {}) => {
    const created = await api('POST', '/tasks', { kind, ...extra });
    expect(created.status, created.text).toBe(201);
    return created.json.id as string;
  };

  it('runs the private Redis below the service, and says so', () => {
    expect(below.some((p) => p.cmdline.startsWith('redis-server')), JSON.stringify(below)).toBe(true);
    expect(pnpm.output()).toMatch(/REDIS_URL is not set: started a private redis-server/);
  });

  it('1. a SIGKILLed process runner claimed without host is diagnosed within 5 s of the kill', async () => {
    const runner = runnerProcess();
    const id = await create('bb-kill');
    const claim = await api('POST', '/tasks/claim', { runnerId: 'bb-kill-1', kinds: ['bb-kill'], runtime: { type: 'process', ref: '' }, pid: runner.pid, pidStartTime: startTime(runner.pid) });
    expect(claim.status, claim.text).toBe(200);
    expect(claim.json.id).toBe(id);
    await until(async () => (await task(id)).probe?.processState === 'alive', 5000, 'a first alive probe');

    const killedAt = Date.now();
    runner.kill('SIGKILL');
    const seen = await until(async () => {
      const t = await task(id);
      return t.context?.reap_diagnosis || t.status === 'FAILED' || t.attempt > 1 ? t : undefined;
    }, 5000, 'the SIGKILLed runner to be diagnosed');
    expect(Date.now() - killedAt).toBeLessThan(5000);
    expect(seen.context.reap_diagnosis).toMatchObject({ crashType: expect.any(String) });
    expect(seen.supervision).toBeUndefined();
    // The one-box case: the claim was given the only registered host, whose prober found the death.
    expect(claim.json.runner.host).toEqual(expect.any(String));
  });

  it('2. a silent stuck runner claimed with a pid and no start time is stopped, its process gone, and diagnosed timeout', async () => {
    const runner = runnerProcess();
    const id = await create('bb-stuck', { maxAgeMinutes: 0.01, maxRetries: 0 });
    const claim = await api('POST', '/tasks/claim', { runnerId: 'bb-stuck-1', kinds: ['bb-stuck'], runtime: { type: 'process', ref: '' }, pid: runner.pid });
    expect(claim.status, claim.text).toBe(200);
    const pinned = await until(async () => {
      const t = await task(id);
      return t.runner?.pidStartTimePinned ? t : undefined;
    }, 5000, 'the start time to be pinned');
    expect(pinned.runner).toMatchObject({ pid: runner.pid, pidStartTime: startTime(runner.pid), pidStartTimePinned: 'first-probe' });

    await until(() => !running(runner.pid), 15_000, 'the stuck runner process to be gone');
    // Ended by a signal: the stopper's, as nothing else here signals it.
    expect(String(runner.signalCode ?? (await exited(runner)))).toMatch(/^SIG(TERM|KILL)$/);
    const failed = await until(async () => {
      const t = await task(id);
      return t.status === 'FAILED' && t.context?.reap_diagnosis ? t : undefined;
    }, 10_000, 'the diagnosis');
    expect(failed.context.reap_diagnosis.crashType).toBe('timeout');
    const events = await api('GET', `/events?taskId=${id}&limit=50`);
    expect(events.json.events.map((e: { type: string }) => e.type)).toContain('stop');
  });

  it('3. a forged complete without the lease is 403 and stores nothing; with the lease it works', async () => {
    const runner = runnerProcess();
    const id = await create('bb-forge');
    const claim = await api('POST', '/tasks/claim', { runnerId: 'bb-owner', kinds: ['bb-forge'], runtime: { type: 'process', ref: '' }, pid: runner.pid, pidStartTime: startTime(runner.pid) });
    expect(claim.status, claim.text).toBe(200);
    const lease = claim.json.lease as string;
    expect(lease).toEqual(expect.any(String));

    // What anyone can read: the runner id, and never the lease nor its hash.
    const shown = await api('GET', `/tasks/${id}`);
    expect(shown.text).not.toContain(lease);
    expect(shown.json.leaseHash).toBeUndefined();
    const runnerId = shown.json.runner.runnerId as string;
    const before = { status: shown.json.status, attempt: shown.json.attempt };

    const forged = await api('POST', `/tasks/${id}/complete`, { runnerId, output: { forged: true } });
    expect(forged.status, forged.text).toBe(403);
    const wrong = await api('POST', `/tasks/${id}/complete`, { runnerId, output: { forged: true } }, { 'Reaper-Lease': 'x'.repeat(lease.length) });
    expect(wrong.status, wrong.text).toBe(403);
    // Nor may a stranger end it, or push the line that would decide its crash type.
    expect((await api('POST', `/tasks/${id}/fail`, { runnerId, error: 'forged' })).status).toBe(403);
    expect((await api('POST', `/tasks/${id}/log`, { lines: ['Error: 401 invalid x-api-key'] })).status).toBe(403);
    const after = await task(id);
    expect(after.output).toBeUndefined();
    expect({ status: after.status, attempt: after.attempt }).toEqual(before);
    expect(after.status).toBe('IN_PROGRESS');

    const real = await api('POST', `/tasks/${id}/complete`, { runnerId, lease, output: { done: 'by its runner' } });
    expect(real.status, real.text).toBe(200);
    expect(await task(id)).toMatchObject({ status: 'COMPLETED', output: { done: 'by its runner' } });
    runner.kill('SIGKILL');
  });

  it('4. a claim with logRef /etc/passwd is a 400 naming logRef, and takes no task', async () => {
    const id = await create('bb-logref');
    const refused = await api('POST', '/tasks/claim', { runnerId: 'bb-nosy', kinds: ['bb-logref'], runtime: { type: 'heartbeat', ref: '' }, logRef: '/etc/passwd' });
    expect(refused.status, refused.text).toBe(400);
    expect(refused.json.issues).toEqual([expect.objectContaining({ field: 'logRef' })]);
    expect(refused.text).not.toMatch(/root:x:0:0/);
    const waiting = await task(id);
    expect(waiting.status).toBe('ASSIGNED');
    expect(waiting.runner).toBeUndefined();

    // The task is still there for the next runner: a plain claim gets this very task.
    const taken = await api('POST', '/tasks/claim', { runnerId: 'bb-honest', kinds: ['bb-logref'], runtime: { type: 'heartbeat', ref: '' } });
    expect(taken.status, taken.text).toBe(200);
    expect(taken.json.id).toBe(id);
    expect((await api('POST', `/tasks/${id}/complete`, { runnerId: 'bb-honest', lease: taken.json.lease })).status).toBe(200);
  });

  it('5. GET /admin/queues works; a pause through Bull Board is refused and no queue is paused', async () => {
    const page = await api('GET', '/admin/queues');
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/text\/html/);

    // The shared probe queue and this host's, which the board adds within 5 s of its first use (checks 1-3 used it).
    const probeQueues = await until(async () => {
      const listed = await api('GET', '/admin/queues/api/queues');
      expect(listed.status).toBe(200);
      const names = (listed.json.queues as Array<{ name: string }>).map((q) => q.name).filter((n) => n === 'probe' || n.startsWith('probe-'));
      return names.length >= 2 ? names : undefined;
    }, 7000, "the host's probe queue on the board");

    for (const name of probeQueues) {
      const pause = await api('PUT', `/admin/queues/api/queues/${encodeURIComponent(name)}/pause`);
      expect(pause.status, `${name}: ${pause.text}`).toBe(405);
    }
    await api('PUT', '/admin/queues/api/queues/pause'); // "pause all": skips read-only queues
    const after = await api('GET', '/admin/queues/api/queues');
    for (const q of after.json.queues as Array<{ name: string; isPaused: boolean }>) expect(q.isPaused, q.name).toBe(false);

    // And supervision goes on: a runner claimed now is probed.
    const runner = runnerProcess();
    const id = await create('bb-board');
    const claim = await api('POST', '/tasks/claim', { runnerId: 'bb-board-1', kinds: ['bb-board'], runtime: { type: 'process', ref: '' }, pid: runner.pid, pidStartTime: startTime(runner.pid) });
    expect(claim.status, claim.text).toBe(200);
    await until(async () => (await task(id)).probe?.processState === 'alive', 5000, 'a probe after the refused pause');
    expect((await task(id)).supervision).toBeUndefined();
    runner.kill('SIGKILL');
  });

  it('SIGTERM to the pnpm pid stops the service and its private Redis', async () => {
    const mine = below.filter((p) => p.cmdline.startsWith('redis-server') || (p.cmdline.startsWith('node') && p.cmdline.includes('main.ts start')));
    expect(mine, JSON.stringify(below)).toHaveLength(2);
    pnpm.kill('SIGTERM');
    await until(() => mine.every((p) => !running(p.pid)), 10_000, `the service and its private Redis to stop:\n${pnpm.output().slice(-2000)}`);
  });
});

describe('black-box: reaper start during a Redis outage (issue 10)', { timeout: 60_000 }, () => {
  it('6. SIGTERM while its Redis is down: exits within SHUTDOWN_GRACE_MS (2 s) plus a second', async () => {
    const redisPort = await freePort();
    const redis = launch('redis-server', ['--bind', '127.0.0.1', '--port', String(redisPort), '--save', '', '--appendonly', 'no', '--dir', scratch], { ...process.env } as Record<string, string>);
    const port = await freePort();
    const service = reaperStart([], cleanEnv({ REDIS_URL: `redis://127.0.0.1:${redisPort}`, PORT: String(port), KEY_PREFIX: uniquePrefix('bb-down'), SHUTDOWN_GRACE_MS: '2000' }));
    await until(() => isReady(port), 30_000, `readiness:\n${service.output().slice(-2000)}`);
    const api = client(port);
    // Work in flight when Redis goes: a live runner being probed.
    const runner = runnerProcess();
    expect((await api('POST', '/tasks', { kind: 'bb-outage' })).status).toBe(201);
    expect((await api('POST', '/tasks/claim', { runnerId: 'bb-out-1', kinds: ['bb-outage'], runtime: { type: 'process', ref: '' }, pid: runner.pid, pidStartTime: startTime(runner.pid) })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1200));

    redis.kill('SIGKILL');
    await exited(redis);
    await until(async () => (await api('GET', '/readyz').catch(() => undefined))?.status === 503, 5000, 'readyz to see Redis gone');
    const t0 = Date.now();
    service.kill('SIGTERM');
    const code = await Promise.race([exited(service), new Promise((r) => setTimeout(() => r('still running'), 8000))]);
    const took = Date.now() - t0;
    expect(code, service.output().slice(-2000)).not.toBe('still running');
    expect(took).toBeLessThan(3000);
    expect(code).toBe(0);
    expect(running(service.pid!)).toBe(false);
    runner.kill('SIGKILL');
  });
});

describe('black-box: reaper start --only reaper | diagnoser | prober, one Redis (issue 10)', { timeout: 60_000 }, () => {
  it('7. a task on a host whose prober is gone is unsupervised: GET /tasks/:id shows it and /readyz is 200 naming it', async () => {
    const shared = { REDIS_URL: redisUrl(), KEY_PREFIX: uniquePrefix('bb-split'), PROBER_TTL_MS: '1500' };
    const [reaperPort, diagnoserPort, proberPort] = [await freePort(), await freePort(), await freePort()];
    const reaper = reaperStart(['--only', 'reaper'], cleanEnv({ ...shared, PORT: String(reaperPort) }));
    const diagnoser = reaperStart(['--only', 'diagnoser'], cleanEnv({ ...shared, PORT: String(diagnoserPort) }));
    const prober = reaperStart(['--only', 'prober'], cleanEnv({ ...shared, PORT: String(proberPort), NODE_NAME: 'bb-far-host' }));
    for (const [name, p, c] of [['reaper', reaperPort, reaper], ['diagnoser', diagnoserPort, diagnoser], ['prober', proberPort, prober]] as const) {
      await until(() => isReady(p), 30_000, `readiness of --only ${name}:\n${c.output().slice(-2000)}`);
    }
    const api = client(reaperPort);

    const runner = runnerProcess();
    const created = await api('POST', '/tasks', { kind: 'bb-far' });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    // No host named: the only registered prober's host is the one.
    const claim = await api('POST', '/tasks/claim', { runnerId: 'bb-far-1', kinds: ['bb-far'], runtime: { type: 'process', ref: '' }, pid: runner.pid, pidStartTime: startTime(runner.pid) });
    expect(claim.status, claim.text).toBe(200);
    expect(claim.json.runner.host).toBe('bb-far-host');
    await until(async () => (await api('GET', `/tasks/${id}`)).json.probe?.processState === 'alive', 5000, 'the prober to probe it');

    prober.kill('SIGKILL');
    const lapsed = await until(async () => {
      const t = (await api('GET', `/tasks/${id}`)).json;
      return t.supervision ? t : undefined;
    }, 8000, 'the task to show as unsupervised');
    expect(lapsed.supervision).toMatchObject({ state: 'unsupervised', queue: 'probe-bb-far-host' });
    expect(lapsed.status).toBe('IN_PROGRESS');
    const ready = await api('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json.notices.join(' ')).toContain(id);

    // Never reaped on that account: the runner lives and the task stays in progress.
    await new Promise((r) => setTimeout(r, 1500));
    const later = (await api('GET', `/tasks/${id}`)).json;
    expect(later).toMatchObject({ status: 'IN_PROGRESS', supervision: { state: 'unsupervised' } });
    expect(later.reap).toBeUndefined();
    expect(running(runner.pid)).toBe(true);

    runner.kill('SIGKILL');
    for (const c of [reaper, diagnoser]) c.kill('SIGTERM');
    expect(await exited(reaper)).toBe(0);
    expect(await exited(diagnoser)).toBe(0);
  });
});
