/**
 * A call that does not prove it comes from the task's own runner (no lease, a lease that was never
 * this task's, or a runner id the lease was not given to): the HTTP API answers 403.
 */
export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
  constructor(
    message: string,
    readonly code: 'lease_missing' | 'lease_invalid' | 'runner_mismatch',
    /** The request field at fault. */
    readonly field: 'lease' | 'runnerId' = 'lease',
  ) {
    super(message);
  }
}
