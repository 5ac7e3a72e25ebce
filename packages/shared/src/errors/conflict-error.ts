/** A refused transition or a runner that is not the task's: the HTTP API answers 409. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor(
    message: string,
    readonly code: 'transition_not_allowed' | 'not_current_runner' | 'runner_fenced' | 'contention',
  ) {
    super(message);
  }
}
