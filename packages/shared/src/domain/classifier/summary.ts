import { gist } from './gist.js';
import type { LogLine } from './types.js';

const MAX_PROBE_FACTS = 3;

/** `; probe saw: a, b` when the probes saw something, for deaths the log does not explain. */
export function probeNote(probeEvidence: readonly string[] | undefined): string {
  const facts = (probeEvidence ?? []).map((f) => gist(f, 80)).filter(Boolean).slice(0, MAX_PROBE_FACTS);
  return facts.length > 0 ? `probe saw: ${facts.join(', ')}` : '';
}

/** The summary when nothing explains the death. */
export function unknownSummary(lines: readonly LogLine[], probeEvidence: readonly string[] | undefined): string {
  const probe = probeNote(probeEvidence);
  const content = lines.filter((l) => l.kind !== 'blank');
  if (content.length === 0) return probe ? `no log output; ${probe}` : 'no log output';
  const last = content[content.length - 1]!;
  const base = `No known failure in the last ${content.length} log lines; last: ${gist(last.raw, 100)}`;
  return probe ? `${base}; ${probe}` : base;
}
