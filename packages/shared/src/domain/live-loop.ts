import type { DeathReport } from '../queues/catalog.js';
import type { CrashType } from '../schemas/diagnosis.js';
import type { LiveDiagnosis, Task } from '../schemas/task.js';
import { classify } from './classifier/index.js';
import { shouldReescalate } from './escalation.js';
import { redact } from './redact.js';

/**
 * Live diagnosis (DESIGN §12): a runner that is alive and beating but repeats one class of error
 * with no progress between — a 429 retried for an hour, a network that never comes back — is
 * caught while it lives. These are the causes that can loop; the crash types are the classifier's.
 */
export const LIVE_LOOP_CAUSES = ['rate_limited', 'provider_overloaded', 'network_error', 'auth_error', 'context_overflow'] as const;
export type LiveLoopCause = (typeof LIVE_LOOP_CAUSES)[number];
export const LIVE_LOOP_ACTIONS = ['escalate', 'stop'] as const;
export type LiveLoopAction = (typeof LIVE_LOOP_ACTIONS)[number];
/** Per cause; a cause not named escalates. */
export type LiveLoopPolicy = Readonly<Partial<Record<LiveLoopCause, LiveLoopAction>>>;

/** Evidence lines kept per loop, as for a reap diagnosis. */
const MAX_EVIDENCE_LINES = 5;
const MAX_EVIDENCE_CHARS = 300;
/** A single line is classified on its own: below this the classifier is guessing (a quoted mention, a passing test's title). */
const MIN_LINE_CONFIDENCE = 0.5;
/** Errors stopped: a loop is over once none of its cause came for this many times its own rhythm (and never sooner than the window). */
const QUIET_GAPS = 3;
/** Lines longer than this are cut before classifying: the classifier reads tails, not megabytes. */
const MAX_LINE_CHARS = 2000;

/**
 * `LIVE_LOOP_POLICY`: `cause=action` pairs, comma-separated (`auth_error=stop,rate_limited=escalate`).
 * Returns the policy, or the reason it is refused (an unknown cause or action, a pair without `=`,
 * a cause named twice).
 */
export function parseLiveLoopPolicy(text: string): { ok: true; policy: LiveLoopPolicy } | { ok: false; reason: string } {
  const policy: Partial<Record<LiveLoopCause, LiveLoopAction>> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [cause, action, ...rest] = part.split('=').map((s) => s.trim());
    if (action === undefined || rest.length) return { ok: false, reason: `"${part}" is not cause=action` };
    if (!(LIVE_LOOP_CAUSES as readonly string[]).includes(cause!)) return { ok: false, reason: `unknown cause "${cause}" (one of ${LIVE_LOOP_CAUSES.join(', ')})` };
    if (!(LIVE_LOOP_ACTIONS as readonly string[]).includes(action)) return { ok: false, reason: `unknown action "${action}" for ${cause} (escalate or stop)` };
    if (policy[cause as LiveLoopCause]) return { ok: false, reason: `${cause} is named twice` };
    policy[cause as LiveLoopCause] = action as LiveLoopAction;
  }
  return { ok: true, policy };
}

export function liveLoopActionFor(policy: LiveLoopPolicy, cause: LiveLoopCause): LiveLoopAction {
  return policy[cause] ?? 'escalate';
}

export interface LiveLoopSettings {
  /** LIVE_LOOP_REPEATS: lines of one cause it takes. */
  repeats: number;
  /** LIVE_LOOP_WINDOW_MS: from the first of them to the last, at least. */
  windowMs: number;
  /** LIVE_LOOP_STOP_AFTER_MS: a `stop` cause is stopped once its loop has lasted this long. */
  stopAfterMs: number;
  policy: LiveLoopPolicy;
}

/** One new log line, as read: `at` is when it was written where the source knows (a stream id), else when it was read. */
export interface LiveLine {
  text: string;
  at: number;
}

/** A new line that names a cause that can loop; other lines are ordinary output. */
export interface LiveErrorLine {
  cause: LiveLoopCause;
  summary: string;
  /** The line, redacted. */
  evidence: string;
  at: number;
}

