import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClaimedTask, Task } from '@smart-reap/shared';
import { startTestStack, waitFor, type TestStack } from '../../../../test/support/stack.js';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'console-browser-token';
const auth = { authorization: `Bearer ${TOKEN}` };
/** Kept after the run as test artefacts (gitignored): the list, a diagnosed task's page, incidents. */
const SHOTS = new URL('../../../../artifacts/screenshots/', import.meta.url);
const XSS = `<script>alert('xss-from-log')</script>`;

/**
 * The console in a real headless Chromium against the real stack (reaper, prober, diagnoser):
 * runner processes that die for real, so the pages show a real diagnosis; signing in with a wrong
 * and the right token; list → task → diagnosis; retry and cancel from the task page; resolving an
 * incident; a forged cross-site POST from another origin refused.
 */
describe('the web console in a browser', () => {
  let stack: TestStack | undefined;
  let browser: Browser | undefined;
  let evil: Server | undefined;

  afterAll(async () => {
    await browser?.close();
    await stack?.dispose();
    await new Promise<void>((r) => (evil ? evil.close(() => r()) : r()));
  });

  it('signs in, shows list → diagnosed task, retries, cancels, resolves an incident; refuses a wrong token and a cross-site POST', { timeout: 120_000 }, async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium, as .ci/run does); this test never skips`);
    }
    const launching = chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    const starting = startTestStack({ API_TOKEN: TOKEN });
    const [launched, started] = await Promise.allSettled([launching, starting]);
    if (launched.status === 'fulfilled') browser = launched.value;
    if (started.status === 'fulfilled') stack = started.value;
    if (launched.status === 'rejected') throw new Error(`could not launch ${CHROMIUM}: ${(launched.reason as Error).message}`);
    if (started.status === 'rejected') throw started.reason;
    const s = stack!;
    mkdirSync(SHOTS, { recursive: true });

    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(s.url + path, { method, headers: { 'content-type': 'application/json', ...auth }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : undefined };
    };
    /** A real runner process claims a new task of `kind`, logs `lines`, is seen alive, then dies of `signal`. */
    const runAndKill = async (kind: string, lines: string[], signal: NodeJS.Signals): Promise<Task> => {
      const child = s.spawnRunner();
      const created = await api('POST', '/tasks', { kind, maxRetries: 0, payload: { prompt: `fix it ${XSS}` } });
      expect(created.status).toBe(201);
      const claim = await api('POST', '/tasks/claim', { runnerId: `runner-${child.pid}`, kinds: [kind], runtime: { type: 'process', ref: '' }, pid: child.pid, pidStartTime: child.startTime, host: s.config.NODE_NAME });
      const task = claim.json as ClaimedTask;
      expect(task.id).toBe(created.json.id);
      expect((await api('POST', `/tasks/${task.id}/log`, { lease: task.lease, lines })).status).toBe(202);
      await waitFor(async () => (await s.task(task.id)).probe?.processState === 'alive', 10_000, 'an alive probe');
      child.kill(signal);
      return waitFor(async () => {
        const t = await s.task(task.id);
        return t.status === 'FAILED' && t.context.reap_diagnosis ? t : undefined;
      }, 20_000, `${kind}'s diagnosis`);
    };

    const crashed = await runAndKill('console-crash', ['[agent] turn 3: patching src/parser.c', `[agent] echo ${XSS}`, 'Segmentation fault (core dumped)'], 'SIGSEGV');
    expect(crashed.context.reap_diagnosis).toMatchObject({ crashType: 'segfault' });
    // Five deaths of one cause in one scope (here the host, which all six share) open an incident;
    // one at a time, so no probe round sees most of its tasks dead (the mass-death breaker would hold them).
    for (let i = 0; i < 5; i++) await runAndKill('console-burst', ['Segmentation fault (core dumped)'], 'SIGSEGV');
    const incident = await waitFor(async () => (await s.core.incidents.list({ open: true })).find((x) => x.cause === 'segfault'), 10_000, 'an open incident');
    const waiting = (await api('POST', '/tasks', { kind: 'console-cancel' })).json.id as string;

    const context = await browser!.newContext();
    const page = await context.newPage();
    const dialogs: string[] = [];
    const pageErrors: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));

    // No cookie: the sign-in page, with 401.
    const anonymous = await page.goto(`${s.url}/ui/tasks`);
    expect(anonymous?.status()).toBe(401);
    await page.locator('#token').fill('not-the-token');
    const [refused] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/ui/login') && r.request().method() === 'POST'), page.locator('#sign-in').click()]);
    expect(refused.status()).toBe(401);
    await expect.poll(() => page.locator('#login-error').textContent()).toContain('not the API token');
    expect((await context.cookies()).filter((c) => c.name === 'reaper_session')).toEqual([]);

    await page.locator('#token').fill(TOKEN);
    await Promise.all([page.waitForURL(`${s.url}/ui/tasks`), page.locator('#sign-in').click()]);
    const [session] = (await context.cookies()).filter((c) => c.name === 'reaper_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    // The list: newest first, the crashed task with its crash type and summary; live, so a task
    // created while the page is open appears at the top without a reload.
    const row = page.locator(`tr[data-task="${crashed.id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('segfault');
    expect(await row.textContent()).toContain(crashed.context.reap_diagnosis!.summary);
    expect(await page.locator('tr[data-task]').count()).toBe(7);
    const fresh = (await api('POST', '/tasks', { kind: 'console-live' })).json.id as string;
    await page.locator(`tr[data-task="${fresh}"]`).waitFor({ timeout: 10_000 });
    expect(await page.locator('tr[data-task]').first().getAttribute('data-task')).toBe(fresh);
    expect(await page.locator('tr[data-task]').count()).toBe(8);
    await page.locator('select[name="crashType"]').selectOption('segfault');
    await Promise.all([page.waitForURL(/crashType=segfault/), page.getByRole('button', { name: 'Filter' }).click()]);
    expect(await page.locator('tr[data-task]').count()).toBe(6);
    await page.screenshot({ path: new URL('list.png', SHOTS).pathname, fullPage: true });

    // List → task → diagnosis, the log line's markup shown as text and never run.
    await Promise.all([page.waitForURL(`${s.url}/ui/tasks/${crashed.id}`), row.locator('a').first().click()]);
    expect(await page.locator('#crash-type').textContent()).toBe('segfault');
    expect(await page.locator('#diagnosis-summary').textContent()).toBe(crashed.context.reap_diagnosis!.summary);
    expect(await page.locator('#log-tail').textContent()).toContain(XSS);
    expect(await page.locator('#payload').textContent()).toContain(XSS);
    expect(await page.locator('#timeline').textContent()).toMatch(/IN_PROGRESS → FAILED/);
    expect(await page.locator('#timeline').textContent()).toMatch(/diagnose/);
    await page.screenshot({ path: new URL('task.png', SHOTS).pathname, fullPage: true });

    // Retry, recorded with who asked.
    await page.locator('#console-user').fill('alice');
    await page.locator('#console-user').dispatchEvent('change');
    await page.locator('#retry').click();
    await waitFor(async () => (await s.task(crashed.id)).status === 'ASSIGNED', 10_000, 'the retried task ASSIGNED');
    const retried = await s.task(crashed.id);
    expect(retried.attempt).toBe(2);
    expect(retried.history.at(-1)).toMatchObject({ from: 'FAILED', to: 'ASSIGNED', by: 'ui:alice' });
    await expect.poll(() => page.locator('h1 .badge').textContent(), { timeout: 10_000 }).toBe('ASSIGNED');

    // Cancel.
    await page.goto(`${s.url}/ui/tasks/${waiting}`);
    await page.locator('#cancel').click();
    await waitFor(async () => (await s.task(waiting)).status === 'CANCELLED', 10_000, 'the cancelled task');
    expect((await s.task(waiting)).history.at(-1)!.reason).toBe('cancelled from the console by ui:alice');

    // Incidents: the open one, its tasks, the chart; resolved from here.
    await page.goto(`${s.url}/ui/incidents`);
    const incidentRow = page.locator(`tr[data-incident="${incident.id}"]`);
    expect(await incidentRow.textContent()).toContain(incident.scope);
    expect(await incidentRow.locator('a').count()).toBe((await s.core.incidents.get(incident.id))!.tasks.length);
    expect(await page.locator('#deaths-chart').textContent()).toContain('segfault (6)');
    await page.screenshot({ path: new URL('incidents.png', SHOTS).pathname, fullPage: true });
    await incidentRow.getByRole('button', { name: 'Resolve' }).click();
    await waitFor(async () => (await s.core.incidents.get(incident.id))?.resolvedAt !== undefined, 10_000, 'the resolved incident');
    expect((await s.core.incidents.get(incident.id))?.resolvedBy).toMatch(/ui:alice/);

    // Kinds: each with its learned-timeout figures.
    await page.goto(`${s.url}/ui/kinds`);
    expect(await page.locator('tr[data-kind="console-crash"]').textContent()).toContain('not yet learned');

    // A forged POST from another origin (same site: 127.0.0.1, another port, so the SameSite=Strict
    // cookie does go along) is refused by the origin check, and changes nothing.
    const victim = (await api('POST', '/tasks', { kind: 'console-cancel' })).json.id as string;
    evil = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<form id="f" method="post" enctype="text/plain" action="${s.url}/tasks/${victim}/cancel"><input name="x" value="y"></form><script>document.getElementById('f').submit()</script>`);
    });
    await new Promise<void>((r) => evil!.listen(0, '127.0.0.1', () => r()));
    const forged = page.waitForResponse((r) => r.url() === `${s.url}/tasks/${victim}/cancel`);
    await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
    const answer = await forged;
    expect(answer.request().headers()['cookie'] ?? (await answer.request().allHeaders())['cookie']).toContain('reaper_session=');
    expect(answer.status()).toBe(403);
    expect((await s.task(victim)).status).toBe('ASSIGNED');

    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
