import type { CrashType } from '../../schemas/diagnosis.js';

/**
 * DESIGN §5's last column: whether a plain retry of the same work may succeed. A context overflow
 * needs a continuation (a shorter prompt), not the same request again; bad credentials and a full
 * disk need a person.
 */
export const RETRYABLE_BY_DEFAULT: Readonly<Record<CrashType, boolean>> = {
  oom: true,
  segfault: true,
  panic: true,
  unhandled_exception: true,
  rate_limited: true,
  provider_overloaded: true,
  auth_error: false,
  context_overflow: false,
  network_error: true,
  disk_full: false,
  killed: true,
  timeout: true,
  unknown: true,
};
