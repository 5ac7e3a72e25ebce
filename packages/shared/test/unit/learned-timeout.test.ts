import { describe, expect, it } from 'vitest';
import { effectiveMaxAge, learnedTimeout, percentile } from '@smart-reap/shared';

const settings = { defaultMaxAgeMinutes: 30, minMaxAgeMinutes: 1 };
const minutes = (m: number) => m * 60_000;

describe('learned timeouts (DESIGN §8)', () => {
  it('learns nothing under 5 completed attempts', () => {
    expect(learnedTimeout([2000, 2000, 2000, 2000], settings).learnedMaxAgeMinutes).toBeUndefined();
    expect(learnedTimeout([2000, 2000, 2000, 2000, 2000], settings).learnedMaxAgeMinutes).toBe(1);
  });

  it('a kind that takes ~2 s gets the floor, not the default', () => {
    const r = learnedTimeout(Array.from({ length: 30 }, (_, i) => 1800 + i * 10), settings);
    expect(r.learnedMaxAgeMinutes).toBe(settings.minMaxAgeMinutes);
  });

  it('a slow kind gets more than the default, never past 3 × default', () => {
    const slow = learnedTimeout(Array.from({ length: 10 }, () => minutes(40)), settings);
    expect(slow.learnedMaxAgeMinutes).toBe(60);
    const slower = learnedTimeout(Array.from({ length: 10 }, () => minutes(100)), settings);
    expect(slower.learnedMaxAgeMinutes).toBe(90);
  });

  it('one outlier in 30 does not move the p90', () => {
    const base = Array.from({ length: 30 }, (_, i) => minutes(10) + i * 1000);
    const withOutlier = [...base.slice(0, 29), minutes(600)];
    expect(learnedTimeout(withOutlier, settings).p90Ms).toBe(learnedTimeout(base, settings).p90Ms);
  });

  it('looks at the newest 30 only', () => {
    const newest = Array.from({ length: 30 }, () => minutes(2));
    const old = Array.from({ length: 30 }, () => minutes(80));
    expect(learnedTimeout([...newest, ...old], settings).learnedMaxAgeMinutes).toBe(3);
  });

  it('nearest-rank percentile', () => {
    expect(percentile([], 0.9)).toBeUndefined();
    expect(percentile([5], 0.9)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
  });

  it("the task's own window wins; a continuation gets 1.5 × the kind's", () => {
    expect(effectiveMaxAge({ maxAgeMinutes: 7 }, 2, 30)).toBe(7);
    expect(effectiveMaxAge({}, 2, 30)).toBe(2);
    expect(effectiveMaxAge({ parentId: 'p' }, 2, 30)).toBe(3);
    expect(effectiveMaxAge({ parentId: 'p' }, undefined, 30)).toBe(45);
  });
});
