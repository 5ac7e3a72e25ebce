import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AuditEvent, Config, Task } from '@smart-reap/shared';
import { isAlive, startTestStack, waitFor, type TestStack } from '../../../../test/support/stack.js';

/**
 * DESIGN §12 with real processes: programs under `reaper run` that stay alive and beat while they
 * loop on one error. Each writes its pid to a file (so afterEach can kill it whatever happened)
 * and exits by itself after a while, so nothing outlives a failed test.
 */
const root = join(import.meta.dirname, '../../../..');
const main = join(root, 'services/cli/src/main.ts');
const scratch = mkdtempSync(join(tmpdir(), 'live-loop-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const RATE_LIMIT = 'API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit (https://docs.anthropic.com/en/api/rate-limits)"}} · Retrying in 1 seconds…';
const AUTH = 'API Error: 401 {"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}} (key sk-ant-api03-Zm9vYmFyYmF6cXV4cXV1eHh5enp5eHh5enp5eA)';

/**
 * A node program: every 500 ms it prints `line` (while `errorsFor` ms have not passed), and
 * ordinary output; every `progressEveryMs` (if set) it reports progress through the API with its
 * lease, as a program that can does. It exits after `lifeMs`.
 */
function program(name: string, o: { line: string; errorsForMs?: number; progressEveryMs?: number; lifeMs: number }): string {
  const path = join(scratch, `${name}.mjs`);
  writeFileSync(
    path,
    `
import { writeFileSync } from 'node:fs';
writeFileSync(${JSON.stringify(join(scratch, `${name}.pid`))}, String(process.pid));
const started = Date.now();
const line = ${JSON.stringify(o.line)};
let n = 0;
setInterval(() => {
  n++;
  if (Date.now() - started < ${o.errorsForMs ?? o.lifeMs}) console.error(line);
  console.log('thinking… turn ' + n);
}, 500);
let ratio = 0;
${o.progressEveryMs ? `setInterval(async () => {
  ratio = Math.min(1, ratio + 0.05);
  const e = process.env;
  await fetch(e.REAPER_API_URL + '/tasks/' + e.REAPER_TASK_ID + '/heartbeat', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'reaper-lease': e.REAPER_TASK_LEASE },
    body: JSON.stringify({ runnerId: e.REAPER_RUNNER_ID, lease: e.REAPER_TASK_LEASE, progress: { ratio, partialOutput: 'x'.repeat(Math.round(ratio * 100)) } }),
  }).catch(() => {});
}, ${o.progressEveryMs});` : ''}
setTimeout(() => process.exit(0), ${o.lifeMs});
`,
  );
  return path;
}

function programPid(name: string): number | undefined {
  try {
    return Number(readFileSync(join(scratch, `${name}.pid`), 'utf8'));
  } catch {
    return undefined;
  }
}

/** `reaper run` starts through tsx: on a loaded machine that alone has taken over 10 s. */
const CLAIM_MS = 45_000;

describe('live loops caught while the runner is alive (real processes under reaper run)', { timeout: 120_000 }, () => {
  let stack: TestStack | undefined;
  const children: ChildProcess[] = [];
  const names: string[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const n of names.splice(0)) {
      const pid = programPid(n);
      if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    await stack?.dispose();
    stack = undefined;
  });

  async function setUp(values: Partial<Record<keyof Config, string | number | boolean>>) {
    const s = await startTestStack({ PROBE_INTERVAL_MS: 1000, ...values });
    stack = s;
    const run = (kind: string, name: string, script: string): ChildProcess => {
      names.push(name);
      const base = { ...process.env } as Record<string, string>;
      delete base.REAPER_API_URL;
      delete base.API_TOKEN;
      const c = spawn(process.execPath, ['--import', 'tsx', main, 'run', '--kind', kind, '--api', s.url, '--', process.execPath, script], {
        cwd: root,
        env: { ...base, TMPDIR: scratch, NODE_NAME: s.config.NODE_NAME, REAPER_HEARTBEAT_MS: '500', REAPER_CLAIM_POLL_MS: '100', REAPER_KILL_GRACE_MS: '2000' },
        stdio: ['ignore', 'ignore', 'ignore'],
      });
      children.push(c);
      return c;
    };
    const create = async (kind: string, body: Record<string, unknown> = {}): Promise<string> => {
      const created = await s.api('POST', '/tasks', { kind, ...body });
      expect(created.status).toBe(201);
      return created.json.id as string;
    };
    const served = async (id: string): Promise<Task> => (await s.api('GET', `/tasks/${id}`)).json as Task;
    const events = async (id: string): Promise<AuditEvent[]> => (await s.api('GET', `/events?taskId=${id}&limit=100`)).json.events as AuditEvent[];
    return { s, run, create, served, events };
  }

  it('a program that logs a 429 every 0.5 s and beats: flagged within 30 s as rate_limited at the default settings, still IN_PROGRESS', async () => {
    const { s, run, create, served, events } = await setUp({});
    const id = await create('loop429');
    run('loop429', 'loop429', program('loop429', { line: RATE_LIMIT, lifeMs: 50_000 }));
    await waitFor(async () => (await served(id)).status === 'IN_PROGRESS', CLAIM_MS, 'the claim');
    const claimedAt = Date.now();

    const task = await waitFor(async () => {
      const t = await served(id);
      return t.context.live_diagnosis ? t : undefined;
    }, 30_000, 'the live diagnosis');
    expect(Date.now() - claimedAt).toBeLessThan(30_000);
    expect(task.status).toBe('IN_PROGRESS');
    const live = task.context.live_diagnosis!;
    expect(live).toMatchObject({ crashType: 'rate_limited', repeats: expect.any(Number) });
    expect(live.repeats).toBeGreaterThanOrEqual(5);
    expect(live.since).toBeGreaterThanOrEqual(claimedAt - 2000);
    expect(live.summary).toMatch(/Rate limited/);
    expect(live.evidence.some((e) => e.includes('rate_limit_error'))).toBe(true);
    expect(task.needsAttention?.reason).toMatch(/^live loop: /);

    const escalated = (await events(id)).filter((e) => e.type === 'escalate');
    expect(escalated).toHaveLength(1);
    expect(escalated[0]!.reason).toMatch(/live loop: .*rate_limit/i);
    const metrics = await fetch(`${s.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^smart_reap_live_loops_total\{crash_type="rate_limited"\} 1$/m);
    expect(metrics).toMatch(/^smart_reap_escalations_total\{cause="live_loop"\} 1$/m);
    // Still alive and beating: never reaped for it.
    await new Promise((r) => setTimeout(r, 3000));
    const later = await served(id);
    expect(later.status).toBe('IN_PROGRESS');
    expect(later.reap).toBeUndefined();
  });

  it('the same 429 rhythm with progress reported every 2 s: never flagged', async () => {
    const { run, create, served, events } = await setUp({ LIVE_LOOP_SCAN_MS: 1000, LIVE_LOOP_WINDOW_MS: 5000 });
    const id = await create('progressing');
    run('progressing', 'progressing', program('progressing', { line: RATE_LIMIT, progressEveryMs: 2000, lifeMs: 30_000 }));
    await waitFor(async () => (await served(id)).status === 'IN_PROGRESS', CLAIM_MS, 'the claim');
    // Three windows' worth of scans: a loop would have been flagged by now.
    await new Promise((r) => setTimeout(r, 15_000));
    const t = await served(id);
    expect(t.status).toBe('IN_PROGRESS');
    expect(t.progress?.ratio).toBeGreaterThan(0);
    expect(t.context.live_diagnosis).toBeUndefined();
    expect(t.needsAttention ?? null).toBeNull();
    expect((await events(id)).filter((e) => e.type === 'escalate')).toEqual([]);
  });

  it('a loop that heals (its errors stop and progress is reported): flagged, then cleared with an event', async () => {
    const { run, create, served, events } = await setUp({ LIVE_LOOP_SCAN_MS: 1000, LIVE_LOOP_WINDOW_MS: 4000 });
    const id = await create('heals');
    // 429s for 9 s, no progress; after that progress every second.
    const script = program('heals', { line: RATE_LIMIT, errorsForMs: 9000, lifeMs: 40_000 });
    writeFileSync(script, readFileSync(script, 'utf8').replace('setTimeout(() => process.exit(0)', `setTimeout(() => setInterval(async () => {
  ratio = Math.min(1, ratio + 0.05);
  const e = process.env;
  await fetch(e.REAPER_API_URL + '/tasks/' + e.REAPER_TASK_ID + '/heartbeat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ runnerId: e.REAPER_RUNNER_ID, lease: e.REAPER_TASK_LEASE, progress: { ratio } }) }).catch(() => {});
}, 1000), 9500);
setTimeout(() => process.exit(0)`));
    run('heals', 'heals', script);
    await waitFor(async () => (await served(id)).context.live_diagnosis, 20_000, 'the live diagnosis');
    const cleared = await waitFor(async () => {
      const t = await served(id);
      return t.context.live_diagnosis ? undefined : t;
    }, 20_000, 'the live diagnosis cleared');
    expect(cleared.status).toBe('IN_PROGRESS');
    expect(cleared.needsAttention ?? null).toBeNull();
    const clears = (await events(id)).filter((e) => e.type === 'clear');
    expect(clears).toHaveLength(1);
    expect(clears[0]!.reason).toMatch(/live loop over/);
  });

  it('LIVE_LOOP_POLICY auth_error=stop: a program looping on 401s is stopped after the window, diagnosed auth_error with the live evidence, and recovered like a reaped runner', async () => {
    const stopAfterMs = 8000;
    const { s, run, create, served, events } = await setUp({
      LIVE_LOOP_SCAN_MS: 1000,
      LIVE_LOOP_WINDOW_MS: 4000,
      LIVE_LOOP_POLICY: 'auth_error=stop',
      LIVE_LOOP_STOP_AFTER_MS: stopAfterMs,
    });
    const id = await create('loop401', { maxRetries: 1 });
    const wrapper = run('loop401', 'loop401', program('loop401', { line: AUTH, lifeMs: 60_000 }));
    await waitFor(async () => (await served(id)).status === 'IN_PROGRESS', CLAIM_MS, 'the claim');
    const claimedAt = Date.now();

    const failed = await waitFor(async () => {
      const t = await served(id);
      return t.status === 'FAILED' && t.context.reap_diagnosis ? t : undefined;
    }, stopAfterMs + 15_000, 'the stopped attempt FAILED with a diagnosis');
    expect(Date.now() - claimedAt).toBeLessThan(stopAfterMs + 10_000);
    const d = failed.context.reap_diagnosis!;
    expect(d.crashType).toBe('auth_error');
    expect(d.summary).toMatch(/LIVE_LOOP_POLICY/);
    expect(d.evidence.some((e) => e.includes('authentication_error'))).toBe(true);
    // Redacted: the key in the line is nowhere in what is served.
    expect(JSON.stringify(failed)).not.toContain('Zm9vYmFyYmF6cXV4');
    // auth_error is not retryable: FAILED for good, attempt 1, with a person asked to look.
    expect(failed.attempt).toBe(1);
    expect(d.retryable).toBe(false);
    expect(failed.needsAttention).toBeTruthy();
    expect(failed.reap?.reason).toMatch(/live loop: auth_error/);

    const all = await events(id);
    expect(all.find((e) => e.type === 'escalate')?.reason).toMatch(/live loop/);
    expect(all.find((e) => e.type === 'stop')?.reason).toMatch(/LIVE_LOOP_POLICY auth_error=stop/);
    // The program was stopped, and its wrapper ended with it.
    await waitFor(async () => (wrapper.exitCode !== null || wrapper.signalCode !== null) && !isAlive(programPid('loop401')!), 10_000, 'the program and its wrapper gone');
    expect((await s.core.store.get(id))?.status).toBe('FAILED');
  });

  it('DRY_RUN=true with auth_error=stop: the loop and the stop are only said ("would …"), the task is not written, the program keeps running', async () => {
    const { run, create, served, events } = await setUp({
      DRY_RUN: true,
      LIVE_LOOP_SCAN_MS: 1000,
      LIVE_LOOP_WINDOW_MS: 3000,
      LIVE_LOOP_POLICY: 'auth_error=stop',
      LIVE_LOOP_STOP_AFTER_MS: 5000,
    });
    const id = await create('dry401');
    run('dry401', 'dry401', program('dry401', { line: AUTH, lifeMs: 40_000 }));
    await waitFor(async () => (await served(id)).status === 'IN_PROGRESS', CLAIM_MS, 'the claim');
    const said = await waitFor(async () => {
      const all = await events(id);
      return all.some((e) => e.type === 'stop') ? all : undefined;
    }, 25_000, 'the would-stop event');
    const escalate = said.filter((e) => e.type === 'escalate');
    const stop = said.filter((e) => e.type === 'stop');
    expect(escalate).toHaveLength(1);
    expect(escalate[0]).toMatchObject({ dryRun: true, reason: expect.stringMatching(/^would escalate: live loop: /) });
    expect(stop).toHaveLength(1);
    expect(stop[0]).toMatchObject({ dryRun: true, reason: expect.stringMatching(/^would stop: live loop: auth_error/) });
    // Said once, not every scan.
    await new Promise((r) => setTimeout(r, 3000));
    expect((await events(id)).filter((e) => e.type === 'stop' || e.type === 'escalate')).toHaveLength(2);
    const t = await served(id);
    expect(t.status).toBe('IN_PROGRESS');
    expect(t.reap).toBeUndefined();
    expect(t.context.live_diagnosis).toBeUndefined();
    expect(t.needsAttention ?? null).toBeNull();
    expect(isAlive(programPid('dry401')!)).toBe(true);
  });

  it('LIVE_LOOP_POLICY rate_limited=stop: a retryable cause is stopped, diagnosed rate_limited and retried within its budget (attempt 2 waiting)', async () => {
    const { run, create, served, events } = await setUp({
      LIVE_LOOP_SCAN_MS: 1000,
      LIVE_LOOP_WINDOW_MS: 3000,
      LIVE_LOOP_POLICY: 'rate_limited=stop,auth_error=escalate',
      LIVE_LOOP_STOP_AFTER_MS: 5000,
    });
    const id = await create('stop429', { maxRetries: 1 });
    run('stop429', 'stop429', program('stop429', { line: RATE_LIMIT, lifeMs: 60_000 }));
    await waitFor(async () => (await served(id)).status === 'IN_PROGRESS', CLAIM_MS, 'the claim');
    const retried = await waitFor(async () => {
      const t = await served(id);
      return t.attempt === 2 && t.status === 'ASSIGNED' ? t : undefined;
    }, 30_000, 'attempt 2 waiting for a runner');
    expect(retried.context.reap_diagnosis).toMatchObject({ crashType: 'rate_limited', retryable: true, decision: 'reassign', attempt: 1 });
    const all = await events(id);
    expect(all.find((e) => e.type === 'stop')?.reason).toMatch(/LIVE_LOOP_POLICY rate_limited=stop/);
    expect(all.some((e) => e.type === 'reassign')).toBe(true);
  });
});
