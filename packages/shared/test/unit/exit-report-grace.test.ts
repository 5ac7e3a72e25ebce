import { describe, expect, it } from 'vitest';
import { readExitReport } from '../../src/domain/exit-report-grace.js';

describe('readExitReport: a runner found gone, read by its reporter', () => {
  const graceMs = 10_000;
  it('reporter alive, first look: unknown, and the grace starts now', () => {
    expect(readExitReport({ reporterAlive: true, firstSeenGoneAt: undefined, now: 5000, graceMs })).toMatchObject({ processState: 'unknown', goneSince: 5000 });
  });
  it('reporter alive, within the grace: still unknown since the first look', () => {
    expect(readExitReport({ reporterAlive: true, firstSeenGoneAt: 5000, now: 14_999, graceMs })).toMatchObject({ processState: 'unknown', goneSince: 5000 });
  });
  it('reporter alive, grace ran out: dead', () => {
    const r = readExitReport({ reporterAlive: true, firstSeenGoneAt: 5000, now: 15_000, graceMs });
    expect(r.processState).toBe('dead');
    expect(r.why).toMatch(/not reported the exit within 10000 ms/);
  });
  it('reporter gone: dead at once, whatever the grace', () => {
    expect(readExitReport({ reporterAlive: false, firstSeenGoneAt: undefined, now: 0, graceMs }).processState).toBe('dead');
  });
});
