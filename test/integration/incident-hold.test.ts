import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { QUEUE, assignedJobId, type Task } from '@smart-reap/shared';
import { startTestStack, waitFor, type TestStack } from '../support/stack.js';

/** What a runner that hit a provider's rate limit leaves in its log file. */
const RATE_LIMITED = [
  'POST https://api.example.invalid/v1/messages',
  'HTTP/1.1 429 Too Many Requests',
  'retry-after: 1',
  JSON.stringify({ type: 'error', error: { type: 'rate_limit_error', message: 'This request would exceed the rate limit for your organization of 50 requests per minute.' } }),
].join('\n');

/**
 * Retries an open incident holds: at most INCIDENT_MAX_HOLD_MS, and at once when an operator
 * resolves it. The deaths are real: process runners SIGKILLed after logging a 429 to a file
 * under LOG_ROOTS, found dead by the prober, diagnosed `rate_limited` by the diagnoser.
 */
describe('incident holds', () => {
  const root = mkdtempSync(join(tmpdir(), 'incident-hold-'));
  let stack: TestStack | undefined;
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  afterEach(async () => {
    await stack?.dispose();
    stack = undefined;
  });

  async function rateLimitedDeaths(s: TestStack, n: number): Promise<string[]> {
    const ids: string[] = [];
    const runners: Array<ReturnType<TestStack['spawnRunner']>> = [];
    mkdirSync(join(root, s.config.KEY_PREFIX));
    for (let i = 0; i < n; i++) {
      const child = s.spawnRunner();
      const logRef = join(root, s.config.KEY_PREFIX, `run-${i}.log`);
      writeFileSync(logRef, `${RATE_LIMITED}\n`);
      const created = await s.api('POST', '/tasks', { kind: 'agent', maxRetries: 2 });
      const claim = await s.api('POST', '/tasks/claim', {
        runnerId: `runner-${i}`,
        kinds: ['agent'],
        runtime: { type: 'process', ref: '' },
        pid: child.pid,
        pidStartTime: child.startTime,
        host: s.config.NODE_NAME,
        logRef,
      });
      expect(claim.status, JSON.stringify(claim.json)).toBe(200);
      expect(claim.json.id).toBe(created.json.id);
      ids.push(created.json.id);
      runners.push(child);
    }
    // All claimed first, then all killed: a death found (and retried) before the last claim would
    // hand that claim the retried task instead of the one just created.
    for (const child of runners) child.kill('SIGKILL');
    return ids;
  }

  async function openIncident(s: TestStack, ids: string[]) {
    const [incident] = await waitFor(async () => {
      const r = await s.api('GET', '/incidents?open=true');
      return r.json.incidents.length ? r.json.incidents : undefined;
    }, 20_000, 'an open incident');
    expect(incident).toMatchObject({ cause: 'rate_limited', scope: 'kind:agent' });
    await waitFor(async () => (await Promise.all(ids.map((id) => s.task(id)))).every((t) => t.context.reap_diagnosis?.crashType === 'rate_limited'), 20_000, 'every death diagnosed');
    return incident as { id: string; openedAt: number };
  }

  // Eight runners dying at once on one host trip the mass-death breaker (DESIGN §4), which would
  // hold the deaths for a minute as a likely prober fault: not what these tests are about.
  const config = { LOG_ROOTS: root, MASS_DEATH_HOLD_MS: 0 };
  const tasks = (s: TestStack, ids: string[]): Promise<Task[]> => Promise.all(ids.map((id) => s.task(id)));

  it('holds retries at most INCIDENT_MAX_HOLD_MS, then lets them go while the incident is still open', async () => {
    const maxHoldMs = 5000;
    stack = await startTestStack({ ...config, INCIDENT_MAX_HOLD_MS: maxHoldMs });
    const s = stack;
    const ids = await rateLimitedDeaths(s, 8);
    const incident = await openIncident(s, ids);
    // Past the retry-after (1 s) and the backoff, well before the max hold: held, FAILED.
    await new Promise((r) => setTimeout(r, Math.max(0, incident.openedAt + 2500 - Date.now())));
    const held = (await tasks(s, ids)).filter((t) => t.status === 'FAILED');
    expect(Date.now()).toBeLessThan(incident.openedAt + maxHoldMs);
    expect(held.length).toBeGreaterThanOrEqual(5);

    const released = await waitFor(async () => {
      const now = (await tasks(s, held.map((t) => t.id))).every((t) => t.status === 'ASSIGNED' && t.attempt === 2);
      return now && Date.now();
    }, maxHoldMs + 5000, 'held retries released after the max hold');
    expect(released).toBeGreaterThanOrEqual(incident.openedAt + maxHoldMs);
    // Released by the bound, not by a resolution: the incident stays open.
    expect((await s.api('GET', '/incidents?open=true')).json.incidents.map((i: { id: string }) => i.id)).toEqual([incident.id]);
  });

  it('POST /incidents/:id/resolve closes it, records who and when, and releases the held retries at once', async () => {
    stack = await startTestStack(config);
    const s = stack;
    const ids = await rateLimitedDeaths(s, 8);
    const incident = await openIncident(s, ids);
    await new Promise((r) => setTimeout(r, Math.max(0, incident.openedAt + 2500 - Date.now())));
    const held = (await tasks(s, ids)).filter((t) => t.status === 'FAILED');
    expect(held.length).toBeGreaterThanOrEqual(5);

    expect((await s.api('POST', '/incidents/no-such-incident/resolve', {})).status).toBe(404);
    expect((await s.api('POST', `/incidents/${incident.id}/resolve`, { by: 'two words' })).status).toBe(400);
    const before = Date.now();
    const resolved = await s.api('POST', `/incidents/${incident.id}/resolve`, { by: 'alice' });
    expect(resolved.status).toBe(200);
    expect(resolved.json).toMatchObject({ id: incident.id, resolvedBy: 'operator:alice' });
    expect(resolved.json.resolvedAt).toBeGreaterThanOrEqual(before);
    expect(resolved.json.released).toBeGreaterThanOrEqual(1);

    // At once: well inside the reassign worker's 1 s recheck for every promoted job.
    await waitFor(async () => (await tasks(s, held.map((t) => t.id))).every((t) => t.status === 'ASSIGNED' && t.attempt === 2), 1500, 'held retries ASSIGNED');
    for (const t of held) expect(await s.core.queues.queue(QUEUE.assigned).getJob(assignedJobId(t.id, 2)), t.id).toBeTruthy();

    // Idempotent: a second resolve keeps the first resolution.
    const again = await s.api('POST', `/incidents/${incident.id}/resolve`, { by: 'bob' });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ resolvedBy: 'operator:alice', resolvedAt: resolved.json.resolvedAt });
    const listed = (await s.api('GET', '/incidents?open=false')).json.incidents;
    expect(listed).toEqual([expect.objectContaining({ id: incident.id, resolvedBy: 'operator:alice', resolvedAt: resolved.json.resolvedAt })]);
    expect((await s.api('GET', '/incidents?open=true')).json.incidents).toEqual([]);
    const events = (await s.core.events.list({ limit: 500 })).filter((e) => /resolved by operator:alice/.test(e.reason));
    expect(events).toHaveLength(1);
  });

  it('resolving is behind API_TOKEN', async () => {
    stack = await startTestStack({ API_TOKEN: 'incident-token' }, ['reaper']);
    const url = `${stack.url}/incidents/any/resolve`;
    expect((await fetch(url, { method: 'POST' })).status).toBe(401);
    expect((await fetch(url, { method: 'POST', headers: { authorization: 'Bearer incident-token' } })).status).toBe(404);
  });
});
