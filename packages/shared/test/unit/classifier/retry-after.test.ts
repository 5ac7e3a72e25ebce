import { describe, expect, it } from 'vitest';
import { parseRetryAfterMs } from '../../../src/domain/classifier/index.js';

const NOW = Date.parse('2026-11-20T10:00:00Z');

describe('parseRetryAfterMs', () => {
  it.each([
    ['retry-after: 20', 20_000],
    ['Retry-After: 27', 27_000],
    ["'retry-after': '27', 'x-request-id': 'abc'", 27_000],
    ['retry-after-ms: 4200', 4200],
    ['Rate limit reached for gpt-4o. Please try again in 4.626s. Visit https://platform.openai.com', 4626],
    ['Please try again in 20ms.', 20],
    ['Please try again in 6m0s.', 360_000],
    ['Please retry in 1m30s', 90_000],
    ['retry after 30 seconds', 30_000],
    ['Retrying in 38 seconds… (attempt 10/10)', 38_000],
    ['INFO anthropic._base_client: Retrying request to /v1/messages in 19.000000 seconds', 19_000],
    ['x-ratelimit-reset-requests: 120ms', 120],
    ['x-ratelimit-reset-tokens: 6m0s', 360_000],
    ['anthropic-ratelimit-input-tokens-reset: 2026-11-20T10:00:30Z', 30_000],
    [`x-ratelimit-reset: ${NOW / 1000 + 60}`, 60_000],
    ["{'@type': 'type.googleapis.com/google.rpc.RetryInfo', 'retryDelay': '31s'}", 31_000],
    ['"retryDelay": "30s"', 30_000],
    ['retry_delay { seconds: 45 }', 45_000],
    ['Retry-After: Fri, 20 Nov 2026 10:01:00 GMT', 60_000],
  ])('%s → %d ms', (tail, ms) => {
    expect(parseRetryAfterMs(tail, NOW)).toBe(ms);
  });

  it('gives undefined when the tail names no wait', () => {
    expect(parseRetryAfterMs('HTTP/1.1 429 Too Many Requests', NOW)).toBeUndefined();
    expect(parseRetryAfterMs('', NOW)).toBeUndefined();
    expect(parseRetryAfterMs('retry 3 times then give up', NOW)).toBeUndefined();
  });

  it('never gives a negative wait for a reset already past', () => {
    expect(parseRetryAfterMs('anthropic-ratelimit-requests-reset: 2026-11-20T09:59:00Z', NOW)).toBe(0);
  });

  it('prefers an explicit retry-after to a window reset next to it', () => {
    const headers = ['retry-after: 60', 'x-ratelimit-reset-requests: 58s', 'x-ratelimit-reset-tokens: 2s'].join('\n');
    expect(parseRetryAfterMs(headers, NOW)).toBe(60_000);
  });

  it('takes the longest of several window resets', () => {
    expect(parseRetryAfterMs('x-ratelimit-reset-requests: 1s\nx-ratelimit-reset-tokens: 6m0s', NOW)).toBe(360_000);
  });

  it('reads the hint of the final error, not of one retried long before', () => {
    const tail = [
      'WARN 429, Retry-After: 120',
      ...Array.from({ length: 30 }, (_, i) => `INFO turn ${i} complete`),
      'ERROR 429 Too Many Requests. Please try again in 5s.',
    ].join('\n');
    expect(parseRetryAfterMs(tail, NOW)).toBe(5000);
  });
});
