import type { ProbeResult } from '@smart-reap/shared';

/** Both axes unknown: nothing was seen either way (a probe that errs is never `dead`). */
export function unknownResult(...evidence: string[]): ProbeResult {
  return { runtimeState: 'unknown', processState: 'unknown', evidence };
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

