import { describe, expect, it } from 'vitest';
import { ConflictError, isAbort, isAbortOrTimeout, isStoreUnavailable, isTimeout } from '@smart-reap/shared';

describe('errors known only by name', () => {
  it('tells a signal abort from a time-out', async () => {
    const aborted = new AbortController();
    aborted.abort();
    const timedOut = await new Promise<unknown>((resolve) => {
      const s = AbortSignal.timeout(1);
      s.addEventListener('abort', () => resolve(s.reason));
    });
    expect([isAbort(aborted.signal.reason), isTimeout(aborted.signal.reason)]).toEqual([true, false]);
    expect([isAbort(timedOut), isTimeout(timedOut)]).toEqual([false, true]);
    expect(isAbortOrTimeout(aborted.signal.reason) && isAbortOrTimeout(timedOut)).toBe(true);
    expect(isAbortOrTimeout(new Error('boom'))).toBe(false);
    expect(isAbortOrTimeout('AbortError')).toBe(false);
  });

  it('knows a store that cannot be reached, and nothing else', () => {
    const maxRetries = Object.assign(new Error('Reached the max retries per request limit'), { name: 'MaxRetriesPerRequestError' });
    expect(isStoreUnavailable(maxRetries)).toBe(true);
    expect(isStoreUnavailable(new Error('Connection is closed.'))).toBe(true);
    expect(isStoreUnavailable(new ConflictError('refused', 'contention'))).toBe(false);
    expect(isStoreUnavailable(undefined)).toBe(false);
  });

  it('gives our own classes a stable name', () => {
    expect(new ConflictError('x', 'contention').name).toBe('ConflictError');
  });
});
