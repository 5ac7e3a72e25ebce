import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  EMPTY_LIVE_LOOP_STATE,
  TaskSchema,
  clearLiveLoop,
  decideLiveLoop,
  flagLiveLoop,
  liveErrorLine,
  liveLoopSetAttention,
  loadConfig,
  observeLiveLoop,
  parseLiveLoopPolicy,
  type LiveLine,
  type LiveLoopSettings,
  type LiveLoopState,
  type Task,
} from '@smart-reap/shared';

const RATE_LIMIT = 'API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}';
const AUTH = 'Error: 401 {"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}';
const SETTINGS: LiveLoopSettings = { repeats: 5, windowMs: 15_000, stopAfterMs: 60_000, policy: {} };

function task(context: Task['context'] = {}, needsAttention: Task['needsAttention'] = undefined): Task {
  return TaskSchema.parse({ id: 't1', kind: 'k', status: 'IN_PROGRESS', attempt: 1, maxRetries: 1, extensions: 0, history: [], createdAt: 0, updatedAt: 0, context, needsAttention });
}

/** Feeds one scan's lines (each with its time) and the progress flag, as the watcher does. */
function scan(state: LiveLoopState, lines: LiveLine[], progressed: boolean, now: number, s = SETTINGS): LiveLoopState {
  return observeLiveLoop(state, lines.flatMap((l) => liveErrorLine(l) ?? []), progressed, s.windowMs, now);
}

/** A 429 every 500 ms from `from` for `count` lines, with ordinary output between. */
function rateLimitLines(from: number, count: number): LiveLine[] {
  return Array.from({ length: count }, (_, i) => [
    { text: RATE_LIMIT, at: from + i * 500 },
    { text: `Retrying in 0.5 seconds… (attempt ${i + 1})`, at: from + i * 500 + 1 },
  ]).flat();
}

describe('live loop: lines read one by one with the classifier', () => {
  it('names the loop causes with the crash taxonomy, and ordinary output as none', () => {
    expect(liveErrorLine({ text: RATE_LIMIT, at: 1 })?.cause).toBe('rate_limited');
    expect(liveErrorLine({ text: AUTH, at: 1 })?.cause).toBe('auth_error');
    expect(liveErrorLine({ text: 'Error: connect ECONNREFUSED 10.0.0.1:443', at: 1 })?.cause).toBe('network_error');
    expect(liveErrorLine({ text: 'API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', at: 1 })?.cause).toBe('provider_overloaded');
    expect(liveErrorLine({ text: 'prompt is too long: 210000 tokens > 200000 maximum', at: 1 })?.cause).toBe('context_overflow');
    expect(liveErrorLine({ text: 'wrote 20 lines of src/app.ts', at: 1 })).toBeUndefined();
    expect(liveErrorLine({ text: '✓ retries on rate limit', at: 1 })).toBeUndefined();
  });

  it('redacts the evidence', () => {
    const e = liveErrorLine({ text: AUTH, at: 1 })!;
    expect(e.evidence).not.toContain('AAAAAAAAAAAAAAAA');
  });

  it('ignores crash types that are not loops (a segfault line is for the crash capture)', () => {
    expect(liveErrorLine({ text: 'Segmentation fault (core dumped)', at: 1 })).toBeUndefined();
  });
});

