import { isTimeout } from '@smart-reap/shared';
import { RunnerApiError } from './client/runner-api-error.js';

/** One line for a person: what the API answered, or why it could not be reached. */
export function describeApiFailure(err: unknown, apiUrl: string): string {
  if (err instanceof RunnerApiError) return `the API answered ${err.status}: ${err.serverMessage}`;
  if (isTimeout(err)) return `the API at ${apiUrl} did not answer in time`;
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  // fetch reports an unreachable server as a TypeError whose cause is the socket's error.
  if (err instanceof TypeError && e.cause) return `cannot reach the API at ${apiUrl} (${e.cause.code ?? e.cause.message ?? 'network error'})`;
  return `${e?.message ?? String(err)}`;
}

/** Worth another try: not reached, timed out, or a 5xx / 408 / 429. A 4xx refusal would answer the same again. */
export function isTransient(err: unknown): boolean {
  if (err instanceof RunnerApiError) return err.status >= 500 || err.status === 408 || err.status === 429;
  return true;
}

/** Retries a call on transient failures with doubling pauses; the last failure is thrown. */
export async function withRetries<T>(call: () => Promise<T>, attempts = 4, firstPauseMs = 250): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (err) {
      if (i >= attempts || !isTransient(err)) throw err;
      await new Promise((r) => setTimeout(r, firstPauseMs * 2 ** (i - 1)));
    }
  }
}
