import { exitVerdictInText } from './exit-status.js';
import type { LogLine, Match, Rule, SummaryContext } from './types.js';

// A wrapper's printed exit status is second-hand: it weighs a little less than the probe's.
const PRINTED_EXIT_FACTOR = 0.9;
// A wrapper's own failure line (`Error: Process completed with exit code 1.`) is no exception of the
// program's: on such lines only specific rules (ENOSPC, SIGTERM, Segmentation fault) count.
const MIN_WEIGHT_ON_NOISE = 0.75;

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
      matches.push({
        crashType: rule.crashType,
        ruleId: rule.id,
        weight: rule.weight,
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
