/** The environment (or the overrides given) does not make a valid configuration; the message names every field at fault. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
