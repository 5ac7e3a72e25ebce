import { describe, expect, it } from 'vitest';
import { classify } from '@smart-reap/shared';
import { Lines, parseControlLine } from '../../src/control-channel.js';
import { exitLine, shouldTellExit } from '../../src/demo-runner.js';
import { LogPump } from '../../src/log-pump.js';
import { taskFixture } from '../../../../test/support/task-fixture.js';

describe('parseControlLine', () => {
  it('reads the three messages and ignores anything else', () => {
    expect(parseControlLine('{"t":"beat"}')).toEqual({ t: 'beat' });
    expect(parseControlLine('{"t":"progress","ratio":0.5,"partial":"abc"}')).toEqual({ t: 'progress', ratio: 0.5, partial: 'abc' });
    expect(parseControlLine('{"t":"done","chars":12}')).toEqual({ t: 'done', chars: 12 });
    expect(parseControlLine('{"t":"progress","ratio":2}')).toBeUndefined();
    expect(parseControlLine('{"t":"nope"}')).toBeUndefined();
    expect(parseControlLine('not json')).toBeUndefined();
  });
});

describe('Lines', () => {
  it('splits chunks into lines, keeps a partial line for later, and cuts long ones', () => {
    const got: string[] = [];
    const lines = new Lines((l) => got.push(l), 5);
    lines.push('ab\r\ncd');
    lines.push('e\nabcdefgh\nx');
    expect(got).toEqual(['ab', 'cde', 'abcde…']);
    lines.end();
    expect(got).toEqual(['ab', 'cde', 'abcde…', 'x']);
  });
});

describe('LogPump', () => {
  it('holds lines until opened, then sends them in order, one call at a time', async () => {
    const calls: string[][] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const pump = new LogPump(async (lines) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      calls.push(lines);
      inFlight--;
    });
    pump.push('a');
    pump.push('b');
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toEqual([]);
    pump.open();
    pump.push('c');
    await new Promise((r) => setTimeout(r, 1));
    pump.push('d');
    await pump.flush();
    expect(calls.flat()).toEqual(['a', 'b', 'c', 'd']);
    expect(maxInFlight).toBe(1);
  });

  it('reports a failed call and goes on with the next lines', async () => {
    const errors: unknown[] = [];
    const sent: string[] = [];
    let first = true;
    const pump = new LogPump(
      async (lines) => {
        if (first) {
          first = false;
          throw new Error('down');
        }
        sent.push(...lines);
      },
      (e) => errors.push(e),
    );
    pump.open();
    pump.push('lost');
    await pump.flush();
    pump.push('kept');
    await pump.flush();
    expect(errors).toHaveLength(1);
    expect(sent).toEqual(['kept']);
  });
});

describe('exitLine', () => {
  it('says how the process ended, as a supervisor would, in words the classifier reads', () => {
    expect(exitLine(42, { code: 1, signal: null })).toBe('[demo runner] pid 42 exited with code 1');
    const killed = exitLine(42, { code: null, signal: 'SIGKILL' });
    expect(killed).toBe('[demo runner] pid 42 was killed by signal SIGKILL (exit code 137)');
    expect(classify({ tail: `indexing batch 4\n${killed}\n` }).crashType).toBe('killed');
    expect(classify({ tail: `tokenizing\n${exitLine(7, { code: null, signal: 'SIGSEGV' })}\n` }).crashType).toBe('segfault');
  });
});

describe('shouldTellExit', () => {
  const mine = { runnerId: 'r1', attempt: 1 };
  const running = taskFixture({ runner: { runnerId: 'r1', runtime: { type: 'process', ref: '' }, claimedAt: 0 } });

  it('tells the exit of its own running attempt, also when the reaper found the death first', () => {
    expect(shouldTellExit(running, mine, 100)).toBe(true);
    expect(shouldTellExit({ ...running, reap: { at: 150, by: 'reaper', reason: 'runner gone' } }, mine, 100)).toBe(true);
    expect(shouldTellExit(undefined, mine, 100)).toBe(true);
  });

  it('keeps quiet when the reaper stopped the runner (its SIGTERM is not the cause), or the attempt is no longer its own', () => {
    expect(shouldTellExit({ ...running, reap: { at: 90, by: 'reaper', reason: 'stuck' } }, mine, 100)).toBe(false);
    expect(shouldTellExit({ ...running, status: 'CANCELLED' }, mine, 100)).toBe(false);
    expect(shouldTellExit({ ...running, attempt: 2 }, mine, 100)).toBe(false);
    expect(shouldTellExit(running, { runnerId: 'r2', attempt: 1 }, 100)).toBe(false);
  });
});
