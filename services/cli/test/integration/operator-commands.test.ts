import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '@smart-reap/shared';
import { startTestStack, waitFor, type TestStack } from '../../../../test/support/stack.js';

const root = join(import.meta.dirname, '../../../..');
const main = join(root, 'services/cli/src/main.ts');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real CLI as a subprocess, as `pnpm -s reaper` runs it, to its end. */
function reaper(args: string[]): Promise<CliRun> & { child: ReturnType<typeof spawn>; out: () => string } {
  const env = { ...process.env } as Record<string, string>;
  delete env.REAPER_API_URL;
  delete env.API_TOKEN;
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliRun>((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
  return Object.assign(done, { child, out: () => stdout });
}

/**
 * The operator commands against a running stack: real tasks, real runner processes SIGKILLed and
 * diagnosed by the prober and diagnoser, every command in its human form and with --json.
 */
describe('reaper list, logs, cancel, retry and incidents against the real stack', { timeout: 150_000 }, () => {
  let s: TestStack;
  let crashed: Task[];
  let completed: string;
  const cli = (...args: string[]) => reaper([...args, '--api', s.url]);

  /** A task claimed by a heartbeat runner over HTTP, with its lease for log lines. */
  const live = async (kind: string, body: Record<string, unknown> = {}) => {
    const created = await s.api('POST', '/tasks', { kind, ...body });
    const claim = await s.api('POST', '/tasks/claim', { runnerId: `r-${kind}`, kinds: [kind], runtime: { type: 'heartbeat' } });
    expect(claim.json.id).toBe(created.json.id);
    const lease = claim.json.lease as string;
    const call = (path: string, body: unknown) =>
      fetch(`${s.url}/tasks/${created.json.id}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'reaper-lease': lease }, body: JSON.stringify(body) });
    return {
      id: created.json.id as string,
      log: async (lines: string[]) => expect((await call('log', { lines })).status).toBe(202),
      complete: async () => expect((await call('complete', { runnerId: `r-${kind}`, output: 'ok' })).status).toBe(200),
      fail: async () => expect((await call('fail', { runnerId: `r-${kind}`, exitCode: 1 })).status).toBe(202),
    };
  };

  beforeAll(async () => {
    s = await startTestStack();
    // A process runner SIGKILLed, found dead by the prober (nothing tells why: `unknown`), and a
    // runner that logs a 429 and reports its failure (`rate_limited`); both FAILED, no retries.
    const runner = s.spawnRunner();
    const killed = await s.claimFor(runner, { maxRetries: 0 }, 'crashy');
    runner.kill('SIGKILL');
    const reporter = await live('crashy', { maxRetries: 0 });
    await reporter.log(['calling the provider', 'Error: 429 Too Many Requests: rate limit exceeded, retry after 30s']);
    await reporter.fail();
    crashed = await Promise.all(
      [killed.id, reporter.id].map((id) =>
        waitFor(async () => {
          const t = await s.task(id);
          return t.status === 'FAILED' && t.context.reap_diagnosis ? t : undefined;
        }, 20_000, `${id} diagnosed and FAILED`),
      ),
    );
    expect(crashed.map((t) => t.context.reap_diagnosis!.crashType)).toEqual(['unknown', 'rate_limited']);
    const done = await live('finished');
    await done.complete();
    completed = done.id;
  });

  afterAll(async () => {
    await s?.dispose();
  });

  it('reaper list: a table of tasks newest first, filtered by status, kind and crash type; --json is the API answer', async () => {
    const [all, byCrash, byStatus, limited, json] = await Promise.all([
      cli('list'),
      cli('list', '--crash', 'rate_limited'),
      cli('list', '--status', 'COMPLETED'),
      cli('list', '--kind', 'crashy', '--limit', '1'),
      cli('list', '--crash', 'unknown', '--json'),
    ]);
    expect(all.code, all.stderr).toBe(0);
    const header = all.stdout.split('\n')[0]!;
    expect(header).toMatch(/^ID\s+KIND\s+STATUS\s+ATTEMPT\s+CRASH\s+UPDATED\s+SUMMARY$/);
    for (const t of crashed) expect(all.stdout).toMatch(new RegExp(`^${t.id}\\s+crashy\\s+FAILED!?\\s+1/1\\s+${t.context.reap_diagnosis!.crashType}\\s+\\d+ (ms|s|min) ago\\s+\\S`, 'm'));
    expect(all.stdout).toMatch(new RegExp(`^${completed}\\s+finished\\s+COMPLETED\\s+1/2\\s+-\\s`, 'm'));

    expect(byCrash.code).toBe(0);
    expect(byCrash.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[0])).toEqual([crashed[1]!.id]);
    expect(byStatus.stdout).toContain(completed);
    expect(byStatus.stdout).not.toContain(crashed[0]!.id);

    expect(limited.stdout.trim().split('\n')).toHaveLength(2); // header + one task
    expect(limited.stdout).toContain(crashed[1]!.id); // newest first
    expect(limited.stderr).toMatch(/^more: add --cursor \S+$/m);

    expect(json.code).toBe(0);
    const answer = JSON.parse(json.stdout);
    expect(answer.tasks.map((t: Task) => t.id)).toEqual([crashed[0]!.id]);
    expect(answer.tasks[0].context.reap_diagnosis.crashType).toBe('unknown');
    expect(json.stdout).not.toMatch(/leaseHash/);
  });

  it('reaper list: a bad filter is refused before any call, an unreachable API is exit 69', async () => {
    const [bad, away] = await Promise.all([cli('list', '--crash', 'gremlins'), reaper(['list', '--api', 'http://127.0.0.1:9'])]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--crash.*a crash type: oom, segfault/);
    expect(away.code).toBe(69);
    expect(away.stderr).toMatch(/^reaper list: cannot reach the API at http:\/\/127\.0\.0\.1:9/);
  });

  it('reaper logs: the whole stored log, past one page, redacted; --json is one object a line; an unknown task is exit 1', async () => {
    const t = await live('chatty');
    const lines = Array.from({ length: 1500 }, (_, i) => `step ${i}`);
    await t.log(lines.slice(0, 1000));
    await t.log([...lines.slice(1000), 'token=sk-live-0123456789abcdefghij']);
    const [text, json, missing] = await Promise.all([cli('logs', t.id), cli('logs', t.id, '--json'), cli('logs', 'no-such-task')]);
    expect(text.code, text.stderr).toBe(0);
    const printed = text.stdout.split('\n');
    expect(printed.slice(0, 1500)).toEqual(lines);
    expect(printed[1500]).toContain('[REDACTED]');
    expect(text.stdout).not.toContain('sk-live-0123456789abcdefghij');
    const objects = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(objects).toHaveLength(1501);
    expect(objects[0]).toEqual({ id: expect.stringMatching(/^\d+-\d+$/), at: expect.any(Number), line: 'step 0' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('reaper logs: no task with id no-such-task\n');
  });

  it('reaper logs --follow prints lines as they come and exits 0 once the task is over', async () => {
    const t = await live('followed');
    await t.log(['before']);
    const follower = reaper(['logs', t.id, '--follow', '--interval', '100', '--api', s.url]);
    await waitFor(async () => follower.out().includes('before\n'), 20_000, 'the follower printing the first line');
    await t.log(['while 1', 'while 2']);
    await waitFor(async () => follower.out().includes('while 2\n'), 20_000, 'the follower printing the new lines');
    await t.log(['last']);
    await t.complete();
    const run = await follower;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('before\nwhile 1\nwhile 2\nlast\n');
  });

  it('reaper cancel: CANCELLED; again is exit 2 naming why; an unknown task is exit 1', async () => {
    const [a, b] = [await live('to-cancel'), await live('to-cancel-json')];
    const [first, json] = await Promise.all([cli('cancel', a.id, '--reason', 'not needed'), cli('cancel', b.id, '--json')]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(`task ${a.id} CANCELLED\n`);
    expect(JSON.parse(json.stdout)).toEqual({ id: b.id, status: 'CANCELLED' });
    const stored = await s.task(a.id);
    expect(stored.history.at(-1)).toMatchObject({ to: 'CANCELLED', reason: 'not needed' });

    const [again, missing] = await Promise.all([cli('cancel', a.id), cli('cancel', 'no-such-task')]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^reaper cancel: refused: transition CANCELLED → CANCELLED is not allowed/);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('reaper cancel: no task with id no-such-task\n');
  });

  it('reaper retry: one more attempt asked by the OS user or --by; a task that is not FAILED is exit 2', async () => {
    const [mine, theirs] = crashed;
    const [byUser, byAlice, refused] = await Promise.all([
      cli('retry', mine!.id),
      cli('retry', theirs!.id, '--by', 'alice', '--reason', 'provider is back', '--json'),
      cli('retry', completed),
    ]);
    expect(byUser.code, byUser.stderr).toBe(0);
    expect(byUser.stdout).toBe(`task ${mine!.id} ASSIGNED: attempt 2 of 2 queued, asked by ${userInfo().username}\n`);
    expect((await s.task(mine!.id)).history.at(-1)).toMatchObject({ from: 'FAILED', to: 'ASSIGNED', by: userInfo().username });
    expect(JSON.parse(byAlice.stdout)).toEqual({ id: theirs!.id, status: 'ASSIGNED', attempt: 2, maxRetries: 1 });
    expect((await s.task(theirs!.id)).history.at(-1)).toMatchObject({ by: 'alice', reason: 'provider is back' });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`reaper retry: refused: task ${completed} is COMPLETED: only a FAILED task can be retried\n`);
  });

  it('reaper incidents [--open]: open and resolved incidents as a table and as JSON', async () => {
    const none = await cli('incidents', '--open');
    expect(none.stdout).toBe('no open incidents\n');
    // Five deaths of one cause in one scope open an incident (the tracker's threshold).
    const now = Date.now();
    let opened: { id: string } | undefined;
    for (let i = 0; i < 5; i++) {
      const created = await s.api('POST', '/tasks', { kind: 'storm' });
      opened = (await s.core.incidents.recordDeath(await s.task(created.json.id), 'rate_limited', now)) ?? opened;
    }
    expect(opened).toBeDefined();
    const [table, json] = await Promise.all([cli('incidents'), cli('incidents', '--open', '--json')]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+CAUSE\s+SCOPE\s+OPENED\s+TASKS\s+STATE$/);
    expect(table.stdout).toMatch(new RegExp(`^${opened!.id}\\s+rate_limited\\s+\\S+\\s+.+ago\\s+5\\s+open$`, 'm'));
    expect(JSON.parse(json.stdout).incidents.map((i: { id: string }) => i.id)).toEqual([opened!.id]);

    expect((await s.api('POST', `/incidents/${opened!.id}/resolve`, { by: 'bob' })).status).toBe(200);
    const [openNow, all] = await Promise.all([cli('incidents', '--open'), cli('incidents')]);
    expect(openNow.stdout).toBe('no open incidents\n');
    expect(all.stdout).toMatch(new RegExp(`^${opened!.id}\\s.*resolved .* by operator:bob$`, 'm'));
  });
});
