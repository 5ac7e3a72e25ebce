import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Config, ProbeResult, Task } from '@smart-reap/shared';
import { isAlive, processStartTime, startTestStack, waitFor, type TestStack } from '../../../../test/support/stack.js';
import type { StackOptions } from '../../src/runtime/start-stack.js';

const root = join(import.meta.dirname, '../../../..');
const main = join(root, 'services/cli/src/main.ts');
/** The parent of a live process, from /proc/<pid>/stat (field 4, after the parenthesised name). */
function parentPid(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

const scratch = mkdtempSync(join(tmpdir(), 'reaper-run-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Cli extends ChildProcess {
  output: () => string;
  stdout_: () => string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The real CLI as a subprocess, as `pnpm -s reaper` runs it (node --import tsx: the tsx binary
 * would add a process of its own between the test and the wrapper). Its TMPDIR is the scratch
 * directory, so a run directory a killed wrapper leaves behind is removed with it.
 */
function reaper(args: string[], env: Record<string, string> = {}): Cli {
  const base = { ...process.env } as Record<string, string>;
  delete base.REAPER_API_URL;
  delete base.API_TOKEN;
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    cwd: root,
    env: { ...base, TMPDIR: scratch, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let all = '';
  let out = '';
  child.stdout!.on('data', (d) => {
    all += d;
    out += d;
  });
  child.stderr!.on('data', (d) => (all += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  return Object.assign(child, { output: () => all, stdout_: () => out, done });
}

describe('reaper run and reaper task against the real stack', () => {
  let stack: TestStack | undefined;
  const children: ChildProcess[] = [];
  const pids: number[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const pid of pids.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await stack?.dispose();
    stack = undefined;
  });

  /**
   * The stack, and `reaper run` against it as a runner on its node (the prober takes `probe-<node>`).
   * The probe interval is long unless a test is about probing: a command's exit is then reported by
   * the wrapper alone, never raced by a probe that saw the pid go first.
   */
  async function setUp(values: Partial<Record<keyof Config, string | number | boolean>> = { PROBE_INTERVAL_MS: 60_000 }, extra: Partial<StackOptions> = {}) {
    const s = await startTestStack(values, undefined, extra);
    stack = s;
    const run = (kind: string, command: string[], env: Record<string, string> = {}, extra: string[] = []): Cli => {
      const c = reaper(['run', '--kind', kind, '--api', s.url, ...extra, '--', ...command], {
        NODE_NAME: s.config.NODE_NAME,
        REAPER_HEARTBEAT_MS: '200',
        REAPER_CLAIM_POLL_MS: '100',
        REAPER_KILL_GRACE_MS: '2000',
        ...env,
      });
      children.push(c);
      return c;
    };
    const create = async (kind: string, body: Record<string, unknown> = {}): Promise<string> => {
      const created = await s.api('POST', '/tasks', { kind, ...body });
      expect(created.status).toBe(201);
      return created.json.id as string;
    };
    const log = async (id: string): Promise<string> => (await s.core.logs.tail(id, 64 * 1024)).toString('utf8');
    const diagnosed = (id: string): Promise<Task> =>
      waitFor(async () => {
        const t = await s.task(id);
        return t.context.reap_diagnosis ? t : undefined;
      }, 10_000, `the diagnosis of ${id}`);
    return { s, run, create, log, diagnosed };
  }

  it('a command that prints and exits 0: task COMPLETED, its lines in the log, its task in its environment, the payload nowhere else', async () => {
    const { s, run, create, log } = await setUp();
    const id = await create('print', { payload: { prompt: 'payload-canary-7f3a' } });
    const envFile = join(scratch, 'env-seen.txt');
    const c = run('print', [
      'sh',
      '-c',
      'echo "line one"; echo "line two on stderr" >&2; printf "%s|%s|%s|%s" "$REAPER_TASK_ID" "$REAPER_TASK_ATTEMPT" "$REAPER_TASK_PAYLOAD" "$(cat "$REAPER_TASK_PAYLOAD_FILE")" > "$ENV_FILE"; echo "line three"',
    ], { ENV_FILE: envFile });
    expect(await c.done).toEqual({ code: 0, signal: null });

    const task = await s.task(id);
    expect(task.status).toBe('COMPLETED');
    expect(task.runner?.runtime.type).toBe('process');
    expect(task.runner?.host).toBe(s.config.NODE_NAME);
    const lines = await log(id);
    for (const l of ['line one', 'line two on stderr', 'line three']) expect(lines).toContain(`${l}\n`);
    const payload = JSON.stringify({ prompt: 'payload-canary-7f3a' });
    expect(readFileSync(envFile, 'utf8')).toBe(`${id}|1|${payload}|${payload}`);
    // The command's own output is echoed; the wrapper's messages never carry the payload.
    expect(c.stdout_()).toContain('line one\n');
    expect(c.output()).not.toContain('payload-canary');
    expect(lines).not.toContain('payload-canary');
    expect(c.output()).toMatch(/completed/);
    // The run directory is gone with the run.
    expect(readdirSync(scratch).filter((f) => f.startsWith('smart-reap-run-'))).toEqual([]);
  });

  it('a command that exits 3: the failure goes through diagnosis with exit code 3, and `reaper task` shows it', async () => {
    const { s, run, create, diagnosed } = await setUp();
    const id = await create('fails', { maxRetries: 0 });
    const c = run('fails', ['sh', '-c', 'echo "Traceback (most recent call last):"; echo "ValueError: bad input row 12" >&2; exit 3']);
    expect((await c.done).code).toBe(3);

    const task = await diagnosed(id);
    expect(task.failure?.exitCode).toBe(3);
    const d = task.context.reap_diagnosis!;
    expect(d.exitCode).toBe(3);
    expect(d.crashType).toBe('unhandled_exception');
    expect(d.logTail).toContain('ValueError: bad input row 12');
    await waitFor(async () => (await s.task(id)).status === 'FAILED', 5000, 'FAILED');

    const [shown, json, missing] = [reaper(['task', id, '--api', s.url]), reaper(['task', id, '--api', s.url, '--json']), reaper(['task', 'no-such-task', '--api', s.url])];
    children.push(shown, json, missing);
    expect((await shown.done).code).toBe(0);
    expect(shown.stdout_()).toContain(d.summary);
    expect(shown.stdout_()).toMatch(/crash type\s+unhandled_exception/);
    expect(shown.stdout_()).toMatch(/exit\s+exit code 3/);

    expect((await json.done).code).toBe(0);
    expect(JSON.parse(json.stdout_())).toMatchObject({ id, status: 'FAILED', context: { reap_diagnosis: { exitCode: 3 } } });

    expect((await missing.done).code).toBe(1);
    expect(missing.output()).toMatch(/no task with id no-such-task/);
  });

  it("a secret in the command's environment, printed bare, reaches neither the log, the task, the events nor the diagnosis", async () => {
    const { s, run, create, log, diagnosed } = await setUp();
    const id = await create('leaks', { maxRetries: 0 });
    // A short key no shape rule knows, printed with nothing around it that says it is one.
    const c = run('leaks', ['sh', '-c', 'echo "using $ANTHROPIC_API_KEY"; echo "$ANTHROPIC_API_KEY" >&2; echo "db $DB_PASSWORD here"; exit 2'], {
      ANTHROPIC_API_KEY: 'sk-ant-fake-123',
      DB_PASSWORD: 'hunter22',
    });
    expect((await c.done).code).toBe(2);
    const task = await diagnosed(id);
    await waitFor(async () => (await s.task(id)).status === 'FAILED', 5000, 'FAILED');
    const everywhere = [
      await log(id),
      JSON.stringify((await s.api('GET', `/tasks/${id}`)).json),
      JSON.stringify((await s.api('GET', '/events?limit=1000')).json),
      JSON.stringify(task.context.reap_diagnosis),
    ].join('\n');
    expect(everywhere).toContain('using [REDACTED]');
    expect(everywhere).toContain('db [REDACTED] here');
    expect(everywhere).not.toContain('sk-ant-fake-123');
    expect(everywhere).not.toContain('hunter22');
  });

  it('the command may report progress itself with REAPER_TASK_LEASE, and the lease it prints is hidden', async () => {
    const { s, run, create, log } = await setUp();
    const id = await create('self-report');
    const script = [
      "const e = process.env;",
      "const r = await fetch(e.REAPER_API_URL + '/tasks/' + e.REAPER_TASK_ID + '/heartbeat', { method: 'POST',",
      "  headers: { 'content-type': 'application/json', 'reaper-lease': e.REAPER_TASK_LEASE },",
      "  body: JSON.stringify({ runnerId: e.REAPER_RUNNER_ID, progress: { ratio: 0.25 } }) });",
      "console.log('beat ' + r.status + ' lease ' + e.REAPER_TASK_LEASE);",
    ].join('\n');
    const c = run('self-report', [process.execPath, '--input-type=module', '-e', script]);
    expect(await c.done).toEqual({ code: 0, signal: null });
    const task = await s.task(id);
    expect(task.status).toBe('COMPLETED');
    expect(task.progress).toEqual({ ratio: 0.25 });
    expect(await log(id)).toContain('beat 200 lease [REDACTED]');
  });

  it('a command killed by SIGSEGV or SIGKILL: the signal is reported, and the wrapper exits 128 + n', async () => {
    const { run, create, diagnosed } = await setUp();
    const segv = await create('segv', { maxRetries: 0 });
    const kill = await create('kill9', { maxRetries: 0 });
    const [a, b] = [run('segv', ['sh', '-c', 'echo working; kill -SEGV $$']), run('kill9', ['sh', '-c', 'echo working; kill -KILL $$'])];
    expect((await a.done).code).toBe(139);
    expect((await b.done).code).toBe(137);

    const segvTask = await diagnosed(segv);
    expect(segvTask.failure?.signal).toBe('SIGSEGV');
    expect(segvTask.context.reap_diagnosis).toMatchObject({ signal: 'SIGSEGV', crashType: 'segfault' });
    const killTask = await diagnosed(kill);
    expect(killTask.failure?.signal).toBe('SIGKILL');
    expect(killTask.context.reap_diagnosis).toMatchObject({ signal: 'SIGKILL', crashType: 'killed' });
  });

  it('claims the command\'s own pid and names itself as the reporter; after a kill -9 of the wrapper the probes still find the command; its death is diagnosed', async () => {
    const seen: Array<{ taskId: string; at: number; result: ProbeResult }> = [];
    const { s, run, create, log, diagnosed } = await setUp({ PROBE_INTERVAL_MS: 300, SAFETY_NET_INTERVAL_MS: 300 }, { onProbe: (target, result) => seen.push({ taskId: target.taskId, at: Date.now(), result }) });
    const id = await create('survive', { maxRetries: 0 });
    const pidFile = join(scratch, 'survivor.pid');
    const script = `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); let n = 0; setInterval(() => console.log('tick ' + n++), 100)`;
    const c = run('survive', [process.execPath, '-e', script]);
    const pid = await waitFor(async () => existsSync(pidFile) && Number(readFileSync(pidFile, 'utf8')), 10_000, 'the command to start');
    pids.push(pid);

    const claimed = await s.task(id);
    expect(claimed.status).toBe('IN_PROGRESS');
    // The claim names the command itself: its pid, its start time, its argv; the wrapper is its reporter.
    expect(claimed.runner?.pid).toBe(pid);
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toEqual([process.execPath, '-e', script, '']);
    expect(claimed.runner?.pidStartTime).toBe(processStartTime(pid));
    expect(claimed.runner?.reporter).toEqual({ pid: c.pid, pidStartTime: processStartTime(c.pid!) });
    expect(parentPid(pid)).toBe(c.pid);
    await waitFor(async () => c.output().includes(`as pid ${pid}\n`), 5000, 'the wrapper to say the pid');
    // It beats (every 200 ms here), and the output streams while the command runs.
    await waitFor(async () => ((await s.task(id)).heartbeatAt ?? 0) > claimed.runner!.claimedAt, 5000, 'a heartbeat');
    await waitFor(async () => (await log(id)).includes('tick 3\n'), 5000, 'output in the log');
    await waitFor(async () => (await s.task(id)).probe?.processState === 'alive', 5000, 'a first probe');

    c.kill('SIGKILL');
    await c.done;
    const killedAt = Date.now();
    // Rounds go on with no wrapper (the host's watcher's safety net set to every 300 ms here): each
    // finds the command itself alive, by its pid and start time.
    const after = () => seen.filter((p) => p.taskId === id && p.at > killedAt);
    await waitFor(async () => after().length >= 3, 5000, 'three probes after the wrapper died');
    for (const p of after()) expect(p.result).toMatchObject({ runtimeState: 'alive', processState: 'alive' });
    expect((await s.task(id)).status).toBe('IN_PROGRESS');
    expect(isAlive(pid)).toBe(true);

    // With its reporter gone too, the command's end is a death at once: no report is coming.
    process.kill(pid, 'SIGKILL');
    const t0 = Date.now();
    const task = await diagnosed(id);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(task.reap?.by).toBe('reaper');
    expect(task.context.reap_diagnosis).toMatchObject({ processState: 'dead' });
    expect(task.probe?.evidence.join('\n')).toMatch(/reporter is gone too/);
    expect(task.context.reap_diagnosis?.logTail).toContain('tick 3');
  });

  it('kill -9 of the pid it printed and claimed: the task is diagnosed killed within seconds, and nothing of the work keeps running', async () => {
    const { s, run, create, diagnosed } = await setUp({ PROBE_INTERVAL_MS: 200 });
    const id = await create('victim', { maxRetries: 0 });
    const childFile = join(scratch, 'victim-child.pid');
    const script = `sleep 300 & echo $! > ${childFile}; echo started; wait`;
    const c = run('victim', ['sh', '-c', script]);
    const printed = await waitFor(async () => Number(/running sh as pid (\d+)/.exec(c.output())?.[1] ?? 0) || undefined, 10_000, 'the wrapper to say the pid');
    const child = await waitFor(async () => existsSync(childFile) && Number(readFileSync(childFile, 'utf8')), 10_000, 'the command to start its child');
    pids.push(printed, child);
    expect(readFileSync(`/proc/${printed}/cmdline`, 'utf8').split('\0')).toEqual(['sh', '-c', script, '']);
    expect((await s.task(id)).runner?.pid).toBe(printed);
    expect(isAlive(child)).toBe(true);

    const t0 = Date.now();
    process.kill(printed, 'SIGKILL');
    expect((await c.done).code).toBe(137);
    const task = await diagnosed(id);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(task.context.reap_diagnosis).toMatchObject({ signal: 'SIGKILL', crashType: 'killed' });
    // The command's own child went with it: the work is not left running unwatched.
    await waitFor(async () => !isAlive(child) || undefined, 2000, 'the command\'s child to be gone');
    expect(c.output()).toMatch(/left running in its process group was killed/);
  });

  it('commands that exit 0 under probes every 50 ms are all COMPLETED: no probe sees the runner gone before the report', async () => {
    const { s, run, create } = await setUp({ PROBE_INTERVAL_MS: 50, TICK_MS: 25 });
    const n = 8;
    const ids = await Promise.all(Array.from({ length: n }, () => create('quick', { maxRetries: 0 })));
    const runs = ids.map(() => run('quick', ['sh', '-c', 'sleep 0.4; echo done']));
    for (const c of runs) expect((await c.done).code).toBe(0);
    for (const id of ids) {
      const task = await s.task(id);
      expect(task.status, `${id}: ${JSON.stringify(task.context.reap_diagnosis ?? {})}`).toBe('COMPLETED');
      expect(task.reap).toBeUndefined();
    }
  });

  it('a 409 on a beat (the task was taken away): the command is stopped and the wrapper exits 77', async () => {
    const { s, run, create } = await setUp();
    const id = await create('fenced');
    const pidFile = join(scratch, 'fenced.pid');
    const c = run('fenced', ['sh', '-c', `echo $$ > ${pidFile}; while true; do sleep 0.1; done`]);
    const pid = await waitFor(async () => existsSync(pidFile) && Number(readFileSync(pidFile, 'utf8')), 10_000, 'the command to start');
    pids.push(pid);

    expect((await s.api('POST', `/tasks/${id}/cancel`, {})).status).toBe(200);
    expect((await c.done).code).toBe(77);
    expect(c.output()).toMatch(/no longer this runner's .*409.*stopping the command/);
    expect(isAlive(pid)).toBe(false);
    expect((await s.task(id)).status).toBe('CANCELLED');
  });

  it('forwards SIGTERM to the command and reports how it ended', async () => {
    const { s, run, create, log, diagnosed } = await setUp();
    const id = await create('term', { maxRetries: 0 });
    const c = run('term', ['sh', '-c', 'trap "echo stopping on TERM; exit 7" TERM; echo ready; while true; do sleep 0.1; done']);
    await waitFor(async () => (await log(id)).includes('ready\n'), 10_000, 'the command to run');
    c.kill('SIGTERM');
    expect((await c.done).code).toBe(7);
    const task = await diagnosed(id);
    expect(task.failure?.exitCode).toBe(7);
    expect(await log(id)).toContain('stopping on TERM\n');
    expect(s.config.NODE_NAME).toBe(task.runner?.host);
  });

  it('no task: exits 75 without running the command; --wait waits for one (and SIGTERM ends the wait); an unreachable API exits 69', async () => {
    const { s, run, create } = await setUp();
    const marker = join(scratch, 'ran.txt');
    const none = run('idle', ['sh', '-c', `touch ${marker}`]);
    expect((await none.done).code).toBe(75);
    expect(none.output()).toMatch(/no task of kind idle is waiting/);
    expect(existsSync(marker)).toBe(false);

    const waiting = run('idle', ['sh', '-c', `touch ${marker}`], {}, ['--wait']);
    await waitFor(async () => /waiting for one/.test(waiting.output()), 10_000, 'the wait message');
    const id = await create('idle');
    expect((await waiting.done).code).toBe(0);
    expect(existsSync(marker)).toBe(true);
    expect((await s.task(id)).status).toBe('COMPLETED');

    const stopped = run('idle', ['sh', '-c', `touch ${marker}.2`], {}, ['--wait']);
    await waitFor(async () => /waiting for one/.test(stopped.output()), 10_000, 'the wait message');
    stopped.kill('SIGTERM');
    expect((await stopped.done).code).toBe(143);
    expect(existsSync(`${marker}.2`)).toBe(false);

    const away = reaper(['run', '--kind', 'idle', '--api', 'http://127.0.0.1:1', '--', 'true']);
    expect((await away.done).code).toBe(69);
    expect(away.output()).toMatch(/cannot reach the API at http:\/\/127\.0\.0\.1:1/);
  });
});
