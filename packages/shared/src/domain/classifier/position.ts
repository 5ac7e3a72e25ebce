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
  /\bshut(?:ting)? ?down\b|\bclean(?:ing|ed)? ?up\b|\bclos(?:e|ed|ing)\b|\bexit(?:ing)?\b|\bstop(?:ped|ping)?\b|\bflush(?:ed|ing)?\b|\bdisconnect(?:ed|ing)?\b|\btear(?:ing)? ?down\b|\bteardown\b|\bsav(?:ed|ing) (?:state|checkpoint|session|progress)\b|\breleas(?:ed|ing)\b|\bterminat(?:e|ed|ing)\b|\bfinaliz(?:e|ed|ing)\b|\bgoodbye\b|\bbye\b/i;

function isProgress(line: LogLine, matched: boolean): boolean {
  if (line.kind !== 'content' || line.probe || matched) return false;
  // Indented lines are details of whatever came before them.
  if (/^\s/.test(line.body)) return false;
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

  const factors = new Array<number>(lines.length).fill(1);
  let progress = 0;
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const line = lines[i]!;
    factors[i] = DECAY_PER_PROGRESS_LINE ** progress;
    if (!isProgress(line, matchedLines.has(i))) continue;
    if (SUCCESS.test(line.text)) progress += SUCCESS_WEIGHT;
    else if (!continuation.has(i)) progress += 1;
  }
  return factors;
}
