import { redact } from '../redact.js';
import { exitVerdict } from './exit-status.js';
import { gist } from './gist.js';
import { toLines } from './lines.js';
import { positionFactors } from './position.js';
import { parseRetryAfterMs } from './retry-after.js';
import { RULES } from './rules/index.js';
import { summaryContext } from './runtime.js';
import { scanLines } from './scan.js';
import { confidenceOf, decide, type ScoredMatch } from './scoring.js';
import { probeNote, unknownSummary } from './summary.js';
import type { CrashType } from '../../schemas/diagnosis.js';
import type { Classification, ClassifyInput, LogLine, Match } from './types.js';

// The probes' words describe the corpse, our own stopping of it ("SIGTERM sent to pid …") or our
// trouble reading its log ("capture timed out"), and their exit status arrives separately: from
// their text only specific statements of what an exit status cannot say count (OOMKilled,
// DeadlineExceeded).
const PROBE_TYPES: ReadonlySet<CrashType> = new Set(['oom', 'timeout', 'segfault']);
const MIN_PROBE_WEIGHT = 0.9;
// The classifier reads a tail, not a log: bound the work whatever a caller hands it.
const MAX_TAIL_CHARS = 16_384;
const MAX_EVIDENCE_LINES = 5;
const MAX_EVIDENCE_CHARS = 300;
const UNKNOWN_CONFIDENCE = 0.3;
const NO_OUTPUT_CONFIDENCE = 0.1;

function probeLines(probeEvidence: readonly string[] | undefined, first: number): LogLine[] {
  return (probeEvidence ?? []).map((fact, i) => ({
    index: first + i,
    raw: fact,
    body: fact,
    text: fact.trim(),
    logged: false,
    kind: 'content' as const,
    probe: true,
  }));
}

function evidenceOf(matches: readonly ScoredMatch[]): string[] {
  const best = matches[0]?.score ?? 0;
  const strong = matches.filter((m) => m.score >= best / 2).slice(0, MAX_EVIDENCE_LINES * 2);
  const seen = new Set<string>();
  const lines: { order: number; text: string }[] = [];
  for (const m of strong) {
    const text = gist(redact(m.line?.probe ? `probe: ${m.evidence}` : m.evidence), MAX_EVIDENCE_CHARS);
    if (seen.has(text)) continue;
    seen.add(text);
    lines.push({ order: m.order, text });
    if (lines.length === MAX_EVIDENCE_LINES) break;
  }
  return lines.sort((a, b) => a.order - b.order).map((l) => l.text);
}

/** Names the cause of a process's final death from the end of its log and its exit status. */
export function classify(input: ClassifyInput): Classification {
  const tail = input.tail.length > MAX_TAIL_CHARS ? input.tail.slice(-MAX_TAIL_CHARS) : input.tail;
  const lines = toLines(tail);
  const noOutput = lines.every((l) => l.kind === 'blank');
  // With no log at all the probes' words are all there is, and they describe the corpse, not the
  // cause: they go into the summary, not into the verdict.
  const probes = noOutput ? [] : probeLines(input.probeEvidence, lines.length);
  const all = [...lines, ...probes];

  const matches: Match[] = scanLines(all, RULES, summaryContext(lines)).filter(
    (m) => !m.line?.probe || (PROBE_TYPES.has(m.crashType) && m.weight >= MIN_PROBE_WEIGHT),
  );
  const exit = exitVerdict(input.exitCode, input.signal);
  if (exit) {
    matches.push({
      crashType: exit.crashType,
      ruleId: 'exit-status',
      weight: exit.weight,
      summary: exit.summary,
      evidence: exit.label,
      exit: true,
      ...(exit.sigkill ? { sigkill: true } : {}),
    });
  }

  const matched = new Set(matches.flatMap((m) => (m.line ? [m.line.index] : [])));
  const verdict = decide(matches, positionFactors(all, matched), exit, all.length);

  if (verdict.crashType === 'unknown') {
    return {
      crashType: 'unknown',
      confidence: noOutput ? NO_OUTPUT_CONFIDENCE : UNKNOWN_CONFIDENCE,
      summary: redact(unknownSummary(lines, input.probeEvidence)),
      evidence: [],
    };
  }

  const deciding = verdict.matches[0]!;
  const notes = noOutput ? ['no log output', probeNote(input.probeEvidence)].filter(Boolean) : [];
  const summary = redact([deciding.summary, ...notes].join('; '));
  const retryAfterMs =
    verdict.crashType === 'rate_limited' || verdict.crashType === 'provider_overloaded' ? parseRetryAfterMs(tail) : undefined;
  return {
    crashType: verdict.crashType,
    confidence: confidenceOf(verdict.score, verdict.runnerUp),
    summary,
    evidence: evidenceOf(verdict.matches),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}
