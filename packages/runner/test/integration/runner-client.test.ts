import { afterEach, describe, expect, it } from 'vitest';
import type { Progress } from '@smart-reap/shared';
import { ApiClient, RunnerApiError, RunnerClient } from '../../src/index.js';
import { startTestStack, waitFor, type TestStack } from '../../../../test/support/stack.js';

/** fetch that records each call's method, path and body before passing it on. */
function recordingFetch() {
  const calls: Array<{ method: string; path: string; body: any }> = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    calls.push({ method: init?.method ?? 'GET', path: url.pathname, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    return fetch(input, init);
  };
  return { calls, fetchImpl };
}

describe('RunnerClient and ApiClient against the real API', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.dispose();
    stack = undefined;
  });

  it('claims (204 → undefined), beats on its interval sending progress only when it changed, logs, and completes', async () => {
    // Probes are not under test: a long interval keeps them away from the runner's fake pid.
    stack = await startTestStack({ PROBE_INTERVAL_MS: 60_000 }, ['reaper']);
    const { calls, fetchImpl } = recordingFetch();
    const runner = new RunnerClient({ apiUrl: stack.url, runnerId: 'client-1', fetchImpl });
    const producer = new ApiClient({ apiUrl: stack.url });

    expect(await runner.claim({ kinds: ['cl'], runtime: { type: 'heartbeat', ref: '' } })).toBeUndefined();
    const created = await producer.createTask({ kind: 'cl', idempotencyKey: 'k1', payload: { n: 1 } });
    expect(created).toMatchObject({ status: 'ASSIGNED', created: true });
    expect(await producer.createTask({ kind: 'cl', idempotencyKey: 'k1' })).toMatchObject({ id: created.id, created: false });

    const task = await runner.claim({ kinds: ['cl'], runtime: { type: 'heartbeat', ref: '' } });
    expect(task).toMatchObject({ id: created.id, status: 'IN_PROGRESS', payload: { n: 1 }, runner: { runnerId: 'client-1' } });

    let progress: Progress | undefined = { ratio: 0.25, partialOutput: 'first quarter' };
    const errors: unknown[] = [];
    runner.startHeartbeat(created.id, { intervalMs: 50, progress: () => progress, onFenced: () => errors.push('fenced'), onError: (e) => errors.push(e) });
    const beats = () => calls.filter((c) => c.path.endsWith('/heartbeat'));
    await waitFor(async () => beats().length >= 3, 5000, 'three beats');
    progress = { ratio: 0.5, partialOutput: 'half' };
    await waitFor(async () => beats().length >= 5, 5000, 'two more beats');
    const sent = beats().map((b) => b.body.progress?.ratio);
    // The first beat carries the progress, the unchanged object is not sent again, the new one once.
    expect(sent[0]).toBe(0.25);
    expect(sent.filter((r) => r === 0.25)).toHaveLength(1);
    expect(sent.filter((r) => r === 0.5)).toHaveLength(1);
    expect((await stack.task(created.id)).progress).toEqual({ ratio: 0.5, partialOutput: 'half' });

    await runner.log(created.id, ['hello', 'world']);
    await runner.log(created.id, []);
    expect((await stack.core.logs.tail(created.id, 1024)).toString()).toBe('hello\nworld\n');

    expect(await runner.complete(created.id, { ok: true })).toEqual({ id: created.id, status: 'COMPLETED' });
    const beatsAtCompletion = beats().length;
    await new Promise((r) => setTimeout(r, 200));
    // complete() ended the loop: no beat after it, so none came back 409.
    expect(beats().length).toBe(beatsAtCompletion);
    expect(errors).toEqual([]);
    const done = await producer.getTask(created.id);
    expect(done).toMatchObject({ status: 'COMPLETED', output: { ok: true } });
  });

  it('a fenced runner: onFenced once, beating stops, and every later call is a RunnerApiError 409', async () => {
    stack = await startTestStack({ PROBE_INTERVAL_MS: 60_000 }, ['reaper']);
    const { calls, fetchImpl } = recordingFetch();
    const runner = new RunnerClient({ apiUrl: stack.url, runnerId: 'client-2', fetchImpl });
    const { json } = await stack.api('POST', '/tasks', { kind: 'fx' });
    await runner.claim({ kinds: ['fx'], runtime: { type: 'heartbeat', ref: '' } });

    const fenced: RunnerApiError[] = [];
    runner.startHeartbeat(json.id, { intervalMs: 50, onFenced: (e) => fenced.push(e) });
    await waitFor(async () => calls.some((c) => c.path.endsWith('/heartbeat')), 5000, 'a beat');
    await stack.api('POST', `/tasks/${json.id}/cancel`, {});
    await waitFor(async () => fenced.length > 0, 5000, 'the fence');
    const beatsThen = calls.filter((c) => c.path.endsWith('/heartbeat')).length;
    await new Promise((r) => setTimeout(r, 250));
    expect(calls.filter((c) => c.path.endsWith('/heartbeat')).length).toBe(beatsThen);
    expect(fenced).toHaveLength(1);
    expect(fenced[0]).toMatchObject({ name: 'RunnerApiError', status: 409, isFenced: true });

    const err = await runner.fail(json.id, { exitCode: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunnerApiError);
    expect((err as RunnerApiError).status).toBe(409);
    expect((err as RunnerApiError).code).toBeTruthy();
  });

  it('fail() hands the failure to diagnosis with its exit code and signal', async () => {
    stack = await startTestStack({ PROBE_INTERVAL_MS: 60_000 });
    const runner = new RunnerClient({ apiUrl: stack.url, runnerId: 'client-3' });
    const { json } = await stack.api('POST', '/tasks', { kind: 'fl', maxRetries: 0 });
    await runner.claim({ kinds: ['fl'], runtime: { type: 'heartbeat', ref: '' } });
    await runner.log(json.id, ['Segmentation fault (core dumped)']);
    expect(await runner.fail(json.id, { exitCode: 139, signal: 'SIGSEGV' })).toMatchObject({ id: json.id });
    const task = await waitFor(async () => {
      const t = await stack!.task(json.id);
      return t.status === 'FAILED' ? t : undefined;
    }, 10_000, 'FAILED');
    expect(task.context.reap_diagnosis).toMatchObject({ crashType: 'segfault', exitCode: 139, signal: 'SIGSEGV' });
  });

  it('sends the token; a refusal, a missing task and an unreachable API are told apart', async () => {
    stack = await startTestStack({ API_TOKEN: 'tok-123' }, ['reaper']);
    const anonymous = new ApiClient({ apiUrl: stack.url });
    const refused = await anonymous.getTask('x').catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: 'RunnerApiError', status: 401 });

    const client = new ApiClient({ apiUrl: `${stack.url}/`, token: 'tok-123' });
    const missing = await client.getTask('no-such-task').catch((e: unknown) => e);
    expect(missing).toMatchObject({ name: 'RunnerApiError', status: 404 });

    const bad = await client.createTask({ kind: 'has space' }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ status: 400 });
    expect((bad as RunnerApiError).serverMessage).toMatch(/kind/);

    const away = await new ApiClient({ apiUrl: 'http://127.0.0.1:1', timeoutMs: 2000 }).getTask('x').catch((e: unknown) => e);
    expect(away).not.toBeInstanceOf(RunnerApiError);
    expect(away).toBeInstanceOf(TypeError);
  });
});
