import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, waitFor, type TestStack } from '../support/stack.js';

/**
 * What a claim may point the services at: a log file only under LOG_ROOTS (after symlinks and
 * `..`), a health URL only http(s) and, with HTTP_PROBE_ALLOW, only an allowed host. A refused
 * claim is a 400 naming the field and takes no task.
 */
describe('claim references (LOG_ROOTS, HTTP_PROBE_ALLOW)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'claim-refs-'));
  const root = join(dir, 'logs');
  let stack: TestStack | undefined;
  beforeAll(() => mkdirSync(root));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => {
    await stack?.dispose();
    stack = undefined;
  });

  const claimWith = async (s: TestStack, extra: Record<string, unknown>) => {
    const created = await s.api('POST', '/tasks', { kind: 'work' });
    const claim = await s.api('POST', '/tasks/claim', { runnerId: 'r1', kinds: ['work'], runtime: { type: 'heartbeat', ref: '' }, ...extra });
    return { id: created.json.id as string, claim };
  };
  const expectRefused = async (s: TestStack, extra: Record<string, unknown>, field: string, reason: RegExp) => {
    const { id, claim } = await claimWith(s, extra);
    expect(claim.status, JSON.stringify(claim.json)).toBe(400);
    expect(claim.json.issues).toEqual([{ field, reason: expect.stringMatching(reason) }]);
    // Nothing changed: the task is still waiting for a runner.
    expect((await s.task(id)).status).toBe('ASSIGNED');
    await s.api('POST', `/tasks/${id}/cancel`, {});
  };

  it('refuses log files outside LOG_ROOTS, symlinks and .. out of them, FIFOs, folders and /proc', async () => {
    stack = await startTestStack({ LOG_ROOTS: root }, ['reaper']);
    const s = stack;
    writeFileSync(join(root, 'ok.log'), 'hello\n');
    symlinkSync('/etc/passwd', join(root, 'passwd.log'));
    symlinkSync('/proc/self', join(root, 'proc'));
    execFileSync('mkfifo', [join(root, 'pipe.log')]);
    mkdirSync(join(root, 'folder.log'));

    await expectRefused(s, { logRef: '/etc/passwd' }, 'logRef', /^\/etc\/passwd is not under LOG_ROOTS/);
    await expectRefused(s, { logRef: 'file:///etc/passwd' }, 'logRef', /not under LOG_ROOTS/);
    await expectRefused(s, { logRef: join(root, 'passwd.log') }, 'logRef', /passwd\.log is not under LOG_ROOTS/);
    await expectRefused(s, { logRef: `${root}/../../../../etc/passwd` }, 'logRef', /not under LOG_ROOTS/);
    await expectRefused(s, { logRef: `${root}/missing/../../x.log` }, 'logRef', /not under LOG_ROOTS/);
    await expectRefused(s, { logRef: join(root, 'proc', 'environ') }, 'logRef', /not under LOG_ROOTS/);
    await expectRefused(s, { logRef: join(root, 'pipe.log') }, 'logRef', /is a fifo, not a regular file/);
    await expectRefused(s, { logRef: join(root, 'folder.log') }, 'logRef', /is a directory, not a regular file/);
    await expectRefused(s, { logRef: 'file://elsewhere/var/log/x.log' }, 'logRef', /not a local file URL/);

    // Under the root: an existing file, a file not written yet (its folder too), and refs that are not paths.
    for (const logRef of [join(root, 'ok.log'), join(root, 'later.log'), join(root, 'run-7', 'out.log'), 'tmux:agent', 'k8s:ns/pod']) {
      const { id, claim } = await claimWith(s, { logRef });
      expect(claim.status, `${logRef}: ${JSON.stringify(claim.json)}`).toBe(200);
      expect(claim.json).toMatchObject({ id, runner: { logRef } });
    }
  });

  it('refuses /proc even when LOG_ROOTS names it', async () => {
    stack = await startTestStack({ LOG_ROOTS: `${root},/proc` }, ['reaper']);
    await expectRefused(stack, { logRef: '/proc/self/environ' }, 'logRef', /under \/proc, which is never read/);
  });

  it('refuses an http runtime ref that is not an http(s) URL, and hosts HTTP_PROBE_ALLOW does not list', async () => {
    stack = await startTestStack({ HTTP_PROBE_ALLOW: '127.0.0.1,*.svc.cluster.local,localhost:8080' }, ['reaper']);
    const s = stack;
    const http = (ref: string) => ({ runtime: { type: 'http', ref } });
    await expectRefused(s, http('file:///etc/passwd'), 'runtime.ref', /http:\/\/ or https:\/\//);
    await expectRefused(s, http('not a url'), 'runtime.ref', /http:\/\/ or https:\/\//);
    await expectRefused(s, http('http://169.254.169.254/latest/meta-data/'), 'runtime.ref', /169\.254\.169\.254 is not allowed by HTTP_PROBE_ALLOW/);
    await expectRefused(s, http('http://localhost:9090/healthz'), 'runtime.ref', /localhost:9090 is not allowed/);
    await expectRefused(s, http('http://svc.cluster.local/healthz'), 'runtime.ref', /not allowed/);
    for (const ref of ['http://127.0.0.1:7000/healthz', 'https://api.jobs.svc.cluster.local/healthz', 'http://localhost:8080/healthz']) {
      const { claim } = await claimWith(s, http(ref));
      expect(claim.status, `${ref}: ${JSON.stringify(claim.json)}`).toBe(200);
    }
  });

  it('a log swapped for a symlink to /etc/passwd after the claim is not read: the diagnosis says why', async () => {
    stack = await startTestStack({ LOG_ROOTS: root });
    const s = stack;
    const child = s.spawnRunner();
    const logRef = join(root, 'swap.log');
    writeFileSync(logRef, 'working\n');
    const created = await s.api('POST', '/tasks', { kind: 'swap', maxRetries: 0 });
    const claim = await s.api('POST', '/tasks/claim', {
      runnerId: 'swapper',
      kinds: ['swap'],
      runtime: { type: 'process', ref: '' },
      pid: child.pid,
      pidStartTime: child.startTime,
      host: s.config.NODE_NAME,
      logRef,
    });
    expect(claim.status, JSON.stringify(claim.json)).toBe(200);
    unlinkSync(logRef);
    symlinkSync('/etc/passwd', logRef);
    child.kill('SIGKILL');
    const died = await waitFor(async () => {
      const t = await s.task(created.json.id);
      return t.context.reap_diagnosis ? t : undefined;
    }, 20_000, 'the diagnosis');
    const diagnosis = JSON.stringify(died.context.reap_diagnosis);
    expect(diagnosis).toMatch(/log source file: .*swap\.log is not under LOG_ROOTS .*: not read/);
    expect(diagnosis).not.toMatch(/root:x:0:0/);
    const events = JSON.stringify((await s.api('GET', '/events?limit=200')).json);
    expect(events).not.toMatch(/root:x:0:0/);
  });
});