/** The classifier's per-line reading, kept only where it names a cause that can loop with some confidence. */
export function liveErrorLine(line: LiveLine): LiveErrorLine | undefined {
  const text = line.text.length > MAX_LINE_CHARS ? line.text.slice(0, MAX_LINE_CHARS) : line.text;
  if (!text.trim()) return undefined;
  const c = classify({ tail: redact(text) });
  if (!(LIVE_LOOP_CAUSES as readonly CrashType[]).includes(c.crashType) || c.confidence < MIN_LINE_CONFIDENCE) return undefined;
  return { cause: c.crashType as LiveLoopCause, summary: redact(c.summary), evidence: c.evidence[0] ?? gist(redact(text.trim())), at: line.at };
}

/** What the watcher remembers of one attempt between scans. */
export interface LiveLoopState {
  /** The cause of the current run of errors, if any. */
  cause?: LiveLoopCause;
  /** When its first line was written. */
  since?: number;
  repeats: number;
  lastErrorAt?: number;
  summary?: string;
  /** The latest lines of the run, redacted, oldest first. */
  lastEvidence: string[];
  lastProgressAt?: number;
}

export const EMPTY_LIVE_LOOP_STATE: LiveLoopState = { repeats: 0, lastEvidence: [] };

/**
 * The state after one scan's new lines (in log order) and whether the runner made progress since
 * the last scan. Progress ends a run, and so does a quiet spell (liveLoopQuietMs): what came before it was healed. A line of another cause
 * starts a new run; ordinary output between errors changes nothing. Progress is taken as having
 * come before this scan's lines (a scan cannot order a heartbeat among lines), so errors after
 * progress within one scan still count.
 */
export function observeLiveLoop(state: LiveLoopState, errors: readonly LiveErrorLine[], progressed: boolean, windowMs: number, now: number): LiveLoopState {
  let s: LiveLoopState = progressed ? { repeats: 0, lastEvidence: [], lastProgressAt: now } : state;
  for (const e of errors) {
    // A run whose errors stopped is over: the same cause coming back later starts afresh.
    const over = s.lastErrorAt !== undefined && e.at - s.lastErrorAt >= liveLoopQuietMs(s, windowMs);
    if (s.cause !== e.cause || over) s = { repeats: 0, lastEvidence: [], lastProgressAt: s.lastProgressAt, cause: e.cause, since: e.at };
    s = {
      ...s,
      repeats: s.repeats + 1,
      lastErrorAt: e.at,
      summary: e.summary,
      lastEvidence: [...s.lastEvidence.filter((l) => l !== e.evidence), e.evidence].slice(-MAX_EVIDENCE_LINES),
    };
  }
  return s;
}

/** How long without a line of the run's cause before the run counts as over. */
export function liveLoopQuietMs(state: LiveLoopState, windowMs: number): number {
  if (state.since === undefined || state.lastErrorAt === undefined || state.repeats < 2) return windowMs;
  const meanGap = (state.lastErrorAt - state.since) / (state.repeats - 1);
  return Math.max(windowMs, QUIET_GAPS * meanGap);
}

/** Whether the state is a loop now: ≥ repeats lines of one cause over ≥ the window, the latest not too long ago. */
export function isLiveLoop(state: LiveLoopState, s: Pick<LiveLoopSettings, 'repeats' | 'windowMs'>, now: number): boolean {
  if (!state.cause || state.since === undefined || state.lastErrorAt === undefined) return false;
  if (state.repeats < s.repeats || state.lastErrorAt - state.since < s.windowMs) return false;
  return now - state.lastErrorAt < liveLoopQuietMs(state, s.windowMs);
}

export type LiveLoopDecision =
  | { action: 'none' }
  | { action: 'flag'; diagnosis: LiveDiagnosis; reason: string }
  | { action: 'reescalate'; reason: string }
  | { action: 'clear'; reason: string }
  | { action: 'stop'; reason: string };

/**
 * What to do with an attempt after a scan: flag a loop once, clear a flag whose loop is over
 * (progress again, or the errors stopped), and stop only a flagged loop whose cause the policy
 * says to stop and that has lasted LIVE_LOOP_STOP_AFTER_MS. A live runner is never stopped
 * otherwise. A loop that lasts is escalated again every 30 min, as any escalation (DESIGN §4).
 */
