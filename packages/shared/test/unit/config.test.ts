import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@smart-reap/shared';

describe('config', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      KEY_PREFIX: 'sr',
      TICK_MS: 250,
      PROBE_INTERVAL_MS: 1000,
      PROBE_TIMEOUT_MS: 2000,
      HEARTBEAT_GRACE_MS: 90_000,
      MAX_EXTENSIONS: 2,
      RESUME_MIN_RATIO: 0.2,
      RECOVERY_STRATEGIES: ['resume-partial', 'fail-and-reassign'],
      MASS_DEATH_HOLD_MS: 60_000,
      DRY_RUN: false,
    });
  });

  it('reads booleans as words, not as truthy strings', () => {
    expect(loadConfig({ DRY_RUN: 'false' }).DRY_RUN).toBe(false);
    expect(loadConfig({ DRY_RUN: 'true' }).DRY_RUN).toBe(true);
  });

  it('names the variable and the reason when a value is bad', () => {
    expect(() => loadConfig({ TICK_MS: 'soon' })).toThrow(ConfigError);
    expect(() => loadConfig({ TICK_MS: 'soon' })).toThrow(/TICK_MS/);
    expect(() => loadConfig({ DRY_RUN: 'maybe' })).toThrow(/DRY_RUN/);
    expect(() => loadConfig({ RESUME_MIN_RATIO: '2' })).toThrow(/RESUME_MIN_RATIO/);
    expect(() => loadConfig({ REDIS_URL: 'not a url' })).toThrow(/REDIS_URL/);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ PORT: '' }).PORT).toBe(8080);
  });
});
