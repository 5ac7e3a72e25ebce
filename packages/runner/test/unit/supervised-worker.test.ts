import { describe, expect, it } from 'vitest';
import { progressOf, redisUrlOf, runtimeOfThisProcess } from '../../src/index.js';

describe('SupervisedWorker helpers', () => {
  it("maps BullMQ progress (a ratio, or {ratio, partialOutput}) onto a task's, and leaves anything else to BullMQ", () => {
    expect(progressOf(0.3)).toEqual({ ratio: 0.3 });
    expect(progressOf({ ratio: 1, partialOutput: 'all' })).toEqual({ ratio: 1, partialOutput: 'all' });
    expect(progressOf(42)).toBeUndefined();
    expect(progressOf({ step: 'download' })).toBeUndefined();
  });

  it('names its pod under the downward API, else its own process', () => {
    expect(runtimeOfThisProcess({ POD_NAME: 'w-1', POD_NAMESPACE: 'jobs' })).toEqual({ type: 'kubernetes', ref: 'jobs/w-1' });
    expect(runtimeOfThisProcess({ POD_NAME: 'w-1' })).toEqual({ type: 'process', ref: '' });
  });

  it("reads the task store's URL from BullMQ's connection options", () => {
    expect(redisUrlOf({ host: 'redis', port: 6380 })).toBe('redis://redis:6380/0');
    expect(redisUrlOf({ host: 'r', password: 'p@ss', username: 'u', db: 2, tls: {} })).toBe('rediss://u:p%40ss@r:6379/2');
  });
});
