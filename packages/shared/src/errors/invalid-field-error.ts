/** Input that passed the schema but is refused on its meaning (a logRef outside LOG_ROOTS): the HTTP API answers 400 naming `field`. */
export class InvalidFieldError extends Error {
  override readonly name = 'InvalidFieldError';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}
