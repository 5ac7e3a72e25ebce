import type { CrashType } from '../../schemas/diagnosis.js';
import type { ExitVerdict } from './exit-status.js';
import type { Match } from './types.js';

/** Below this nothing explains the death well enough to name it: `unknown`. */
const MIN_SCORE = 0.3;

// Wrappers' lines (npm ERR!, make) repeat or paraphrase the real error: they count, but less.
const NOISE_FACTOR = 0.6;
// An error the program announces it will retry was not, at that moment, fatal.
const RETRYING_FACTOR = 0.75;
// The probe's facts are second-hand descriptions, not the process's own words.
const PROBE_FACTOR = 0.8;
// A process killed from outside (SIGKILL/SIGTERM/SIGINT) did not die of the exception it printed
// earlier: only memory (OOM kills) and deadlines explain such a kill.
const EXTERNAL_KILL_FACTOR = 0.7;
const EXPLAINS_EXTERNAL_KILL: ReadonlySet<CrashType> = new Set(['oom', 'timeout', 'killed']);
// Several distinct rules agreeing on a type make it a little surer.
const CORROBORATION_BONUS = 0.03;
const MAX_CORROBORATION = 0.06;
const MAX_SCORE = 0.99;
// A SIGKILL with memory evidence is the OOM killer's work (DESIGN §5).
const OOM_KILL_SCORE = 0.9;
const MIN_KILL_SCORE_FOR_OOM = 0.5;

const RETRYING =
  /\bretrying\b|\bwill retry\b|\bretry(?:ing)? (?:in|after)\b|\bbacking off\b|\(attempt \d+\s*\/\s*\d+\)|\battempt \d+ of \d+\b/i;
const GIVING_UP = /giving up|gave up|max(?:imum)? retries|retries exhausted|no more retries/i;

export interface ScoredMatch extends Match {
  score: number;
  /** Position in the log; the exit status and probe facts sort after every line. */
  order: number;
}

// Types that say how an error surfaced rather than what it was: as runner-up to a specific cause
// they are usually the same story (bad_alloc → terminate → abort), not a competing one.
const CONTAINERS: ReadonlySet<CrashType> = new Set(['unhandled_exception', 'panic']);
const CONTAINER_RUNNER_UP_FACTOR = 0.7;

export interface Verdict {
  crashType: CrashType;
  score: number;
  /** The best other explanation's score, as far as it competes with the winner. */
  runnerUp: number;
  /** The winner's matches, strongest first. */
  matches: ScoredMatch[];
}

function isLastAttempt(text: string): boolean {
  const attempt = /\(?attempt (\d+)\s*(?:\/|of)\s*(\d+)\)?/i.exec(text);
  return attempt !== null && attempt[1] === attempt[2];
}

function scoreOf(match: Match, factors: readonly number[], exit: ExitVerdict | undefined): number {
  let score = match.weight;
  const line = match.line;
  if (line) {
    score *= factors[line.index] ?? 1;
    if (line.kind === 'noise') score *= NOISE_FACTOR;
    if (line.probe) score *= PROBE_FACTOR;
    if (RETRYING.test(line.text) && !GIVING_UP.test(line.text) && !isLastAttempt(line.text)) score *= RETRYING_FACTOR;
  }
  if (exit?.external && !match.exit && !EXPLAINS_EXTERNAL_KILL.has(match.crashType)) score *= EXTERNAL_KILL_FACTOR;
  return score;
}

/** A SIGKILL (from the probe or the log) plus memory evidence anywhere in the tail is an OOM kill. */
function oomKill(scored: ScoredMatch[]): ScoredMatch | undefined {
  const kill = scored.filter((m) => m.sigkill && m.crashType === 'killed' && m.score >= MIN_KILL_SCORE_FOR_OOM);
  const memory = scored.filter((m) => m.crashType === 'oom');
  const strongestKill = kill.sort((a, b) => b.score - a.score)[0];
  const strongestMemory = memory.sort((a, b) => b.weight - a.weight)[0];
  if (!strongestKill || !strongestMemory) return undefined;
  return {
    ...strongestMemory,
    ruleId: 'oom-kill',
    score: Math.max(OOM_KILL_SCORE, strongestKill.score),
    summary: `Killed by SIGKILL under memory pressure (${strongestMemory.summary})`,
    order: strongestKill.order,
    evidence: strongestMemory.evidence,
  };
}

/** Weighs every match by specificity and position and picks the type that explains the final death. */
export function decide(matches: Match[], factors: readonly number[], exit: ExitVerdict | undefined, lineCount: number): Verdict {
  const scored: ScoredMatch[] = matches.map((m) => ({
    ...m,
    score: scoreOf(m, factors, exit),
    order: m.line ? m.line.index : lineCount,
  }));
  const derived = oomKill(scored);
  const all = derived ? [...scored, derived] : scored;

  const byType = new Map<CrashType, ScoredMatch[]>();
  for (const m of all) byType.set(m.crashType, [...(byType.get(m.crashType) ?? []), m]);

  const totals: { crashType: CrashType; score: number; order: number; matches: ScoredMatch[] }[] = [];
  for (const [crashType, list] of byType) {
    const sorted = [...list].sort((a, b) => b.score - a.score || b.order - a.order);
    const best = sorted[0]!;
    const agreeing = new Set(sorted.filter((m) => m.score >= 0.4 && m.ruleId !== best.ruleId).map((m) => m.ruleId));
    const bonus = Math.min(MAX_CORROBORATION, agreeing.size * CORROBORATION_BONUS);
    totals.push({ crashType, score: Math.min(MAX_SCORE, best.score + bonus), order: best.order, matches: sorted });
  }
  totals.sort((a, b) => b.score - a.score || b.order - a.order);

  const [winner, second] = totals;
  if (!winner || winner.score < MIN_SCORE) {
    return { crashType: 'unknown', score: winner?.score ?? 0, runnerUp: 0, matches: [] };
  }
  const runnerUp =
    second && CONTAINERS.has(second.crashType) && !CONTAINERS.has(winner.crashType)
      ? second.score * CONTAINER_RUNNER_UP_FACTOR
      : (second?.score ?? 0);
  return { crashType: winner.crashType, score: winner.score, runnerUp, matches: winner.matches };
}

/**
 * Strong and unambiguous → close to the score; a runner-up close behind takes up to 40 % off,
 * since then the tail tells two stories.
 */
export function confidenceOf(score: number, runnerUp: number): number {
  const closeness = Math.min(1, Math.max(0, (runnerUp - (score - 0.3)) / 0.3));
  return Math.round(score * (1 - 0.4 * closeness) * 100) / 100;
}
