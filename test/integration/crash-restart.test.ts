import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { Keys, QUEUE, createRedisClient, freePort, type Task } from '@smart-reap/shared';
import { dropPrefix, redisUrl, uniquePrefix } from '../support/redis-context.js';
import { isAlive, processStartTime, startTestStack, waitFor, type TestStack } from '../support/stack.js';

const root = join(import.meta.dirname, '../..');
const main = join(root, 'services/cli/src/main.ts');

/**
 * Kill -9 in the middle of a recovery (issue 5): the killed process's diagnose jobs are left
 * locked in BullMQ; after a restart they run again and every step must land once.
 *
 * To kill inside a diagnosis rather than race one that takes milliseconds, the runners name a
 * tmux pane as their log on a socket whose "server" accepts and never answers: reading it holds
 * the diagnose job active for the diagnoser's read budget (5 s), then fails over to the task's
 * own log stream. The kill lands in that window.
 */
describe('kill -9 mid-recovery, then restart', { timeout: 90_000 }, () => {
  const children: ChildProcess[] = [];
  let stack: TestStack | undefined;
  let silent: { server: Server; dir: string; logRef: string } | undefined;
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await stack?.dispose();
    stack = undefined;
    silent?.server.close();
    if (silent) rmSync(silent.dir, { recursive: true, force: true });
    silent = undefined;
  });

  /** A tmux logRef whose server never answers. */
  async function silentTmux(): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'sr-silent-tmux-'));
    const server = createServer(() => undefined);
    await new Promise<void>((r) => server.listen(join(dir, 'sock'), r));
    silent = { server, dir, logRef: `tmux:${join(dir, 'sock')}:agent` };
    return silent.logRef;
  }

  function startService(env: Record<string, string>, only?: string): ChildProcess {
    // node --import tsx, not the tsx binary, which would run the stack in a child that -9 misses.
    const child = spawn(process.execPath, ['--import', 'tsx', main, 'start', ...(only ? ['--only', only] : [])], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'silent', REDIS_URL: redisUrl(), TICK_MS: '250', PROBE_INTERVAL_MS: '1000', BACKOFF_BASE_MS: '100', ...env },
      stdio: 'ignore',
    });
    children.push(child);
    return child;
  }

  async function ready(port: number): Promise<void> {
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200, 30_000, `the service on ${port} to be ready`);
  }

  function api(base: string) {
    return async (method: string, path: string, body?: unknown) => {
      const res = await fetch(base + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : undefined };
    };
  }

  /** Two runners die at 50 % (to be resumed) and two at 0 % (to be reassigned), all at once. */
  async function fourDeaths(call: ReturnType<typeof api>, node: string): Promise<{ resumed: string[]; reassigned: string[] }> {
    const logRef = await silentTmux();
    const resumed: string[] = [];
    const reassigned: string[] = [];
    const runners: ChildProcess[] = [];
    for (const ratio of [0.5, 0.5, 0, 0]) {
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      children.push(child);
      runners.push(child);
      await call('POST', '/tasks', { kind: 'work', maxRetries: 1 });
      const claim = await call('POST', '/tasks/claim', {
        runnerId: `runner-${child.pid}`,
        kinds: ['work'],
        runtime: { type: 'process', ref: '' },
        pid: child.pid,
        pidStartTime: processStartTime(child.pid!),
        host: node,
        logRef,
      });
      expect(claim.status).toBe(200);
      if (ratio > 0) {
        await call('POST', `/tasks/${claim.json.id}/heartbeat`, { runnerId: `runner-${child.pid}`, lease: claim.json.lease, progress: { ratio, partialOutput: 'half of it' } });
        resumed.push(claim.json.id);
      } else reassigned.push(claim.json.id);
    }
    for (const c of runners) c.kill('SIGKILL');
    await waitFor(async () => runners.every((c) => !isAlive(c.pid!)), 5000, 'the runners to die');
    return { resumed, reassigned };
  }

  /** Sent while diagnose jobs are active, held on the silent pane. */
  async function killWhenDiagnosing(prefix: string, victim: ChildProcess): Promise<void> {
    const queue = new Queue(QUEUE.diagnose, { connection: createRedisClient({ url: redisUrl(), role: 'worker' }), prefix: new Keys(prefix).bullPrefix() });
    try {
      await waitFor(async () => (await queue.getActiveCount()) > 0, 20_000, 'a diagnose job to be active');
      victim.kill('SIGKILL');
      await new Promise((r) => victim.once('exit', r));
      expect(await queue.getActiveCount()).toBeGreaterThan(0);
      expect(await queue.getCompletedCount()).toBe(0);
    } finally {
      await queue.close();
    }
  }

  /** Every death ended where it should, once: one continuation per resumed parent, one reassignment per reassigned task. */
  async function expectEachOnce(call: ReturnType<typeof api>, deaths: { resumed: string[]; reassigned: string[] }) {
    const get = async (id: string) => (await call('GET', `/tasks/${id}`)).json as Task;
    for (const id of deaths.resumed) {
      const parent = await waitFor(async () => {
        const t = await get(id);
        return t.status === 'FAILED' && t.continuationId ? t : undefined;
      }, 45_000, `${id} resumed`);
      expect(parent.context.reap_diagnosis?.decision).toBe('resume');
    }
    for (const id of deaths.reassigned) {
      await waitFor(async () => {
        const t = await get(id);
        return t.status === 'ASSIGNED' && t.attempt === 2;
      }, 45_000, `${id} reassigned`);
    }
    // Give a second run of any job that ran twice time to show itself.
    await new Promise((r) => setTimeout(r, 1500));
    const all = (await call('GET', '/tasks?kind=work&limit=100')).json.tasks as Task[];
    for (const id of deaths.resumed) {
      expect(all.filter((t) => t.parentId === id)).toHaveLength(1);
    }
    for (const id of deaths.reassigned) {
      const t = await get(id);
      expect(t).toMatchObject({ status: 'ASSIGNED', attempt: 2 });
    }
    expect(all).toHaveLength(deaths.resumed.length * 2 + deaths.reassigned.length);
  }

  it('the diagnoser, killed while diagnosing, finishes each recovery once after a restart', async () => {
    stack = await startTestStack({}, ['reaper', 'prober']);
    const s = stack;
    const env = { KEY_PREFIX: s.config.KEY_PREFIX, NODE_NAME: s.config.NODE_NAME };
    const port = await freePort();
    const first = startService({ ...env, PORT: String(port) }, 'diagnoser');
    await ready(port);

    const deaths = await fourDeaths(s.api, s.config.NODE_NAME);
    await killWhenDiagnosing(s.config.KEY_PREFIX, first);

    const again = await freePort();
    startService({ ...env, PORT: String(again) }, 'diagnoser');
    await ready(again);
    await expectEachOnce(s.api, deaths);
  });

  it('the whole reaper process, killed mid-recovery, finishes each recovery once after a restart', async () => {
    const prefix = uniquePrefix('kill');
    const env = { KEY_PREFIX: prefix, NODE_NAME: `node-${prefix}` };
    const port = await freePort();
    const first = startService({ ...env, PORT: String(port) });
    await ready(port);

    const deaths = await fourDeaths(api(`http://127.0.0.1:${port}`), env.NODE_NAME);
    await killWhenDiagnosing(prefix, first);

    const again = await freePort();
    startService({ ...env, PORT: String(again) });
    await ready(again);
    try {
      await expectEachOnce(api(`http://127.0.0.1:${again}`), deaths);
    } finally {
      const r = createRedisClient({ url: redisUrl(), role: 'worker' });
      await dropPrefix(r, prefix);
      r.disconnect();
    }
  });
});
