import { eventsOf, takeDownEvent, type Observation, type Verdict } from './expectations.js';
import { fit, seconds } from './live-table.js';
import type { Scenario } from './scenarios.js';

/** One scenario's line in the summary. */
export interface SummaryRow {
  scenario: string;
  title: string;
  taskId?: string;
  continuationId?: string;
  /** How the work ended. */
  final: string;
  /** The crash type of the first attempt's diagnosis, with its confidence and summary. */
  crashType?: string;
  confidence?: number;
  diagnosisSummary?: string;
  /** What the reaper did about it. */
  decision: string;
  /** How long finding it took: from the death, or from its last deadline for a stuck or hung runner. */
  found: string;
  ok: boolean;
  problems: string[];
}

function decisionText(s: Scenario, o: Observation): string {
  const t = o.task;
  if (!t) return '-';
  const extensions = eventsOf(o, t.id, 'extend').length;
  const extended = extensions > 0 ? `extended ×${extensions}` : '';
  switch (s.expect.type) {
    case 'completes':
      return extended ? `${extended}, not reaped` : 'none needed';
    case 'escalated': {
      const escalated = eventsOf(o, t.id, 'escalate').length > 0;
      return [extended, escalated ? 'escalated' : '', t.status === 'CANCELLED' ? 'cancelled by the demo' : ''].filter(Boolean).join(', ') || '-';
    }
    case 'recovered': {
      const d = o.firstDiagnosis;
      if (!d) return extended || '-';
      const before = s.expect.takenDownBy === 'stop' && extended ? `${extended}, stopped, ` : '';
      if (d.decision === 'resume') {
        const c = o.continuation;
        return `${before}resume → continuation ${c ? (c.status === 'COMPLETED' ? 'completed' : c.status) : 'not created'}`;
      }
      if (d.decision === 'reassign') return `${before}reassign → attempt ${t.attempt} ${t.status === 'COMPLETED' ? 'completed' : t.status}`;
      return `${before}${d.decision}`;
    }
  }
}

function finalText(o: Observation): string {
  const t = o.task;
  if (!t) return 'not created';
  if (o.continuation) return `${t.status} → continuation ${o.continuation.status}`;
  return t.attempt > 1 ? `${t.status} (attempt ${t.attempt})` : t.status;
}

/** `40 ms`, `1.3 s`: how long finding something took. */
export function duration(ms: number): string {
  return ms < 1000 ? `${Math.max(0, Math.round(ms))} ms` : seconds(ms);
}

function foundText(s: Scenario, o: Observation): string {
  const down = takeDownEvent(o);
  if (down?.type === 'diagnose' && o.deathAt !== undefined) return `${duration(down.at - o.deathAt)} after death`;
  if (down?.type === 'stop' && o.lastDeadline !== undefined) return `${duration(down.at - o.lastDeadline)} past deadline`;
  if (s.expect.type === 'escalated' && o.lastDeadline !== undefined) {
    const e = eventsOf(o, o.task?.id, 'escalate')[0];
    if (e) return `${duration(e.at - o.lastDeadline)} past deadline`;
  }
  return '-';
}

export function summarize(s: Scenario, o: Observation, v: Verdict): SummaryRow {
  const d = o.firstDiagnosis;
  return {
    scenario: s.name,
    title: s.title,
    taskId: o.task?.id,
    continuationId: o.continuation?.id,
    final: finalText(o),
    crashType: d?.crashType,
    confidence: d?.confidence,
    diagnosisSummary: d?.summary,
    decision: decisionText(s, o),
    found: foundText(s, o),
    ok: v.ok,
    problems: v.problems,
  };
}

export interface SummaryInfo {
  apiUrl: string;
  dashboardUrl: string;
  wallMs: number;
  /** The stack stays up after the summary (`--keep`). */
  kept: boolean;
  width: number;
}

/** The summary as lines: a table, each diagnosis, the dashboard, and what did not end as expected. */
export function renderSummary(rows: readonly SummaryRow[], info: SummaryInfo): string[] {
  const cols: Array<{ title: string; cell: (r: SummaryRow) => string }> = [
    { title: '', cell: (r) => (r.ok ? 'ok' : 'NOT OK') },
    { title: 'scenario', cell: (r) => r.scenario },
    { title: 'runner', cell: (r) => r.title },
    { title: 'final status', cell: (r) => r.final },
    { title: 'diagnosis', cell: (r) => r.crashType ?? '-' },
    { title: 'found', cell: (r) => r.found },
    { title: 'decision', cell: (r) => r.decision },
  ];
  const widths = cols.map((c) => Math.max(c.title.length, ...rows.map((r) => c.cell(r).length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`.trimEnd();
  const out = [
    `smart-reap demo: summary after ${seconds(info.wallMs)}`,
    '',
    line(cols.map((c) => c.title)),
    ...rows.map((r) => line(cols.map((c) => c.cell(r)))),
    '',
    'Diagnoses (context.reap_diagnosis of each first attempt):',
  ];
  const nameWidth = Math.max(...rows.map((r) => r.scenario.length));
  for (const r of rows) {
    if (!r.crashType) continue;
    const confidence = r.confidence === undefined ? '' : ` (confidence ${r.confidence.toFixed(2)})`;
    out.push(fit(`  ${r.scenario.padEnd(nameWidth)}  ${r.crashType}${confidence}: ${r.diagnosisSummary ?? ''}`, info.width));
  }
  out.push('', 'Tasks:');
  for (const r of rows) {
    const cont = r.continuationId ? `, continuation ${r.continuationId}` : '';
    out.push(`  ${r.scenario.padEnd(nameWidth)}  ${r.taskId ?? '-'}${cont}`);
  }
  out.push('', `Dashboard (Bull Board): ${info.dashboardUrl}`);
  if (info.kept) out.push(`A task and its diagnosis: pnpm -s reaper task <id> --api ${info.apiUrl}`);
  const failed = rows.filter((r) => !r.ok);
  out.push('');
  if (failed.length === 0) {
    out.push(`All ${rows.length} scenarios ended as expected.`);
  } else {
    out.push(`${failed.length} of ${rows.length} scenarios did not end as expected:`);
    for (const r of failed) for (const p of r.problems.length ? r.problems : ['(no reason recorded)']) out.push(`  ${r.scenario}: ${p}`);
  }
  return out;
}
