import { describe, expect, it } from 'vitest';
import { parsePaneLine } from '../../src/tmux/tmux-client.js';

describe('list-panes lines', () => {
  it('reads live panes, dead panes with an exit status, and dead panes with a signal', () => {
    expect(parsePaneLine('0.0 1234 0  ')).toEqual({ index: '0.0', pid: 1234, dead: false });
    expect(parsePaneLine('1.2 99 1 1 ')).toEqual({ index: '1.2', pid: 99, dead: true, deadStatus: 1 });
    expect(parsePaneLine('0.0 99 1  9')).toEqual({ index: '0.0', pid: 99, dead: true, deadSignal: 9 });
  });

  it('rejects lines it does not understand rather than guess', () => {
    expect(() => parsePaneLine('garbage')).toThrow(/unexpected list-panes line/);
    expect(() => parsePaneLine('0.0 x 0')).toThrow(/unexpected list-panes line/);
  });
});
