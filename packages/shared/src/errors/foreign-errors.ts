/**
 * The only place errors are told apart by their `name`. Every error class of ours, and every class a
 * library exports, is matched with `instanceof`; these are the errors that have no class to match:
 * - `AbortError` / `TimeoutError`: the platform signals them as `DOMException`s (AbortSignal.timeout,
 *   `controller.abort(reason)`, fetch) or as Node's internal `AbortError` (child_process with a
 *   signal), a class Node does not export. The `name` is their documented identity.
 * - `MaxRetriesPerRequestError`: ioredis defines the class but does not export it from its package
 *   entry; its other "the connection is gone" failures are plain `Error`s known only by message.
 */

function nameOf(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}

/** An operation given up because its AbortSignal fired or its time ran out. */
export function isAbortOrTimeout(err: unknown): boolean {
  const name = nameOf(err);
  return name === 'AbortError' || name === 'TimeoutError';
}

/** A signal's own abort (not a time-out): the caller stopped the operation. */
export function isAbort(err: unknown): boolean {
  return nameOf(err) === 'AbortError';
}

/** A time-out: `AbortSignal.timeout()` fired, or a caller aborted with a `TimeoutError` reason. */
export function isTimeout(err: unknown): boolean {
  return nameOf(err) === 'TimeoutError';
}

const REDIS_GONE = /Connection is closed|Stream isn't writeable|enableOfflineQueue/;

/** Redis could not be reached (ioredis gave up or the connection is closed): nothing was written. */
export function isStoreUnavailable(err: unknown): boolean {
  return nameOf(err) === 'MaxRetriesPerRequestError' || REDIS_GONE.test(String((err as Error | undefined)?.message));
}