describe('live loop detector', () => {
  it('flags a 429 every 0.5 s once it repeated K times over the window, with since, repeats and redacted evidence', () => {
    let s = scan(EMPTY_LIVE_LOOP_STATE, rateLimitLines(0, 20), false, 10_000);
    // 20 repeats but over 9.5 s only: not yet a loop.
    expect(decideLiveLoop(task(), s, SETTINGS, 10_000)).toEqual({ action: 'none' });
    s = scan(s, rateLimitLines(10_000, 12), false, 16_000);
    const d = decideLiveLoop(task(), s, SETTINGS, 16_000);
    expect(d.action).toBe('flag');
    if (d.action !== 'flag') return;
    expect(d.diagnosis).toMatchObject({ crashType: 'rate_limited', since: 0, repeats: 32, attempt: 1, detectedAt: 16_000 });
    expect(d.diagnosis.evidence.length).toBeGreaterThan(0);
    expect(d.diagnosis.evidence.length).toBeLessThanOrEqual(5);
    expect(d.reason).toMatch(/^live loop: /);
  });

  it('needs K repeats: 3 slow errors over a minute are no loop', () => {
    const s = scan(EMPTY_LIVE_LOOP_STATE, [0, 30_000, 60_000].map((at) => ({ text: RATE_LIMIT, at })), false, 61_000);
    expect(decideLiveLoop(task(), s, SETTINGS, 61_000).action).toBe('none');
  });

  it('a few errors then progress: not flagged', () => {
    let s = scan(EMPTY_LIVE_LOOP_STATE, rateLimitLines(0, 4), false, 5_000);
    s = scan(s, [{ text: 'step 2 done', at: 6_000 }], true, 10_000);
    s = scan(s, rateLimitLines(11_000, 3), false, 20_000);
    expect(s.repeats).toBe(3);
    expect(decideLiveLoop(task(), s, SETTINGS, 20_000).action).toBe('none');
  });

  it('a line of another cause starts a new run; ordinary lines between errors do not break one', () => {
    let s = scan(EMPTY_LIVE_LOOP_STATE, rateLimitLines(0, 10), false, 5_000);
    expect(s).toMatchObject({ cause: 'rate_limited', repeats: 10 });
    s = scan(s, [{ text: 'Error: connect ECONNREFUSED 10.0.0.1:443', at: 6_000 }], false, 6_000);
    expect(s).toMatchObject({ cause: 'network_error', repeats: 1, since: 6_000 });
  });

  it('a flagged loop clears on progress again, and the needsAttention it set goes with it', () => {
    const s = scan(EMPTY_LIVE_LOOP_STATE, rateLimitLines(0, 40), false, 20_000);
    const d = decideLiveLoop(task(), s, SETTINGS, 20_000);
    if (d.action !== 'flag') throw new Error('expected a flag');
    const flagged = flagLiveLoop(task(), d.diagnosis, 20_000);
    expect(flagged.needsAttention).toEqual({ reason: d.reason, at: 20_000 });
    expect(liveLoopSetAttention(flagged)).toBe(true);
    expect(decideLiveLoop(flagged, s, SETTINGS, 21_000).action).toBe('none');

    const healed = scan(s, [], true, 25_000);
    const c = decideLiveLoop(flagged, healed, SETTINGS, 25_000);
    expect(c).toMatchObject({ action: 'clear', reason: expect.stringMatching(/progress again/) });
    const cleared = clearLiveLoop(flagged);
    expect(cleared.context.live_diagnosis).toBeUndefined();
    expect(cleared.needsAttention).toBeNull();
  });

  it('clears once the errors stopped for the window, and a later error of the same cause starts afresh', () => {
    const s = scan(EMPTY_LIVE_LOOP_STATE, rateLimitLines(0, 40), false, 20_000);
    const d = decideLiveLoop(task(), s, SETTINGS, 20_000);
    if (d.action !== 'flag') throw new Error('expected a flag');
    const flagged = flagLiveLoop(task(), d.diagnosis, 20_000);
    // The last error at 19 500: quiet for the window (15 s) at 34 500.
    expect(decideLiveLoop(flagged, s, SETTINGS, 34_000).action).toBe('none');
    expect(decideLiveLoop(flagged, s, SETTINGS, 34_500)).toMatchObject({ action: 'clear', reason: expect.stringMatching(/no rate_limited loop/) });
    const later = scan(s, [{ text: RATE_LIMIT, at: 100_000 }], false, 100_000);
    expect(later).toMatchObject({ repeats: 1, since: 100_000 });
  });

  it('keeps a needsAttention set by something else when it clears', () => {
    const s = scan(EMPTY_LIVE_LOOP_STATE, rateLimitLines(0, 40), false, 20_000);
    const d = decideLiveLoop(task(), s, SETTINGS, 20_000);
    if (d.action !== 'flag') throw new Error('expected a flag');
    const other = { reason: 'fingerprint failed 3 times', at: 5 };
    const flagged = flagLiveLoop(task({}, other), d.diagnosis, 20_000);
    expect(flagged.needsAttention).toEqual(other);
    expect(flagged.context.live_diagnosis).toEqual(d.diagnosis);
    expect(clearLiveLoop(flagged).needsAttention).toEqual(other);
  });

  it('stops only by explicit policy, and only once the loop has lasted LIVE_LOOP_STOP_AFTER_MS', () => {
    const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ text: AUTH, at: from + i * 1000 }));
    const s = scan(EMPTY_LIVE_LOOP_STATE, lines(0, 20), false, 20_000);
    const d = decideLiveLoop(task(), s, SETTINGS, 20_000);
    if (d.action !== 'flag') throw new Error('expected a flag');
    const flagged = flagLiveLoop(task(), d.diagnosis, 20_000);
    const stopPolicy = { ...SETTINGS, policy: { auth_error: 'stop' as const } };
    const later = scan(s, lines(20_000, 45), false, 65_000);
    // Escalate by default: never stopped, however long.
    expect(decideLiveLoop(flagged, later, SETTINGS, 65_000).action).toBe('none');
    // Stop: not before 60 s from the first error…
    expect(decideLiveLoop(flagged, later, stopPolicy, 59_999).action).toBe('none');
    // …then stopped, the reason naming the live loop and the policy.
    expect(decideLiveLoop(flagged, later, stopPolicy, 60_000)).toMatchObject({ action: 'stop', reason: expect.stringMatching(/live loop: auth_error.*LIVE_LOOP_POLICY auth_error=stop/) });
    // A stop policy for another cause stops nothing here.
    expect(decideLiveLoop(flagged, later, { ...SETTINGS, policy: { rate_limited: 'stop' } }, 65_000).action).toBe('none');
  });
});

