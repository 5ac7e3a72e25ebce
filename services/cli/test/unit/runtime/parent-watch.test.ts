import { describe, expect, it } from 'vitest';
import { watchParent } from '../../../src/runtime/parent-watch.js';

describe('watchParent', () => {
  it('calls back once when the parent pid changes, not before', async () => {
    let parent = 4242;
    const calls: Array<[number, number]> = [];
    const stop = watchParent((was, now) => calls.push([was, now]), { intervalMs: 10, parentPid: () => parent });
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toEqual([]);
    parent = 1;
    await new Promise((r) => setTimeout(r, 50));
    parent = 7;
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toEqual([[4242, 1]]);
    stop();
  });
});
