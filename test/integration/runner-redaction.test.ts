import { afterEach, describe, expect, it } from 'vitest';
import { startTestStack, waitFor, type TestStack } from '../support/stack.js';

// Fake secrets in real shapes, assembled at run time so no scanner takes this file for a leak.
// A small LCG: the same mixed letters and digits every run, as real keys are.
const alnum = (n: number, seed = 7): string => {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  let x = seed * 2654435761;
  for (let i = 0; i < n; i += 1) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += chars[x % chars.length];
  }
  return out;
};
/** Each: the text a runner sends, and the secret part of it that must never come back. */
const SECRETS: Array<{ text: string; secret: string }> = [
  ...[
    `sk-ant-api03-${alnum(40, 1)}-${alnum(30, 3)}AA`,
    `sk-proj-${alnum(60, 2)}_${alnum(40, 4)}`,
    `sk-${alnum(48, 5)}`,
    `ghp_${alnum(36, 6)}`,
    `github_pat_${alnum(22, 8)}_${alnum(59, 9)}`,
    `AKIA${'IOSFODNN7EXAMPLE'}`,
    `xoxb-${'1234567890'}-${'1234567890123'}-${alnum(24, 10)}`,
    `AIza${alnum(35, 11)}`,
    `sk_live_${alnum(24, 12)}`,
    `hf_${alnum(34, 13)}`,
    `glpat-${alnum(20, 14)}`,
    `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${alnum(43, 15)}`,
  ].map((key) => ({ text: `request failed with key ${key} (see docs)`, secret: key.slice(-14) })),
  { text: `Authorization: Bearer ${alnum(32, 16)}`, secret: alnum(32, 16) },
  { text: `connecting to postgres://app:Hunter2${alnum(10, 17)}@db.internal:5432/app`, secret: `Hunter2${alnum(10, 17)}` },
  { text: `export SECRET_KEY=Zq9${alnum(14, 18)}`, secret: `Zq9${alnum(14, 18)}` },
  { text: `DB_PASSWORD="pw ${alnum(12, 19)} x"`, secret: alnum(12, 19) },
  { text: `-----BEGIN RSA PRIVATE KEY-----\nMIIE${alnum(60, 20)}\n-----END RSA PRIVATE KEY-----`, secret: alnum(60, 20).slice(0, 20) },
];
const allText = SECRETS.map((s) => s.text).join('\n');

function expectNoSecret(where: string, served: string): void {
  const leaked = SECRETS.filter((s) => served.includes(s.secret)).map((s) => s.text.slice(0, 40));
  expect(leaked, `secrets served in ${where}`).toEqual([]);
}

/** Every text a runner sends is redacted before it is stored or served. */
describe('redaction of what runners send', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.dispose();
    stack = undefined;
  });

  it('none of 17 real-shaped secrets in failure.error, partialOutput, output, log lines or runtime ref comes back', async () => {
    stack = await startTestStack({ PROBE_INTERVAL_MS: 60_000 }, ['reaper', 'diagnoser']);
    const s = stack;
    const runtime = { type: 'heartbeat', ref: `https://probe:Hunter2${alnum(10, 17)}@runner.internal/health` };

    // A runner that fails: its log, its progress, its own error report.
    const failing = (await s.api('POST', '/tasks', { kind: 'leaky', maxRetries: 0 })).json.id as string;
    const claim = await s.api('POST', '/tasks/claim', { runnerId: 'leaky-1', kinds: ['leaky'], runtime });
    const lease = claim.json.lease as string;
    expect((await s.api('POST', `/tasks/${failing}/log`, { lease, lines: allText.split('\n') })).status).toBe(202);
    expect((await s.api('POST', `/tasks/${failing}/heartbeat`, { runnerId: 'leaky-1', lease, progress: { ratio: 0.5, partialOutput: allText } })).status).toBe(200);
    expect((await s.api('POST', `/tasks/${failing}/fail`, { runnerId: 'leaky-1', lease, exitCode: 1, error: allText })).status).toBe(202);
    const failed = await waitFor(async () => {
      const t = await s.api('GET', `/tasks/${failing}`);
      return t.json.status === 'FAILED' && t.json.context?.reap_diagnosis ? t : undefined;
    }, 15_000, 'the diagnosis');

    // A runner that completes with secrets anywhere inside its output.
    const completing = (await s.api('POST', '/tasks', { kind: 'leaky-ok' })).json.id as string;
    const okClaim = await s.api('POST', '/tasks/claim', { runnerId: 'leaky-2', kinds: ['leaky-ok'], runtime });
    const output = { summary: allText, steps: SECRETS.map((x) => ({ said: x.text })), nested: { deeper: [[allText]] }, apiKey: 'plainvalue-but-secret' };
    expect((await s.api('POST', `/tasks/${completing}/complete`, { runnerId: 'leaky-2', lease: okClaim.json.lease, output })).status).toBe(200);

    const stored = JSON.stringify(await s.task(failing));
    const served = {
      'GET /tasks/:id (failed)': JSON.stringify(failed.json),
      'GET /tasks/:id (completed)': JSON.stringify((await s.api('GET', `/tasks/${completing}`)).json),
      'GET /tasks': JSON.stringify((await s.api('GET', '/tasks?limit=100')).json),
      'GET /events': JSON.stringify((await s.api('GET', '/events?limit=1000')).json),
      'the diagnosis': JSON.stringify(failed.json.context.reap_diagnosis),
      'the stored log stream': JSON.stringify(await s.core.redis.xrange(s.core.keys.log(failing), '-', '+')),
      'the stored failure and progress': JSON.stringify({ f: JSON.parse(stored).failure, p: JSON.parse(stored).progress }),
    };
    for (const [where, text] of Object.entries(served)) expectNoSecret(where, text);
    expect(served['GET /tasks/:id (completed)']).not.toContain('plainvalue-but-secret');
    // Redaction keeps the text around the secrets readable.
    expect(failed.json.failure.error).toContain('request failed with key sk-ant-[REDACTED]');
  });
});
