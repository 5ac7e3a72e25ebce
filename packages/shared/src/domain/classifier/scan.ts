import { exitVerdictInText } from './exit-status.js';
import type { LogLine, Match, Rule, SummaryContext } from './types.js';

// A wrapper's printed exit status is second-hand: it weighs a little less than the probe's.
const PRINTED_EXIT_FACTOR = 0.9;
// A wrapper's own failure line (`Error: Process completed with exit code 1.`) is no exception of the
// program's: on such lines only specific rules (ENOSPC, SIGTERM, Segmentation fault) count.
const MIN_WEIGHT_ON_NOISE = 0.75;

// A cause named inside a quoted free-text value (a ticket title, a commit message, a search query)
// is someone's words being reported, not this process's error. Values of keys (`err="…"`,
// `"message": "…"`, `signal "SIGTERM"`) and quoted HTTP status lines (`"HTTP/1.1 429 Too Many Requests"`) are the
// process's own evidence.
const MENTION_FACTOR = 0.3;
const QUOTED = /"(?:[^"\\]|\\.)*"|“[^”]*”/g;
// A passing test's title (`✓ redirects on expired token`) names what was tested, not what failed.
const PASSED_TEST = /^(?:[✓✔]|PASS(?:ED)?\b|ok \d)/;

function quotedMention(text: string, start: number, end: number): boolean {
  for (const q of text.matchAll(QUOTED)) {
    const open = q.index;
    const close = open + q[0].length;
    if (start <= open || end >= close) continue;
    const before = text.slice(0, open).trimEnd();
    // …and a quoted signal name is the value of "signal": yarn's `Command failed with signal "SIGTERM".`
    if (/[=:(\[{,]$|\bsignal$/i.test(before)) return false;
    return !/^["“]HTTP\/[\d.]+ \d{3}/.test(q[0]);
  }
  return false;
}

function matchRule(rule: Rule, line: LogLine): RegExpExecArray | null {
  const onText = rule.pattern.exec(line.text);
  if (onText) return onText;
  const raw = line.raw.trim();
  return raw !== line.text ? rule.pattern.exec(raw) : null;
}

/** Every rule that matches a line that can carry evidence (not frames, not echoed source). */
export function scanLines(lines: readonly LogLine[], rules: readonly Rule[], context: SummaryContext): Match[] {
  const matches: Match[] = [];
  for (const line of lines) {
    if (line.kind !== 'content' && line.kind !== 'noise') continue;
    for (const rule of rules) {
      if (line.kind === 'noise' && rule.weight < MIN_WEIGHT_ON_NOISE) continue;
      const m = matchRule(rule, line);
      if (!m) continue;
      const mention = PASSED_TEST.test(line.text) || (m.input === line.text && quotedMention(line.text, m.index, m.index + m[0].length));
      matches.push({
        crashType: rule.crashType,
        ruleId: rule.id,
        weight: mention ? rule.weight * MENTION_FACTOR : rule.weight,
        summary: typeof rule.summary === 'string' ? rule.summary : rule.summary(m, line.text, context, line),
        evidence: line.raw.trim(),
        line,
        ...(rule.sigkill ? { sigkill: true } : {}),
      });
    }
    const printed = exitVerdictInText(line.text);
    if (printed) {
      matches.push({
        crashType: printed.crashType,
        ruleId: 'printed-exit-status',
        weight: printed.weight * PRINTED_EXIT_FACTOR,
        summary: printed.summary,
        evidence: line.raw.trim(),
        line,
        ...(printed.sigkill ? { sigkill: true } : {}),
      });
    }
  }
  return matches;
}
