/** Input that parses but cannot be accepted (a claim's `host` no prober serves): the HTTP API answers 400 naming the field. */
export class InvalidFieldError extends Error {
  override readonly name = 'InvalidFieldError';
  constructor(
    readonly field: string,
    readonly reason: string,
    /** Facts the caller needs to correct the input (the registered hosts, say). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(`${field}: ${reason}`);
  }
}
