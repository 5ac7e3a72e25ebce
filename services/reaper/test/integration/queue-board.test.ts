import { afterEach, describe, expect, it } from 'vitest';
import { QUEUE } from '@smart-reap/shared';
import { startTestStack, type TestStack } from '../../../../test/support/stack.js';

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
});
