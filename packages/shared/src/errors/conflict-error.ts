/** A refused transition, or a call for an attempt that has ended: the HTTP API answers 409. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor(
    message: string,
    readonly code: 'transition_not_allowed' | 'runner_fenced' | 'contention',
  ) {
    super(message);
  }
}
