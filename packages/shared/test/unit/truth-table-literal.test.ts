import { describe, expect, it } from 'vitest';
import { decide, nextRoundCounters, type DecideInput } from '@smart-reap/shared';

/**
 * DESIGN §4's table, row by row, written out by hand: no function here computes an expectation.
 * maxExtensions is 2 throughout; `ext` is extensions used; `u`/`c` the unknown and contradiction
 * round counters as the decide step passes them (this round included).
 */
type Row = [
  runtime: DecideInput['runtime'],
  process: DecideInput['process'],
  heartbeat: 'fresh' | 'stale',
  due: 'due' | 'not-due',
  ext: number,
  u: number,
  c: number,
  runtimeType: DecideInput['runtimeType'],
  action: string,
  crashHint?: 'timeout' | 'unknown',
];

// prettier-ignore
const ROWS: Row[] = [
  // alive / alive: working, extended while extensions remain, then escalated (beating) or stopped (silent)
  ['alive',   'alive',   'fresh', 'not-due', 0, 0, 0, 'process',    'none'],
  ['alive',   'alive',   'fresh', 'not-due', 2, 0, 0, 'process',    'none'],
  ['alive',   'alive',   'fresh', 'due',     0, 0, 0, 'process',    'extend'],
  ['alive',   'alive',   'fresh', 'due',     1, 0, 0, 'process',    'extend'],
  ['alive',   'alive',   'fresh', 'due',     2, 0, 0, 'process',    'escalate'],
  ['alive',   'alive',   'fresh', 'due',     2, 0, 0, 'http',       'escalate'],
  ['alive',   'alive',   'fresh', 'due',     2, 0, 0, 'heartbeat',  'escalate'],
  ['alive',   'alive',   'stale', 'not-due', 0, 0, 0, 'process',    'none'],
  ['alive',   'alive',   'stale', 'not-due', 2, 0, 0, 'process',    'none'],
  ['alive',   'alive',   'stale', 'due',     0, 0, 0, 'process',    'extend'],
  ['alive',   'alive',   'stale', 'due',     1, 0, 0, 'http',       'extend'],
  // stuck: stopped where it lives when the runtime can be stopped, else diagnosed at once
  ['alive',   'alive',   'stale', 'due',     2, 0, 0, 'process',    'stop',     'timeout'],
  ['alive',   'alive',   'stale', 'due',     2, 0, 0, 'tmux',       'stop',     'timeout'],
  ['alive',   'alive',   'stale', 'due',     2, 0, 0, 'kubernetes', 'stop',     'timeout'],
  ['alive',   'alive',   'stale', 'due',     2, 0, 0, 'http',       'diagnose', 'timeout'],
  ['alive',   'alive',   'stale', 'due',     2, 0, 0, 'heartbeat',  'diagnose', 'timeout'],
  // process dead: diagnosed whatever the heartbeat, deadline or runtime says
  ['alive',   'dead',    'fresh', 'not-due', 0, 0, 0, 'process',    'diagnose'],
  ['alive',   'dead',    'stale', 'due',     2, 0, 0, 'tmux',       'diagnose'],
  ['alive',   'dead',    'fresh', 'not-due', 0, 0, 0, 'http',       'diagnose'],
  ['dead',    'dead',    'fresh', 'not-due', 0, 0, 0, 'kubernetes', 'diagnose'],
  ['dead',    'dead',    'stale', 'due',     1, 0, 0, 'process',    'diagnose'],
  // contradiction (runtime dead, process alive): probed again, escalated from the third round
  ['dead',    'alive',   'stale', 'not-due', 0, 0, 1, 'process',    'reprobe'],
  ['dead',    'alive',   'stale', 'due',     2, 0, 2, 'process',    'reprobe'],
  ['dead',    'alive',   'stale', 'due',     2, 0, 3, 'process',    'escalate'],
  ['dead',    'alive',   'fresh', 'not-due', 0, 0, 3, 'tmux',       'escalate'],
  ['dead',    'alive',   'fresh', 'not-due', 0, 0, 7, 'process',    'escalate'],
  // an unknown axis: skipped while the heartbeat is fresh; lost from the third stale round
  ['unknown', 'alive',   'fresh', 'due',     2, 5, 0, 'process',    'skip'],
  ['alive',   'unknown', 'fresh', 'not-due', 0, 0, 0, 'process',    'skip'],
  ['unknown', 'unknown', 'fresh', 'due',     2, 0, 0, 'heartbeat',  'skip'],
  ['unknown', 'alive',   'stale', 'not-due', 0, 1, 0, 'process',    'skip'],
  ['unknown', 'alive',   'stale', 'due',     2, 2, 0, 'process',    'skip'],
  ['unknown', 'alive',   'stale', 'not-due', 0, 3, 0, 'process',    'diagnose', 'unknown'],
  ['alive',   'unknown', 'stale', 'not-due', 0, 3, 0, 'tmux',       'diagnose', 'unknown'],
  ['unknown', 'unknown', 'stale', 'not-due', 0, 3, 0, 'heartbeat',  'diagnose', 'unknown'],
  ['unknown', 'unknown', 'stale', 'due',     2, 4, 0, 'http',       'diagnose', 'unknown'],
  // unknown wins over a dead axis: a death is acted on only when both axes were read
  ['unknown', 'dead',    'stale', 'not-due', 0, 1, 0, 'process',    'skip'],
  ['unknown', 'dead',    'stale', 'not-due', 0, 3, 0, 'process',    'diagnose', 'unknown'],
  ['dead',    'unknown', 'fresh', 'due',     2, 0, 0, 'process',    'skip'],
  // the two counters are read apart: each only for its own case
  ['unknown', 'alive',   'stale', 'not-due', 0, 1, 9, 'process',    'skip'],
  ['dead',    'alive',   'stale', 'not-due', 0, 9, 1, 'process',    'reprobe'],
  ['alive',   'alive',   'stale', 'not-due', 0, 9, 9, 'process',    'none'],
];

