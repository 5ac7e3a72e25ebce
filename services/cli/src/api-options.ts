import { InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig, type Config } from '@smart-reap/shared';

/** The configuration a client command needs (PORT, NODE_NAME, API_TOKEN); a bad value stops it with the reason. */
export function clientConfig(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/** `--api`: the API's base URL; a default from REAPER_API_URL, else the local API on `PORT`. */
export function apiUrlFor(option: string | undefined, env: NodeJS.ProcessEnv, config: Pick<Config, 'PORT'>): string {
  return option ?? (env.REAPER_API_URL || `http://127.0.0.1:${config.PORT}`);
}

export function parseApiUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('not a URL (for instance http://127.0.0.1:8080)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('an http:// or https:// URL');
  return value;
}

export function parsePositiveMs(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('a positive whole number of milliseconds');
  return n;
}

/** A positive whole number of ms from the environment, or undefined when unset; a bad value stops with its name. */
export function msFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    process.stderr.write(`invalid configuration:\n  ${name}: a positive whole number of milliseconds, not ${JSON.stringify(raw)}\n`);
    process.exit(1);
  }
  return n;
}
