import type { AxisState, RuntimeType } from '../schemas/task.js';

/** Everything the decide step of DESIGN §4 looks at for one task in one round. */
export interface DecideInput {
  runtime: AxisState;
  process: AxisState;
  /** Heartbeat younger than HEARTBEAT_GRACE_MS. */
  heartbeatFresh: boolean;
  /** Now is past the task's deadline. */
  due: boolean;
  extensions: number;
  maxExtensions: number;
  /** Consecutive rounds with an `unknown` axis and a stale heartbeat, this one included. */
  unknownRounds: number;
  /** Consecutive rounds with runtime dead and process alive, this one included. */
  contradictionRounds: number;
  /** Where the runner lives: only some runtimes let a stuck runner be stopped there. */
  runtimeType: RuntimeType;
}

export type DecideOutcome =
  /** Working, or alive and not yet due: nothing to do this round. */
  | { action: 'none'; reason: string }
  | { action: 'extend'; reason: string }
  | { action: 'skip'; reason: string }
  | { action: 'reprobe'; reason: string }
  | { action: 'escalate'; reason: string }
  /** Stuck: stop the runner where it lives, then diagnose. */
  | { action: 'stop'; reason: string; crashHint: 'timeout' }
  /** `timeout`: stuck where it cannot be stopped (fenced only); `unknown`: lost; none: it died. */
  | { action: 'diagnose'; reason: string; crashHint?: 'unknown' | 'timeout' };

/** Rounds of contradiction or of unknown-and-stale before acting on them. */
export const ROUNDS_BEFORE_ACTING = 3;

/**
 * Runtimes whose runner can be stopped where it lives. An http or heartbeat runner has no handle
 * to stop it by: a stuck one is fenced and diagnosed at once.
 */
export const STOPPABLE_RUNTIMES: ReadonlySet<RuntimeType> = new Set(['process', 'tmux', 'kubernetes']);

/**
 * The truth table of DESIGN §4 as a pure function. A task whose heartbeat is fresh and whose
 * process is not confirmed dead is never stopped or diagnosed here.
 */
export function decide(input: DecideInput): DecideOutcome {
  const { runtime, process, heartbeatFresh, due } = input;
  const canExtend = input.extensions < input.maxExtensions;

  if (runtime === 'unknown' || process === 'unknown') {
    if (heartbeatFresh) return { action: 'skip', reason: 'probe inconclusive but heartbeat fresh: working as far as anyone can tell' };
    if (input.unknownRounds >= ROUNDS_BEFORE_ACTING) {
      return { action: 'diagnose', reason: `lost: ${input.unknownRounds} inconclusive rounds with a stale heartbeat`, crashHint: 'unknown' };
    }
    return { action: 'skip', reason: `probe inconclusive and heartbeat stale (round ${input.unknownRounds} of ${ROUNDS_BEFORE_ACTING})` };
  }

  if (runtime === 'dead' && process === 'alive') {
    if (input.contradictionRounds >= ROUNDS_BEFORE_ACTING) {
      return { action: 'escalate', reason: `contradiction: runtime dead but process alive for ${input.contradictionRounds} rounds` };
    }
    return { action: 'reprobe', reason: `contradiction: runtime dead but process alive (round ${input.contradictionRounds} of ${ROUNDS_BEFORE_ACTING})` };
  }

  if (process === 'dead') {
    return runtime === 'dead'
      ? { action: 'diagnose', reason: 'runner gone: runtime and process dead' }
      : { action: 'diagnose', reason: 'crashed inside a live runtime: process dead' };
  }

  // runtime alive, process alive
  if (heartbeatFresh) {
    if (!due) return { action: 'none', reason: 'working' };
    if (canExtend) return { action: 'extend', reason: `past deadline, alive and beating: extension ${input.extensions + 1} of ${input.maxExtensions}` };
    return { action: 'escalate', reason: `past deadline after ${input.maxExtensions} extensions, still alive and beating: needs a person` };
  }
  if (!due) return { action: 'none', reason: 'alive but silent, not yet due' };
  if (canExtend) return { action: 'extend', reason: `past deadline, alive but silent: extension ${input.extensions + 1} of ${input.maxExtensions}` };
  const reason = `stuck: past deadline after ${input.maxExtensions} extensions, alive but silent`;
  return STOPPABLE_RUNTIMES.has(input.runtimeType) ? { action: 'stop', reason, crashHint: 'timeout' } : { action: 'diagnose', reason, crashHint: 'timeout' };
}

/** The consecutive-round counters after this round's stamp. */
export function nextRoundCounters(
  prev: { unknownRounds: number; contradictionRounds: number } | undefined,
  runtime: AxisState,
  process: AxisState,
  heartbeatFresh: boolean,
): { unknownRounds: number; contradictionRounds: number } {
  const unknown = (runtime === 'unknown' || process === 'unknown') && !heartbeatFresh;
  const contradiction = runtime === 'dead' && process === 'alive';
  return {
    unknownRounds: unknown ? (prev?.unknownRounds ?? 0) + 1 : 0,
    contradictionRounds: contradiction ? (prev?.contradictionRounds ?? 0) + 1 : 0,
  };
}
