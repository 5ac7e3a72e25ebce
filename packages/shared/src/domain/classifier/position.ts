import type { LogLine } from './types.js';

/**
 * How much a line still explains the death, from what came after it. Each ordinary line of
 * progress after an error (a log line that is not an error, a frame, a wrapper's noise) is a sign
 * the process lived on: a 429 followed by "200 OK" and ten more turns did not kill it.
 */
const DECAY_PER_PROGRESS_LINE = 0.7;
// "200 OK", "turn 7 complete": proof of life, not just more output.
const SUCCESS_WEIGHT = 2;
// A message's own next lines (a Rust panic's message, an error's detail) are part of it, not progress.
const CONTINUATION_LINES = 2;

const ERRORISH =
  /\b(?:errors?|exception|fatal|panic|traceback|fail(?:ed|ure)?|abort(?:ed|ing)?|critical|warn(?:ing)?|denied|refused|invalid|unable|cannot|can't|could not|couldn't|timed? ?out|killed|terminated|crash(?:ed)?|exit(?:ed)?|signal)\b/i;
const SUCCESS =
  /\b(?:200 OK|HTTP\/[\d.]+ 2\d\d|succeeded|success(?:ful(?:ly)?)?|completed?|done|passed|recovered|resumed|ok)\b|[✓✔]/i;

// What a line of progress looks like: a logger's line (it had a timestamp or level peeled off), a
// tagged line, or one that counts or names a step. Other prose (explanations under an error, crash
// reports) is neither progress nor evidence.
const PROGRESS_SHAPE =
  /^\[[^\]]+\]|\d+\s*\/\s*\d+|\d+(?:\.\d+)?\s?%|\b(?:step|turn|epoch|batch|iteration|processed|processing|indexed|indexing|wrote|writing|loaded|loading|received|sent|fetched|applied|started|starting|running|calling|compil(?:ed|ing)|built|building)\b/i;

// What a program logs on its way out is the death's aftermath, not a sign it lived on.
const WINDING_DOWN =
  /\bshut(?:ting)? ?down\b|\bclean(?:ing|ed)? ?up\b|\bclos(?:e|ed|ing)\b|\bexit(?:ing)?\b|\bstop(?:ped|ping)?\b|\bflush(?:ed|ing)?\b|\bdisconnect(?:ed|ing)?\b|\btear(?:ing)? ?down\b|\bteardown\b|\bsav(?:ed|ing) (?:state|checkpoint|session|progress)\b|\bcheckpoint (?:written|saved)\b|\bdrain(?:ed|ing)\b|\bno longer accepting\b|\binterrupted\b|\breleas(?:ed|ing)\b|\bterminat(?:e|ed|ing)\b|\bfinaliz(?:e|ed|ing)\b|\bgoodbye\b|\bbye\b/i;

// Where the process's life ended on the page even though more lines follow: an uncaught Python
// traceback that reached `<module>`, Node's closing `Node.js v…` banner. What comes after is
// buffered stdout flushed at exit or a wrapper's epilogue, not work done after the error.
const TOP_LEVEL_FRAME = /^\s*File "[^"]*", line \d+, in <module>$/;
const NODE_EXIT_BANNER = /^Node\.js v\d+/;

// Marks after which a CI runner or job wrapper is cleaning up after the work, or a test runner
// sums up a run that is over: nothing printed then is the work's progress.
const AFTERMATH_START =
  /^(?:##\[\w+\])?(?:Post job cleanup\.|Cleaning up orphan processes|Cleaning up project directory|Running after_script|Uploading artifacts for (?:failed|successful) job)|^(?:Results File: |Total tests: |Test Run (?:Aborted|Failed)\b|=+ short test summary info =+$|Test Suites: )/;

// A command that prints an old log (`docker logs`, `kubectl logs`, `tail -n`) echoed by `set -x`:
// the lines it prints replay the past, they are not progress made after what came before.
const LOG_REPLAY = /^\+ (?:\S+\s+)*?(?:(?:docker|podman|kubectl|oc) (?:\S+ )*?logs|journalctl|tail|cat)\b/;
// A log viewer's own header over the old lines it prints: pm2's `<file> last 15 lines:`; what
// follows, to the end of the tail, replays the past.
const REPLAY_HEADER = /^\S+ last \d+ lines:$|^\[TAILING\] Tailing last \d+ lines/;

function topLevelDeath(lines: readonly LogLine[]): number | undefined {
  let death: number | undefined;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (NODE_EXIT_BANNER.test(line.text)) death = i;
    if (!/^Traceback \(most recent call last\):/.test(line.text)) continue;
    const first = lines.slice(i + 1).find((l) => l.kind !== 'blank');
    if (!first || !TOP_LEVEL_FRAME.test(first.body)) continue;
    // The exception line: the first unindented content after the frames.
    const end = lines.slice(i + 1).find((l) => l.kind === 'content' && !/^\s/.test(l.body));
    if (end) death = end.index;
  }
  return death;
}

/** Lines whose text cannot count as the process living on: aftermath of a death, replays, cleanup. */
function notProgress(lines: readonly LogLine[], matchedLines: ReadonlySet<number>): Set<number> {
  const skip = new Set<number>();
  const death = topLevelDeath(lines);
  const lastMatch = Math.max(-1, ...matchedLines);
  let aftermath = death !== undefined && lastMatch <= death ? death : Number.POSITIVE_INFINITY;
  let replaying = false;
  for (const line of lines) {
    if (AFTERMATH_START.test(line.text) || REPLAY_HEADER.test(line.text)) aftermath = Math.min(aftermath, line.index);
    // A replay lasts until the shell traces its next command.
    const traced = line.text.startsWith('+ ');
    if (traced) replaying = LOG_REPLAY.test(line.text);
    if (line.index > aftermath || (replaying && !traced)) skip.add(line.index);
  }
  return skip;
}

function isProgress(line: LogLine, matched: boolean): boolean {
  if (line.kind !== 'content' || line.probe || matched) return false;
  // Indented lines are details of whatever came before them, but for test reporters' ✓ lines.
  if (/^\s/.test(line.body) && !/^\s*[✓✔]/.test(line.body)) return false;
  if (ERRORISH.test(line.text) || WINDING_DOWN.test(line.text)) return false;
  return line.logged || SUCCESS.test(line.text) || PROGRESS_SHAPE.test(line.text);
}

/** The position factor (0..1] of each line index; lines after the last one (the exit status) get 1. */
export function positionFactors(lines: readonly LogLine[], matchedLines: ReadonlySet<number>): number[] {
  const continuation = new Set<number>();
  let sinceMatch = Number.POSITIVE_INFINITY;
  for (const line of lines) {
    if (line.kind === 'blank') continue;
    if (matchedLines.has(line.index)) {
      sinceMatch = 0;
      continue;
    }
    sinceMatch += 1;
    if (sinceMatch <= CONTINUATION_LINES && !line.logged) continuation.add(line.index);
  }

  const skip = notProgress(lines, matchedLines);
  const factors = new Array<number>(lines.length).fill(1);
  let progress = 0;
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const line = lines[i]!;
    factors[i] = DECAY_PER_PROGRESS_LINE ** progress;
    if (skip.has(i) || !isProgress(line, matchedLines.has(i))) continue;
    if (SUCCESS.test(line.text)) progress += SUCCESS_WEIGHT;
    else if (!continuation.has(i)) progress += 1;
  }
  return factors;
}
