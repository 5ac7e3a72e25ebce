import { describe, expect, it } from 'vitest';
import { readDataMarker, readPersistence } from '../../src/domain/redis-durability.js';

describe('readPersistence', () => {
  it('appendonly no and save empty: keeps nothing', () => {
    expect(readPersistence('no', '')).toEqual({ keeps: false, why: 'appendonly is no and save is empty' });
  });
  it('an AOF, or RDB snapshots, or both: keeps its data', () => {
    expect(readPersistence('yes', '')).toEqual({ keeps: true, how: 'an append-only file' });
    expect(readPersistence('no', '3600 1 300 100')).toEqual({ keeps: true, how: 'RDB snapshots (save 3600 1 300 100)' });
    expect(readPersistence('yes', '60 1').keeps).toBe(true);
  });
  it('CONFIG refused: cannot tell', () => {
    expect(readPersistence(undefined, '')).toMatchObject({ keeps: 'unknown', why: expect.stringMatching(/cannot tell/) });
  });
});

describe('readDataMarker', () => {
  it('marker there: intact; gone with tasks known: data loss; gone with none: emptied', () => {
    expect(readDataMarker({ markerPresent: true, knownTasks: 5 })).toBe('intact');
    expect(readDataMarker({ markerPresent: false, knownTasks: 5 })).toBe('data-loss');
    expect(readDataMarker({ markerPresent: false, knownTasks: 0 })).toBe('emptied');
  });
});
