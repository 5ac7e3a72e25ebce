import { describe, expect, it } from 'vitest';
import { createLogger } from '@smart-reap/shared';
import { closeAll, type Closable } from '../../../src/runtime/graceful-shutdown.js';

const logger = createLogger('test', 'silent');

/** Like a BullMQ worker over a Redis that is away: close() never settles, and close(true) returns that same promise. */
function memoizedHang(name: string, log: string[]): Closable {
  let closing: Promise<void> | undefined;
  return {
    name,
    close(force) {
      log.push(`${name} ${force ? 'force' : 'graceful'}`);
      closing ??= new Promise<void>(() => undefined);
      return closing;
    },
  };
}

function quick(name: string, log: string[]): Closable {
  return { name, close: async (force) => void log.push(`${name} ${force ? 'force' : 'graceful'}`) };
}

describe('closeAll', () => {
  it('a part whose close hangs, forced or not: done within the grace plus the force budget, the rest forced, the hung part abandoned', async () => {
    const log: string[] = [];
    const t0 = Date.now();
    const report = await closeAll([quick('board', log), memoizedHang('worker', log), quick('http', log)], { logger, graceMs: 300, forceMs: 100 });
    expect(Date.now() - t0).toBeLessThan(800);
    expect(log).toEqual(['board graceful', 'worker graceful', 'worker force', 'http force']);
    expect(report).toEqual({ forced: ['worker', 'http'], abandoned: ['worker'] });
  });

  it('a part that fails fast is forced and the others still close gracefully', async () => {
    const log: string[] = [];
    const failing: Closable = { name: 'bad', close: async (force) => (log.push(`bad ${force ? 'force' : 'graceful'}`), force ? undefined : Promise.reject(new Error('nope'))) };
    const report = await closeAll([failing, quick('http', log)], { logger, graceMs: 1000 });
    expect(log).toEqual(['bad graceful', 'bad force', 'http graceful']);
    expect(report).toEqual({ forced: ['bad'], abandoned: [] });
  });
});
