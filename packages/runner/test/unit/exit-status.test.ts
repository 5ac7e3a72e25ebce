import { describe, expect, it } from 'vitest';
import { describeExit, exitCodeOf, signalExitCode } from '../../src/exit-status.js';

describe('exit status', () => {
  it('mirrors an exit code, and a signal as 128 + its number', () => {
    expect(exitCodeOf({ code: 0, signal: null })).toBe(0);
    expect(exitCodeOf({ code: 3, signal: null })).toBe(3);
    expect(exitCodeOf({ code: null, signal: 'SIGSEGV' })).toBe(139);
    expect(exitCodeOf({ code: null, signal: 'SIGKILL' })).toBe(137);
    expect(signalExitCode('SIGINT')).toBe(130);
    expect(signalExitCode('SIGTERM')).toBe(143);
  });

  it('says what happened', () => {
    expect(describeExit({ code: 3, signal: null })).toBe('exited with code 3');
    expect(describeExit({ code: null, signal: 'SIGSEGV' })).toBe('was killed by SIGSEGV');
  });
});
