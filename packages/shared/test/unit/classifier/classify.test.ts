import { describe, expect, it } from 'vitest';
import { classify, RETRYABLE_BY_DEFAULT } from '../../../src/domain/classifier/index.js';
import { CRASH_TYPES } from '../../../src/schemas/diagnosis.js';

describe('classify: the result', () => {
  it('names the deciding lines as evidence, in log order', () => {
    const tail = [
      '2026-11-20 10:00:01,001 INFO agent: loading dataset',
      'Traceback (most recent call last):',
      '  File "/app/load.py", line 9, in <module>',
      '    blocks.append(bytearray(256 * 1024 * 1024))',
      'MemoryError',
    ].join('\n');
    const result = classify({ tail, exitCode: 1 });
    expect(result).toMatchObject({ crashType: 'oom', summary: 'Python ran out of memory (MemoryError)' });
    expect(result.evidence).toEqual(['MemoryError']);
    expect(result.confidence).toBeGreaterThan(0.9);
  });

  it('includes the exit status among the evidence when it decided', () => {
    const result = classify({ tail: '[indexer] processed batch 3/10', signal: 'SIGSEGV' });
    expect(result.crashType).toBe('segfault');
    expect(result.evidence).toEqual(['signal SIGSEGV']);
  });

  it('redacts secrets in the evidence and the summary', () => {
    const key = `sk-ant-api03-${'Ab3'.repeat(20)}`;
    const tail = `Error: 401 {"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key ${key}"}}`;
    const result = classify({ tail });
    expect(result.crashType).toBe('auth_error');
    expect(JSON.stringify(result)).not.toContain(key.slice(-20));
    expect(result.evidence[0]).toContain('sk-ant-[REDACTED]');
  });

  it("summarises a long structured line by the value that holds the cause, not by its first fields", () => {
    const line = JSON.stringify({
      type: 'result',
      subtype: 'success',
      is_error: true,
      duration_ms: 231877,
      num_turns: 14,
      session_id: '0d2c8e91-ab4f-37b5-e23c-7a18d4e9f0aa',
      total_cost_usd: 0.8412,
      result: 'API Error: Connection error.',
    });
    const result = classify({ tail: line, exitCode: 1 });
    expect(result.crashType).toBe('network_error');
    expect(result.summary).toBe('Network failure: API Error: Connection error.');
  });

  it('keeps the summary to one line and the evidence lines bounded', () => {
    const long = `Error: connect ECONNREFUSED 127.0.0.1:443 ${'x'.repeat(2000)}`;
    const result = classify({ tail: `${long}\n${long.replace('ECONNREFUSED', 'ECONNRESET')}` });
    expect(result.summary).not.toContain('\n');
    expect(result.summary.length).toBeLessThanOrEqual(200);
    for (const line of result.evidence) expect(line.length).toBeLessThanOrEqual(300);
  });

  it('gives the provider-requested wait for rate limits only', () => {
    const limited = classify({ tail: 'HTTP/1.1 429 Too Many Requests\nretry-after: 27\n{"type":"error","error":{"type":"rate_limit_error"}}' });
    expect(limited).toMatchObject({ crashType: 'rate_limited', retryAfterMs: 27_000 });
    const crashed = classify({ tail: 'retry-after: 27\nSegmentation fault (core dumped)' });
    expect(crashed.crashType).toBe('segfault');
    expect(crashed).not.toHaveProperty('retryAfterMs');
  });

  it('is less confident when two explanations compete', () => {
    const clear = classify({ tail: 'Error: connect ECONNREFUSED 127.0.0.1:443' });
    const mixed = classify({ tail: 'gh: API rate limit exceeded for user ID 1. (HTTP 403)' });
    expect(mixed.crashType).toBe('rate_limited');
    expect(mixed.confidence).toBeLessThan(clear.confidence);
  });

  it('names the runtime of an unhandled exception', () => {
    const node = '/app/x.js:3\n    throw new Error("boom");\n    ^\n\nError: boom\n    at Object.<anonymous> (/app/x.js:3:11)\n\nNode.js v20.18.0';
    expect(classify({ tail: node }).summary).toBe('Unhandled Node.js exception: Error: boom');
    const java = 'Exception in thread "main" java.lang.IllegalStateException: bad\n\tat A.main(A.java:3)';
    expect(classify({ tail: java }).summary).toBe('Unhandled Java exception in thread "main": java.lang.IllegalStateException: bad');
  });
});

