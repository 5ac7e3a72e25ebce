/**
 * An answer of the smart-reap HTTP API that was not 2xx. A 409 tells a runner it is fenced (reaped,
 * cancelled, or no longer the task's runner): whatever it does next changes nothing, so it must stop.
 */
export class RunnerApiError extends Error {
  override readonly name = 'RunnerApiError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    /** The server's `error` field, or the start of its answer when it sent no JSON. */
    readonly serverMessage: string,
    /** The server's `code` field where it gives one (`runner_fenced`, `lease_invalid`, …). */
    readonly code?: string,
  ) {
    super(`${method} ${path} answered ${status}: ${serverMessage}`);
  }

  get isFenced(): boolean {
    return this.status === 409;
  }
}
