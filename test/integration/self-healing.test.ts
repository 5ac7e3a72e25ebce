import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestStack, waitFor, type TestStack } from '../support/stack.js';

// Anthropic's real 429 body shape; no key anywhere.
const RATE_LIMIT_BODY = JSON.stringify({
  type: 'error',
  error: { type: 'rate_limit_error', message: 'This request would exceed the rate limit for your organization of 50 requests per minute.' },
});

describe('self-healing (DESIGN §8)', () => {
  let stack: TestStack | undefined;
  let provider: Server | undefined;
  afterEach(async () => {
    await stack?.dispose();
    stack = undefined;
    await new Promise((r) => (provider ? provider.close(r) : r(undefined)));
    provider = undefined;
  });

  it('ten 429 deaths of one kind: one incident, one escalation, reassignment paused until healthy completions close it', async () => {
    let failing = true;
    provider = createServer((_req, res) => {
      if (failing) res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' }).end(RATE_LIMIT_BODY);
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((r) => provider!.listen(0, '127.0.0.1', () => r()));
    const providerUrl = `http://127.0.0.1:${(provider.address() as { port: number }).port}/v1/messages`;
    stack = await startTestStack({ BACKOFF_BASE_MS: 100 });
    const s = stack;

    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const child = s.spawnRunner();
      const task = await s.claimFor(child, { maxRetries: 2 }, 'agent');
      ids.push(task.id);
      const runnerId = `runner-${child.pid}`;
      const res = await fetch(providerUrl, { method: 'POST' });
      const lines = [`POST ${providerUrl}`, `HTTP/1.1 ${res.status} Too Many Requests`, `retry-after: ${res.headers.get('retry-after')}`, await res.text()];
      await s.api('POST', `/tasks/${task.id}/log`, { lease: task.lease, lines });
      expect((await s.api('POST', `/tasks/${task.id}/fail`, { runnerId, lease: task.lease, exitCode: 1, error: 'Error: 429 rate_limit_error' })).status).toBe(202);
      child.kill('SIGKILL');
    }

    const incidents = await waitFor(async () => {
      const r = await s.api('GET', '/incidents?open=true');
      return r.json.incidents.length ? r.json.incidents : undefined;
    }, 10_000, 'an open incident');
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ cause: 'rate_limited', scope: 'kind:agent' });
    expect(incidents[0].tasks.length).toBeGreaterThanOrEqual(5);

    // Every death diagnosed as a rate limit; the ones after the incident opened wait, FAILED.
    await waitFor(async () => {
      const tasks = await Promise.all(ids.map((id) => s.task(id)));
      return tasks.every((t) => t.context.reap_diagnosis?.crashType === 'rate_limited');
    }, 10_000, 'all ten diagnosed');
    await new Promise((r) => setTimeout(r, 2500)); // past the retry-after and every backoff
    const waiting = (await Promise.all(ids.map((id) => s.task(id)))).filter((t) => t.status === 'FAILED');
    expect(waiting.length).toBeGreaterThanOrEqual(5);
    const metrics = await fetch(`${s.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^smart_reap_incidents_open 1$/m);

    const escalations = (await s.core.events.list({ limit: 500 })).filter((e) => e.type === 'escalate' && /incident/.test(e.reason));
    expect(escalations).toHaveLength(1);

    // The provider recovers; three healthy completions in the scope close the incident.
    failing = false;
    let lastHealthy = '';
    for (let i = 0; i < 3; i++) {
      await s.api('POST', '/tasks', { kind: 'agent' });
      const claim = await s.api('POST', '/tasks/claim', { runnerId: `healthy-${i}`, kinds: ['agent'], runtime: { type: 'heartbeat', ref: '' } });
      // Reassigned tasks may be claimable too: complete whatever this runner got.
      expect((await fetch(providerUrl, { method: 'POST' })).status).toBe(200);
      await s.api('POST', `/tasks/${claim.json.id}/complete`, { runnerId: `healthy-${i}`, lease: claim.json.lease, output: 'ok' });
      lastHealthy = claim.json.id;
    }
    const closed = await waitFor(async () => {
      const r = await s.api('GET', '/incidents?open=false');
      return r.json.incidents[0];
    }, 5000, 'the incident to close');
    expect(closed.resolvedBy).toBe(lastHealthy);
    expect(closed.resolvedAt).toBeGreaterThan(closed.openedAt);
    // Reassignment resumes: every paused task comes back for attempt 2.
    await waitFor(async () => {
      const tasks = await Promise.all(waiting.map((t) => s.task(t.id)));
      return tasks.every((t) => t.attempt === 2 && t.status !== 'FAILED');
    }, 10_000, 'paused tasks reassigned');
  });

  it('twenty concurrent creates with one dedupKey yield one task', async () => {
    stack = await startTestStack({}, ['reaper']);
    const s = stack;
    const results = await Promise.all(Array.from({ length: 20 }, () => s.api('POST', '/tasks', { kind: 'fix', dedupKey: 'issue-42' })));
    expect(new Set(results.map((r) => r.json.id)).size).toBe(1);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(19);
    expect((await s.api('GET', '/tasks?kind=fix')).json.tasks).toHaveLength(1);
  });

  it('a kind whose tasks take ~2 s gets the floor once learned, and its next claim uses it', async () => {
    stack = await startTestStack({ DEFAULT_MAX_AGE_MINUTES: 30, MIN_MAX_AGE_MINUTES: 1 }, ['reaper']);
    const s = stack;
    // Five real attempts of about two seconds each, run side by side through the API.
    const claims = [];
    for (let i = 0; i < 5; i++) {
      await s.api('POST', '/tasks', { kind: 'quick' });
      const claim = await s.api('POST', '/tasks/claim', { runnerId: `q${i}`, kinds: ['quick'], runtime: { type: 'heartbeat', ref: '' } });
      expect(claim.json.effectiveMaxAgeMinutes).toBe(30);
      claims.push(claim.json);
    }
    await new Promise((r) => setTimeout(r, 2000));
    for (const [i, c] of claims.entries()) {
      expect((await s.api('POST', `/tasks/${c.id}/complete`, { runnerId: `q${i}`, lease: c.lease, output: 'done' })).status).toBe(200);
    }
    const stats = await waitFor(async () => {
      const r = (await s.api('GET', '/kinds/quick/stats')).json;
      return r.samples === 5 ? r : undefined;
    }, 5000, 'five recorded completions');
    expect(stats).toMatchObject({ kind: 'quick', samples: 5, learnedMaxAgeMinutes: 1, defaultMaxAgeMinutes: 30, floorMinutes: 1, capMinutes: 90 });
    expect(stats.p90Ms).toBeGreaterThanOrEqual(2000);
    expect(stats.p90Ms).toBeLessThan(5000);
    await s.api('POST', '/tasks', { kind: 'quick' });
    const next = await s.api('POST', '/tasks/claim', { runnerId: 'q-next', kinds: ['quick'], runtime: { type: 'heartbeat', ref: '' } });
    expect(next.json.effectiveMaxAgeMinutes).toBe(1);
    expect(next.json.deadline - next.json.runner.claimedAt).toBe(60_000);
  });
});