describe('truth table, literal (DESIGN §4)', () => {
  it.each(ROWS.map((r) => [r.slice(0, 8).join(' ') + ' → ' + r.slice(8).join(' '), r] as const))('%s', (_, row) => {
    const [runtime, process, heartbeat, due, extensions, unknownRounds, contradictionRounds, runtimeType, action, crashHint] = row;
    const out = decide({
      runtime,
      process,
      heartbeatFresh: heartbeat === 'fresh',
      due: due === 'due',
      extensions,
      maxExtensions: 2,
      unknownRounds,
      contradictionRounds,
      runtimeType,
    });
    expect(out.action).toBe(action);
    expect('crashHint' in out ? out.crashHint : undefined).toBe(crashHint);
  });
});

describe('round counters (DESIGN §4), apart from the table', () => {
  it('the unknown counter counts unknown rounds with a stale heartbeat, and nothing else', () => {
    expect(nextRoundCounters(undefined, 'unknown', 'alive', false)).toEqual({ unknownRounds: 1, contradictionRounds: 0 });
    expect(nextRoundCounters({ unknownRounds: 2, contradictionRounds: 0 }, 'alive', 'unknown', false)).toEqual({ unknownRounds: 3, contradictionRounds: 0 });
    expect(nextRoundCounters({ unknownRounds: 2, contradictionRounds: 0 }, 'unknown', 'unknown', true)).toEqual({ unknownRounds: 0, contradictionRounds: 0 });
    expect(nextRoundCounters({ unknownRounds: 2, contradictionRounds: 0 }, 'alive', 'alive', false)).toEqual({ unknownRounds: 0, contradictionRounds: 0 });
  });

  it('the contradiction counter counts runtime-dead-process-alive rounds, fresh or stale', () => {
    expect(nextRoundCounters(undefined, 'dead', 'alive', false)).toEqual({ unknownRounds: 0, contradictionRounds: 1 });
    expect(nextRoundCounters({ unknownRounds: 0, contradictionRounds: 2 }, 'dead', 'alive', true)).toEqual({ unknownRounds: 0, contradictionRounds: 3 });
    expect(nextRoundCounters({ unknownRounds: 0, contradictionRounds: 2 }, 'dead', 'dead', false)).toEqual({ unknownRounds: 0, contradictionRounds: 0 });
  });

  it('one resets the moment its case ends, and does not touch the other', () => {
    expect(nextRoundCounters({ unknownRounds: 2, contradictionRounds: 0 }, 'dead', 'alive', false)).toEqual({ unknownRounds: 0, contradictionRounds: 1 });
    expect(nextRoundCounters({ unknownRounds: 0, contradictionRounds: 2 }, 'unknown', 'alive', false)).toEqual({ unknownRounds: 1, contradictionRounds: 0 });
  });
});
