import { randomBytes } from 'node:crypto';
import { configWith, type Config } from '@smart-reap/shared';

/**
 * The demo's settings: the real defaults sped up so that every scenario ends within about 30 s.
 * Only REDIS_URL, NODE_NAME and LOG_LEVEL come from the environment; the timings are the demo's
 * own, since its scenarios are timed against them (scenarios.ts).
 */
export const DEMO_SETTINGS = {
  TICK_MS: 100,
  PROBE_INTERVAL_MS: 500,
  PROBE_TIMEOUT_MS: 2000,
  HEARTBEAT_GRACE_MS: 15_000,
  MAX_EXTENSIONS: 2,
  BACKOFF_BASE_MS: 500,
  // The deaths are spread out so the breaker never trips; should a loaded machine bunch them up, a
  // held death is acted on after 5 s rather than 60.
  MASS_DEATH_HOLD_MS: 5000,
  DEFAULT_MAX_AGE_MINUTES: 1,
  RESUME_MIN_RATIO: 0.2,
  DRY_RUN: false,
} as const;

/** The runners' own rhythm. */
export const RUNNER_TIMING = {
  beatMs: 1000,
  stepMs: 500,
  blockMs: 9000,
  /** The fake provider's retry-after, in seconds: the rate-limited task's retry waits for it. */
  retryAfterSeconds: 3,
} as const;

/** How long the demo may run before it gives up on what has not ended. */
export const DEMO_TIME_LIMIT_MS = 80_000;

/** A key prefix of the demo's own: it never touches another deployment's keys, and removes its own. */
export function demoKeyPrefix(): string {
  return `sr-demo-${randomBytes(4).toString('hex')}`;
}

export interface DemoConfigInput {
  env: NodeJS.ProcessEnv;
  port: number;
  keyPrefix: string;
}

/** The validated config of the demo's stack; a bad REDIS_URL or NODE_NAME throws ConfigError. */
export function demoConfig(i: DemoConfigInput): Config {
  const fromEnv = (name: 'REDIS_URL' | 'NODE_NAME') => (i.env[name] ? { [name]: i.env[name] } : {});
  return configWith({
    ...DEMO_SETTINGS,
    ...fromEnv('REDIS_URL'),
    ...fromEnv('NODE_NAME'),
    KEY_PREFIX: i.keyPrefix,
    PORT: i.port,
    LOG_LEVEL: 'silent',
  });
}
