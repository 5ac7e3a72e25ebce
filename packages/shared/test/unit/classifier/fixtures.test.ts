import { describe, expect, it } from 'vitest';
import { loadFixtures } from '../../../../../bench/classify/fixtures.js';
import { classify } from '../../../src/domain/classifier/index.js';
import { CRASH_TYPES } from '../../../src/schemas/diagnosis.js';

const fixtures = loadFixtures();

describe('crash-tail fixtures', () => {
  it('has at least 6 fixtures for every crash type', () => {
    for (const crashType of CRASH_TYPES) {
      expect(fixtures.filter((f) => f.expected === crashType).length, crashType).toBeGreaterThanOrEqual(6);
    }
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, f) => {
    const result = classify({
      tail: f.tail,
      ...(f.exitCode !== undefined ? { exitCode: f.exitCode } : {}),
      ...(f.signal !== undefined ? { signal: f.signal } : {}),
    });
    expect(result.crashType).toBe(f.expected);
  });
});