describe('a flag left by an earlier attempt', () => {
  it('is cleared on the next attempt before anything else, so its since never starts the new stop window', () => {
    const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ text: AUTH, at: from + i * 1000 }));
    const s1 = scan(EMPTY_LIVE_LOOP_STATE, lines(0, 20), false, 20_000);
    const d = decideLiveLoop(task(), s1, SETTINGS, 20_000);
    if (d.action !== 'flag') throw new Error('expected a flag');
    const next = { ...flagLiveLoop(task(), d.diagnosis, 20_000), attempt: 2 };
    // Attempt 2 loops too, from 100 s: with the old flag's since (0) it would be stopped at once.
    const s2 = scan(EMPTY_LIVE_LOOP_STATE, lines(100_000, 20), false, 120_000);
    const policy = { ...SETTINGS, policy: { auth_error: 'stop' as const } };
    expect(decideLiveLoop(next, s2, policy, 120_000)).toMatchObject({ action: 'clear', reason: expect.stringMatching(/attempt 1 over: attempt 2 runs/) });
    const cleared = clearLiveLoop(next);
    expect(decideLiveLoop(cleared, s2, policy, 120_000)).toMatchObject({ action: 'flag' });
  });
});

describe('live loop re-escalation', () => {
  it('a loop that lasts is escalated again every 30 min, as any escalation', () => {
    const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ text: RATE_LIMIT, at: from + i * 1000 }));
    let s = scan(EMPTY_LIVE_LOOP_STATE, lines(0, 20), false, 20_000);
    const d = decideLiveLoop(task(), s, SETTINGS, 20_000);
    if (d.action !== 'flag') throw new Error('expected a flag');
    const flagged = flagLiveLoop(task(), d.diagnosis, 20_000);
    expect(flagged.lastEscalatedAt).toBe(20_000);
    const min = 60_000;
    s = scan(s, lines(20_000, 30 * 60), false, 20_000 + 30 * min);
    expect(decideLiveLoop(flagged, s, SETTINGS, 20_000 + 30 * min - 1).action).toBe('none');
    expect(decideLiveLoop(flagged, s, SETTINGS, 20_000 + 30 * min)).toMatchObject({ action: 'reescalate', reason: expect.stringMatching(/live loop still: rate_limited for 30 min/) });
  });
});

describe('LIVE_LOOP_POLICY', () => {
  it('parses cause=action pairs; unnamed causes escalate', () => {
    expect(parseLiveLoopPolicy('auth_error=stop, rate_limited=escalate')).toEqual({ ok: true, policy: { auth_error: 'stop', rate_limited: 'escalate' } });
    expect(parseLiveLoopPolicy('')).toEqual({ ok: true, policy: {} });
  });

  it('refuses an unknown cause or action, a pair without =, a cause named twice', () => {
    expect(parseLiveLoopPolicy('segfault=stop')).toMatchObject({ ok: false, reason: expect.stringMatching(/unknown cause "segfault"/) });
    expect(parseLiveLoopPolicy('auth_error=kill')).toMatchObject({ ok: false, reason: expect.stringMatching(/unknown action "kill"/) });
    expect(parseLiveLoopPolicy('auth_error')).toMatchObject({ ok: false, reason: expect.stringMatching(/not cause=action/) });
    expect(parseLiveLoopPolicy('auth_error=stop,auth_error=escalate')).toMatchObject({ ok: false, reason: expect.stringMatching(/named twice/) });
  });

  it('refuses to start with a bad policy, naming the variable', () => {
    expect(() => loadConfig({ LIVE_LOOP_POLICY: 'auth_error=kill' })).toThrow(ConfigError);
    expect(() => loadConfig({ LIVE_LOOP_POLICY: 'auth_error=kill' })).toThrow(/LIVE_LOOP_POLICY: unknown action "kill"/);
    expect(loadConfig({ LIVE_LOOP_POLICY: 'auth_error=stop' }).LIVE_LOOP_POLICY).toEqual({ auth_error: 'stop' });
    expect(loadConfig({}).LIVE_LOOP_POLICY).toBeUndefined();
  });
});
