import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@smart-reap/shared';
import { startTestStack, waitFor, type TestStack } from '../support/stack.js';

// Real-shaped, never real: each must vanish before anything is stored, answered or logged.
const SECRETS = [
  'sk-ant-api03-Qw7vT3xN9mLp2RkZ8yHc4JdF6sVb1GeA0uWtYiOoPqXrEnMl5KjHgFdSaZxCvBnM-AbCdEfGhIjK',
  'sk-proj-4fGhT8kLmN2pQrS6tUvW0xYz1AbCdEfGhIjKlMnOpQrStUvWxYz',
  'ghp_1A2b3C4d5E6f7G8h9I0jK1lM2nO3pQ4rS5tU',
  'AKIAIOSFODNN7EXAMPLE',
  'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
  'hunter2-db-password',
];

const RATE_LIMIT_BODY =
  '{"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed the rate limit for your organization of 50 requests per minute."}}';

describe('diagnoses on real deaths (DESIGN §5, §6)', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.dispose();
    stack = undefined;
  });

  async function dieAfterLogging(s: TestStack, lines: string[], signal: NodeJS.Signals, body: Record<string, unknown> = {}) {
    const child = s.spawnRunner();
    const task = await s.claimFor(child, body);
    if (lines.length) expect((await s.api('POST', `/tasks/${task.id}/log`, { lease: task.lease, lines })).status).toBe(202);
    await waitFor(async () => (await s.task(task.id)).probe?.processState === 'alive', 5000, 'an alive probe');
    child.kill(signal);
    return waitFor(async () => {
      const t = await s.task(task.id);
      return t.context.reap_diagnosis ? t : undefined;
    }, 10_000, 'a diagnosis');
  }

  it('a 429 that was retried, then a segfault: the final death wins', async () => {
    stack = await startTestStack();
    const t = await dieAfterLogging(stack, [
      '[agent] POST https://api.anthropic.com/v1/messages -> 429',
      RATE_LIMIT_BODY,
      '[agent] retrying in 2.0s (attempt 2/5)',
      '[agent] POST https://api.anthropic.com/v1/messages -> 200',
      '[agent] turn 14: applying patch to src/parser.c',
      'Segmentation fault (core dumped)',
    ], 'SIGSEGV');
    expect(t.context.reap_diagnosis).toMatchObject({ crashType: 'segfault', processState: 'dead' });
  });

  it('an empty log: unknown, with what the probe saw in the summary', async () => {
    stack = await startTestStack();
    const t = await dieAfterLogging(stack, [], 'SIGKILL');
    const d = t.context.reap_diagnosis!;
    expect(d.crashType).toBe('unknown');
    expect(d.logTailBytes).toBe(0);
    expect(d.summary).toMatch(/pid \d+/);
    expect(d.evidence.join('\n')).toMatch(/pid \d+/);
  });

  it('no secret from the log reaches the task, the diagnosis, the API answer or the service log', async () => {
    const out = new PassThrough();
    let logged = '';
    out.on('data', (d: Buffer) => (logged += d.toString()));
    stack = await startTestStack({}, undefined, { logger: createLogger('test', 'trace', out) });
    const s = stack;
    const t = await dieAfterLogging(s, [
      `ANTHROPIC_API_KEY=${SECRETS[0]}`,
      `using OPENAI key ${SECRETS[1]}`,
      `git clone https://x-access-token:${SECRETS[2]}@github.com/acme/app.git`,
      `aws_access_key_id = ${SECRETS[3]}`,
      `Authorization: Bearer ${SECRETS[4]}`,
      `connecting to postgres://app:${SECRETS[5]}@db.internal:5432/app`,
      'Traceback (most recent call last):',
      '  File "/app/agent.py", line 88, in <module>',
      '    main()',
      "KeyError: 'choices'",
    ], 'SIGKILL', { payload: { prompt: 'fix the parser', apiKey: SECRETS[0] } });
    expect(t.context.reap_diagnosis?.logTail).toMatch(/KeyError/);
    const answer = JSON.stringify((await s.api('GET', `/tasks/${t.id}`)).json);
    const diagnosis = JSON.stringify(t.context.reap_diagnosis);
    const events = JSON.stringify((await s.api('GET', `/events?taskId=${t.id}`)).json);
    for (const secret of SECRETS) {
      expect(diagnosis).not.toContain(secret);
      expect(events).not.toContain(secret);
      expect(logged).not.toContain(secret);
    }
    // The payload is the producer's own and comes back to it unchanged; only the log-derived
    // parts of the answer are the reaper's, and those hold no secret.
    const { payload: _payload, ...rest } = JSON.parse(answer);
    for (const secret of SECRETS) expect(JSON.stringify(rest)).not.toContain(secret);
    expect(logged).not.toContain('fix the parser');
    expect(logged.length).toBeGreaterThan(0);
  });
});
