import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { QUEUE, hostProbeQueue } from '@smart-reap/shared';
import { registerProbers } from '../../../../test/support/probers.js';
import { startTestStack, waitFor, type TestStack } from '../../../../test/support/stack.js';

import { CHROMIUM } from '../../../../test/support/required-tools.js';
const TOKEN = 'board-browser-token';
const auth = { authorization: `Bearer ${TOKEN}` };

/**
 * Bull Board in a real headless Chromium, as an operator opens it: the reaper's own wiring
 * (startStack mounts the board at /admin/queues behind the API token), the token sent as a header,
 * and every queue name rendered by the board's UI.
 */
describe('Bull Board dashboard in a browser', () => {
  let stack: TestStack | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await stack?.dispose();
  });

  it('asks for the token, then renders tasks, probe, probe-<host>, diagnose, reassign and decide', async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium, as .ci/run does); this test never skips`);
    }
    // Browser start-up and stack start-up in parallel: they do not depend on each other.
    const launching = chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    });
    const starting = startTestStack({ API_TOKEN: TOKEN }, ['reaper']);
    // Both settle before either failure is thrown, so afterAll closes whichever did start.
    const [launched, started] = await Promise.allSettled([launching, starting]);
    if (launched.status === 'fulfilled') browser = launched.value;
    if (started.status === 'fulfilled') stack = started.value;
    if (launched.status === 'rejected') throw new Error(`could not launch ${CHROMIUM}: ${(launched.reason as Error).message}`);
    if (started.status === 'rejected') throw started.reason;
    const s = stack!;

    const hostQueue = hostProbeQueue(s.config.NODE_NAME);

    const anonymous = await fetch(`${s.url}/admin/queues`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');

    // A host queue appears as the scheduler first uses it: a process runner claims a task on this
    // node, the scheduler sends its probe to probe-<node>, the board picks the queue up on refresh.
    const post = async (path: string, body: unknown) => {
      const res = await fetch(s.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify(body) });
      return { status: res.status, json: (await res.json()) as { id: string } };
    };
    // No prober runs in this stack: one is registered for the node, so the claim is taken and its probes are enqueued.
    await registerProbers(s.core.probers, [s.config.NODE_NAME]);
    const created = await post('/tasks', { kind: 'board' });
    expect(created.status).toBe(201);
    const claimed = await post('/tasks/claim', {
      runnerId: 'board-runner',
      kinds: ['board'],
      runtime: { type: 'process', ref: '' },
      pid: process.pid,
      host: s.config.NODE_NAME,
    });
    expect(claimed.status).toBe(200);
    await waitFor(
      async () => {
        const res = await fetch(`${s.url}/admin/queues/api/queues`, { headers: auth });
        if (res.status !== 200) return false;
        const { queues } = (await res.json()) as { queues: Array<{ name: string }> };
        return queues.some((q) => q.name === hostQueue);
      },
      10_000,
      `${hostQueue} on the board`,
    );

    // The token goes only to the reaper's origin (extraHTTPHeaders would also hand it to the
    // Google Fonts stylesheet the board links); anything off-origin is refused: no outside network.
    context = await browser!.newContext();
    const origin = new URL(s.url).origin;
    await context.route('**/*', (route) => {
      const req = route.request();
      if (new URL(req.url()).origin !== origin) return route.abort();
      return route.continue({ headers: { ...req.headers(), ...auth } });
    });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    const refused: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('response', (res) => {
      if (res.url().startsWith(origin) && res.status() >= 400) refused.push(`${res.status()} ${res.url()}`);
    });

    const response = await page.goto(`${s.url}/admin/queues`, { waitUntil: 'domcontentloaded' });
    expect(response?.status()).toBe(200);
    const names = [...Object.values(QUEUE), hostQueue];
    for (const name of names) {
      await page.getByRole('link', { name, exact: true }).first().waitFor({ state: 'visible', timeout: 15_000 });
    }
    // Each queue is linked twice (sidebar and overview card), by its bare name: no key prefix.
    const linked = await page.locator('a[href^="/admin/queues/queue/"]').allTextContents();
    expect(new Set(linked)).toEqual(new Set(names));
    expect(await page.title()).toBe('smart-reap');
    expect(pageErrors).toEqual([]);
    expect(refused).toEqual([]);
  });
});
