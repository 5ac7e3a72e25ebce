import type { CrashType } from '@smart-reap/shared';

/** The programs a demo runner process can run (see runner-programs.ts). */
export const PROGRAM_NAMES = ['work', 'block', 'hang-beating', 'hang-silent', 'oom', 'segfault', 'rate-limit', 'killed', 'crash-half'] as const;
export type ProgramName = (typeof PROGRAM_NAMES)[number];

/** How a scenario must end for the demo to call it a success. */
export type Expectation =
  /** Completed by its first runner and never taken down; `extended`: only after at least one extension. */
  | { type: 'completes'; extended?: boolean }
  /** Extended, then escalated for a person while alive, never taken down (the demo then cancels it). */
  | { type: 'escalated' }
  /**
   * Its first attempt was taken down (`diagnose` for a death the probes found, `stop` for a stuck
   * runner), diagnosed as `crashType`, and recovered by `decision`; the retry or the continuation
   * then completed.
   */
  | { type: 'recovered'; crashType: CrashType; decision: 'reassign' | 'resume'; takenDownBy: 'diagnose' | 'stop' };

export interface Scenario {
  /** Short name, shown in the table's first column. */
  name: string;
  /** What the runner does, for a person. */
  title: string;
  /** Each scenario has a kind of its own, so a claim of that kind takes its task and nothing else. */
  kind: string;
  program: ProgramName;
  /** When its first runner starts, after the stack is up: deaths are spread out (one a round at most). */
  startAfterMs: number;
  maxAgeMinutes: number;
  /** The demo sends SIGKILL to the runner this long after its claim, as an operator would. */
  killAfterMs?: number;
  expect: Expectation;
}

/**
 * The demo's scenarios and their timing: everything ends within about 30 s of the start, well
 * inside the 90 s the demo allows itself. Timing (demo-config.ts: probes every 500 ms, heartbeat
 * grace 15 s, 2 extensions):
 * - `blocks-loop`: deadline 6 s; its event loop is blocked from about 1 s to 10 s, so no beat
 *   reaches the API for 9 s (under the 15 s grace): alive and fresh when due → extended once, then
 *   it beats again and completes before the extended deadline at 12 s.
 * - `hangs`: deadline 6 s, beats forever: extended at 6 s and 12 s, escalated at 18 s.
 * - `stuck`: deadline 7.2 s, never beats: extended at 7.2 s (fresh) and 14.4 s (stale), stopped at
 *   21.6 s with its heartbeat 21 s old, diagnosed `timeout`, retried.
 * - the deaths come 2 s apart, so no probe round sees several at once (mass-death breaker).
 */
export const SCENARIOS: readonly Scenario[] = [
  { name: 'works', title: 'works and completes', kind: 'demo-works', program: 'work', startAfterMs: 0, maxAgeMinutes: 0.5, expect: { type: 'completes' } },
  {
    name: 'blocks-loop',
    title: 'blocks its event loop past its deadline',
    kind: 'demo-blocks-loop',
    program: 'block',
    startAfterMs: 0,
    maxAgeMinutes: 0.1,
    expect: { type: 'completes', extended: true },
  },
  { name: 'hangs', title: 'hangs alive and beating past its deadline', kind: 'demo-hangs', program: 'hang-beating', startAfterMs: 0, maxAgeMinutes: 0.1, expect: { type: 'escalated' } },
  {
    name: 'stuck',
    title: 'hangs alive but silent past its deadline',
    kind: 'demo-stuck',
    program: 'hang-silent',
    startAfterMs: 0,
    maxAgeMinutes: 0.12,
    expect: { type: 'recovered', crashType: 'timeout', decision: 'reassign', takenDownBy: 'stop' },
  },
  {
    name: 'oom',
    title: 'dies by heap exhaustion',
    kind: 'demo-oom',
    program: 'oom',
    startAfterMs: 2000,
    maxAgeMinutes: 0.5,
    expect: { type: 'recovered', crashType: 'oom', decision: 'reassign', takenDownBy: 'diagnose' },
  },
  {
    name: 'segfault',
    title: 'dies of a segmentation fault',
    kind: 'demo-segfault',
    program: 'segfault',
    startAfterMs: 4000,
    maxAgeMinutes: 0.5,
    expect: { type: 'recovered', crashType: 'segfault', decision: 'reassign', takenDownBy: 'diagnose' },
  },
  {
    name: 'rate-limited',
    title: 'dies on a 429 from the provider',
    kind: 'demo-rate-limited',
    program: 'rate-limit',
    startAfterMs: 6000,
    maxAgeMinutes: 0.5,
    expect: { type: 'recovered', crashType: 'rate_limited', decision: 'reassign', takenDownBy: 'diagnose' },
  },
  {
    name: 'killed',
    title: 'is killed with SIGKILL from outside',
    kind: 'demo-killed',
    program: 'killed',
    startAfterMs: 8000,
    maxAgeMinutes: 0.5,
    killAfterMs: 2500,
    expect: { type: 'recovered', crashType: 'killed', decision: 'reassign', takenDownBy: 'diagnose' },
  },
  {
    name: 'resumed',
    title: 'dies at 50 % and is resumed',
    kind: 'demo-resumed',
    program: 'crash-half',
    startAfterMs: 12_500,
    maxAgeMinutes: 0.5,
    expect: { type: 'recovered', crashType: 'network_error', decision: 'resume', takenDownBy: 'diagnose' },
  },
];