describe('classify: nothing to go on', () => {
  it('an empty tail is unknown and says what the probe saw', () => {
    const result = classify({ tail: '', probeEvidence: ['pid 4242 gone', 'tmux session alive'] });
    expect(result).toEqual({
      crashType: 'unknown',
      confidence: 0.1,
      summary: 'no log output; probe saw: pid 4242 gone, tmux session alive',
      evidence: [],
    });
  });

  it('an empty tail without probe evidence says so', () => {
    expect(classify({ tail: '  \n\r\n' }).summary).toBe('no log output');
  });

  it('an empty tail with a telling exit status uses the exit status', () => {
    const result = classify({ tail: '', exitCode: 139, probeEvidence: ['pid 4242 gone'] });
    expect(result.crashType).toBe('segfault');
    expect(result.summary).toBe('The process crashed with a segmentation fault (SIGSEGV); no log output; probe saw: pid 4242 gone');
  });

  it('a tail with no known failure is unknown and quotes its last line', () => {
    const result = classify({ tail: '[indexer] processed 1200/5000 files\n[indexer] processed 1300/5000 files\n' });
    expect(result.crashType).toBe('unknown');
    expect(result.summary).toBe('No known failure in the last 2 log lines; last: [indexer] processed 1300/5000 files');
    expect(result.evidence).toEqual([]);
  });

  it('counts what the probe saw as evidence when there is a log', () => {
    const result = classify({ tail: '[agent] turn 4 complete', probeEvidence: ['container terminated: reason OOMKilled, exit code 137'] });
    expect(result.crashType).toBe('oom');
    expect(result.evidence).toEqual(['probe: container terminated: reason OOMKilled, exit code 137']);
  });

  it('stays fast on pathological lines (no quadratic backtracking)', () => {
    for (const tail of ['a.'.repeat(8000), `${'A.'.repeat(8000)}Error`, `${' '.repeat(16_000)}x`, 'key='.repeat(4000)]) {
      const started = performance.now();
      classify({ tail });
      expect(performance.now() - started).toBeLessThan(500);
    }
  });

  it("does not take the probes' own stopping of a stuck runner for the cause", () => {
    const result = classify({
      tail: '[agent] turn 4 complete',
      probeEvidence: [
        'SIGTERM sent to pid 4242 (node) and 2 descendants',
        'all exited within 120 ms of SIGTERM',
        'log source tmux: capture-pane timed out',
      ],
    });
    expect(result.crashType).toBe('unknown');
  });

  it('never throws on binary junk, NUL bytes or huge input', () => {
    const junk = String.fromCharCode(...Array.from({ length: 5000 }, (_, i) => (i * 131) % 256));
    expect(() => classify({ tail: junk })).not.toThrow();
    expect(() => classify({ tail: 'a\u0000b\uFFFD'.repeat(100_000) })).not.toThrow();
  });
});

describe('RETRYABLE_BY_DEFAULT', () => {
  it('covers every crash type', () => {
    expect(Object.keys(RETRYABLE_BY_DEFAULT).sort()).toEqual([...CRASH_TYPES].sort());
  });

  it('follows DESIGN §5: no plain retry for context overflow, bad credentials or a full disk', () => {
    const notRetryable = CRASH_TYPES.filter((t) => !RETRYABLE_BY_DEFAULT[t]);
    expect(notRetryable.sort()).toEqual(['auth_error', 'context_overflow', 'disk_full']);
  });
});