export function decideLiveLoop(task: Task, state: LiveLoopState, s: LiveLoopSettings, now: number): LiveLoopDecision {
  const flagged = task.context.live_diagnosis;
  // A flag an earlier attempt left says nothing of this one: its `since` must not start this one's stop window.
  if (flagged && flagged.attempt !== task.attempt) return { action: 'clear', reason: `live loop of attempt ${flagged.attempt} over: attempt ${task.attempt} runs` };
  const loop = isLiveLoop(state, s, now);
  if (!flagged) {
    if (!loop) return { action: 'none' };
    const diagnosis = liveDiagnosisOf(state, task.attempt, now);
    return { action: 'flag', diagnosis, reason: liveLoopReason(diagnosis) };
  }
  if (!loop || state.cause !== flagged.crashType) {
    const why = state.lastProgressAt !== undefined && state.lastProgressAt > flagged.detectedAt ? 'progress again' : `no ${flagged.crashType} loop for ${Math.round(s.windowMs / 1000)} s`;
    return { action: 'clear', reason: `live loop over (${why}): ${flagged.crashType} since ${new Date(flagged.since).toISOString()}` };
  }
  if (liveLoopActionFor(s.policy, flagged.crashType) === 'stop' && now - flagged.since >= s.stopAfterMs) {
    return { action: 'stop', reason: `live loop: ${flagged.crashType} for ${Math.round((now - flagged.since) / 1000)} s with no progress (${state.repeats} times); stopped by LIVE_LOOP_POLICY ${flagged.crashType}=stop` };
  }
  if (shouldReescalate(task, now)) {
    return { action: 'reescalate', reason: `live loop still: ${flagged.crashType} for ${Math.round((now - flagged.since) / 60_000)} min with no progress (${state.repeats} times)` };
  }
  return { action: 'none' };
}

export function liveDiagnosisOf(state: LiveLoopState, attempt: number, now: number): LiveDiagnosis {
  const cause = state.cause!;
  return {
    crashType: cause,
    summary: redact(`Looping while alive: ${state.summary ?? cause}, ${state.repeats} times in ${Math.round((state.lastErrorAt! - state.since!) / 1000)} s with no progress`),
    evidence: state.lastEvidence.map((l) => gist(redact(l))),
    since: state.since!,
    repeats: state.repeats,
    attempt,
    detectedAt: now,
  };
}

/** The needsAttention reason a live loop sets; clearing it clears only this one. */
export function liveLoopReason(d: LiveDiagnosis): string {
  return `live loop: ${d.summary}`;
}

/** Whether the task's needsAttention is the one its live diagnosis set (not one set by something else). */
export function liveLoopSetAttention(task: Pick<Task, 'context' | 'needsAttention'>): boolean {
  const d = task.context.live_diagnosis;
  return !!d && task.needsAttention?.at === d.detectedAt && task.needsAttention.reason === liveLoopReason(d);
}

/**
 * The task flagged: its live diagnosis written and, unless someone already asked for attention,
 * needsAttention set with the loop's reason; escalated now either way (the re-escalation clock).
 */
export function flagLiveLoop(task: Task, d: LiveDiagnosis, now: number): Task {
  const attention = task.needsAttention ? {} : { needsAttention: { reason: liveLoopReason(d), at: d.detectedAt } };
  return { ...task, context: { ...task.context, live_diagnosis: d }, ...attention, lastEscalatedAt: now };
}

/** The live diagnosis gone, and the needsAttention flag with it when the loop set it. */
export function clearLiveLoop(task: Task): Task {
  const { live_diagnosis: _gone, ...context } = task.context;
  return { ...task, context, ...(liveLoopSetAttention(task) ? { needsAttention: null } : {}) };
}

/**
 * The death of a runner stopped for a live loop (LIVE_LOOP_POLICY `stop`): it was alive, so the
 * probe axes say so, and the diagnoser reads the cause from the live diagnosis (`hint: live_loop`).
 */
export function liveLoopDeath(stop: { reason: string; seenAt: number }, stopEvidence: string[]): DeathReport {
  return {
    reason: stop.reason,
    source: 'reaper',
    probe: { runtimeState: 'alive', processState: 'alive', evidence: ['live loop: alive and beating, one error repeating with no progress', ...stopEvidence] },
    seenAt: stop.seenAt,
    hint: 'live_loop',
  };
}

function gist(line: string): string {
  return line.length > MAX_EVIDENCE_CHARS ? `${line.slice(0, MAX_EVIDENCE_CHARS - 1)}…` : line;
}
