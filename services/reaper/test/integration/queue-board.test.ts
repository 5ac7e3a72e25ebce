import { afterEach, describe, expect, it } from 'vitest';
import { QUEUE, hostProbeQueue } from '@smart-reap/shared';
import { queueDescription } from '../../src/board/queue-board.js';
import { startTestStack, waitFor, type TestStack } from '../../../../test/support/stack.js';

/** Bull Board's own API as the reaper mounts it: read-only unless BOARD_WRITE=true. */
describe('Bull Board (/admin/queues)', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.dispose();
    stack = undefined;
  });
  const board = (s: TestStack, method: string, path: string, body?: unknown) =>
    fetch(`${s.url}/admin/queues${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

  it('is read-only by default: GET works, a pause of the probe queue is refused and the queue keeps running', async () => {
    stack = await startTestStack({}, ['reaper']);
    const s = stack;
    expect((await board(s, 'GET', '')).status).toBe(200);
    const listed = await board(s, 'GET', '/api/queues');
    expect(listed.status).toBe(200);
    const { queues } = (await listed.json()) as { queues: Array<{ name: string; readOnlyMode: boolean }> };
    expect(queues.find((q) => q.name === QUEUE.probe)).toMatchObject({ readOnlyMode: true });

    expect((await board(s, 'PUT', `/api/queues/${QUEUE.probe}/pause`)).status).toBe(405);
    expect((await board(s, 'PUT', `/api/queues/${QUEUE.probe}/clean/completed`)).status).toBe(405);
    expect((await board(s, 'POST', `/api/queues/${QUEUE.probe}/add`, { name: 'x', data: {} })).status).toBe(405);
    // "Pause all" answers, but skips read-only queues.
    await board(s, 'PUT', '/api/queues/pause');
    // Not a route for writes either.
    expect((await board(s, 'POST', `/api/queues/${QUEUE.probe}/pause`)).status).not.toBe(200);
    for (const name of Object.values(QUEUE)) expect(await s.core.queues.queue(name).isPaused(), name).toBe(false);
  });

  it('BOARD_WRITE=true lets an operator pause and resume', async () => {
    stack = await startTestStack({ BOARD_WRITE: true }, ['reaper']);
    const s = stack;
    expect((await board(s, 'PUT', `/api/queues/${QUEUE.probe}/pause`)).status).toBe(200);
    expect(await s.core.queues.queue(QUEUE.probe).isPaused()).toBe(true);
    expect((await board(s, 'PUT', `/api/queues/${QUEUE.probe}/resume`)).status).toBe(200);
    expect(await s.core.queues.queue(QUEUE.probe).isPaused()).toBe(false);
  });

  interface BoardQueue {
    name: string;
    hasWorkers: boolean | null;
    description?: string;
  }
  const boardQueues = async (s: TestStack): Promise<BoardQueue[]> => ((await (await board(s, 'GET', '/api/queues')).json()) as { queues: BoardQueue[] }).queues;

  it("shows the workers of every queue the stack consumes (the intake's too), and says what each queue is for", async () => {
    stack = await startTestStack();
    const s = stack;
    const hostQueue = hostProbeQueue(s.config.NODE_NAME);
    // A host's probe queue joins the board once the scheduler first probes a task on that host.
    await s.claimFor(s.spawnRunner());
    // Every worker names its blocking connection `<prefix>:<base64 queue>`; the board finds them by CLIENT LIST.
    const queues = await waitFor(async () => {
      const q = await boardQueues(s);
      return q.some((x) => x.name === hostQueue) && q.filter((x) => x.name !== QUEUE.assigned).every((x) => x.hasWorkers) ? q : undefined;
    }, 20_000, 'every consumed queue with its workers on the board');
    const byName = new Map(queues.map((q) => [q.name, q]));
    for (const name of [QUEUE.tasks, QUEUE.probe, QUEUE.diagnose, QUEUE.reassign, QUEUE.decide, hostQueue]) expect(byName.get(name)?.hasWorkers, name).toBe(true);
    // Runners claim over HTTP without being workers of `assigned`: its "No workers" is explained.
    expect(byName.get(QUEUE.assigned)?.hasWorkers).toBe(false);
    expect(byName.get(QUEUE.assigned)?.description).toMatch(/claim over HTTP.*only a SupervisedWorker consumes it/);
    expect(byName.get(QUEUE.tasks)?.description).toMatch(/^Intake: .*intake worker/);
    expect(byName.get(hostQueue)?.description).toContain(`on host ${s.config.NODE_NAME}`);
    for (const q of queues) expect(q.description, q.name).toBe(queueDescription(q.name));
  });

  it("a diagnose job returns the death's crash type, summary, confidence and recovery, redacted, and the board shows it", async () => {
    stack = await startTestStack({}, ['reaper', 'diagnoser']);
    const s = stack;
    const created = await s.api('POST', '/tasks', { kind: 'board-diag', maxRetries: 0 });
    const claim = await s.api('POST', '/tasks/claim', { runnerId: 'r', kinds: ['board-diag'], runtime: { type: 'heartbeat' } });
    const id = created.json.id as string;
    const post = (path: string, body: unknown) =>
      fetch(`${s.url}/tasks/${id}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'reaper-lease': claim.json.lease }, body: JSON.stringify(body) });
    const secret = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789';
    await post('log', { lines: [`using key ${secret}`, '<--- JS stacktrace --->', 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'] });
    expect((await post('fail', { runnerId: 'r', signal: 'SIGABRT', error: `crashed holding ${secret}` })).status).toBe(202);
    const diagnoseQueue = s.core.queues.queue(QUEUE.diagnose);
    const job = await waitFor(async () => {
      const j = await diagnoseQueue.getJob(`diag-${id}-a1`);
      return j && (await j.isCompleted()) ? j : undefined;
    }, 20_000, 'the diagnose job completed');
    const diagnosis = (await s.task(id)).context.reap_diagnosis!;
    expect(job.returnvalue).toEqual({ crashType: 'oom', summary: diagnosis.summary, confidence: diagnosis.confidence, recovery: diagnosis.decision });
    expect(JSON.stringify(job.returnvalue)).not.toContain(secret);
    const shown = await board(s, 'GET', `/api/queues?activeQueue=${QUEUE.diagnose}&status=completed`);
    const text = await shown.text();
    expect(text).toContain('"crashType":"oom"');
    expect(text).not.toContain(secret);
  });
});
