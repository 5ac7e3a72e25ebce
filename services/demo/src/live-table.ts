import type { Task } from '@smart-reap/shared';
import type { Observation } from './expectations.js';
import type { Scenario } from './scenarios.js';

/** One scenario as the live table shows it: every cell already text. */
export interface Row {
  scenario: string;
  status: string;
  /** The latest probe's two axes: `runtime/process`. */
  probe: string;
  heartbeat: string;
  extensions: string;
  diagnosis: string;
  /** The reaper's latest decision about it, from the audit trail. */
  last: string;
}

const COLUMNS: ReadonlyArray<{ key: keyof Row; title: string }> = [
  { key: 'scenario', title: 'scenario' },
  { key: 'status', title: 'status' },
  { key: 'probe', title: 'probe rt/proc' },
  { key: 'heartbeat', title: 'heartbeat' },
  { key: 'extensions', title: 'ext' },
  { key: 'diagnosis', title: 'diagnosis' },
  { key: 'last', title: 'latest decision' },
];

/** `0.4 s`, `12.0 s`. */
export function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

/** One line (line breaks and tabs become spaces), at most `max` characters (an ellipsis marks the cut). */
export function fit(text: string, max: number): string {
  const flat = text.replace(/[\r\n\t]+/g, ' ').trimEnd();
  if (max <= 0) return '';
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1))}…`;
}

/** The task the scenario is about right now: its continuation once there is one. */
function current(o: Observation): Task | undefined {
  return o.continuation ?? o.task;
}

function statusText(o: Observation): string {
  const t = o.task;
  if (!t) return 'creating';
  const own = `${t.status} #${t.attempt}`;
  return o.continuation ? `${t.status} → cont. ${o.continuation.status}` : own;
}

/** The row of one scenario at `now`. */
export function buildRow(s: Scenario, o: Observation, now: number): Row {
  const t = current(o);
  const running = t?.status === 'IN_PROGRESS';
  const latest = o.events[o.events.length - 1];
  const idle = !t ? '' : t.status === 'ASSIGNED' ? 'waiting for a runner' : running ? 'working: nothing to decide' : '';
  return {
    scenario: s.name,
    status: statusText(o),
    probe: running && t.probe ? `${t.probe.runtimeState}/${t.probe.processState}` : '-',
    heartbeat: running && t.heartbeatAt !== undefined ? seconds(now - t.heartbeatAt) : '-',
    extensions: t ? String(running ? t.extensions : o.events.filter((e) => e.type === 'extend' && e.taskId === t.id).length) : '-',
    diagnosis: o.firstDiagnosis?.crashType ?? '-',
    last: latest ? `${latest.type}: ${latest.reason}` : idle,
  };
}

/** The table as lines no wider than `width`: columns padded to their widest cell, the last one cut to fit. */
export function renderTable(rows: readonly Row[], width: number): string[] {
  const fixed = COLUMNS.slice(0, -1);
  const widths = fixed.map((c) => Math.max(c.title.length, ...rows.map((r) => r[c.key].length)));
  const line = (cells: (k: keyof Row, title: string) => string) => {
    const left = fixed.map((c, i) => cells(c.key, c.title).padEnd(widths[i]!)).join('  ');
    const lastCol = COLUMNS[COLUMNS.length - 1]!;
    const room = width - left.length - 4;
    return fit(`  ${left}  ${fit(cells(lastCol.key, lastCol.title), room)}`, width);
  };
  return [line((_, title) => title), ...rows.map((r) => line((k) => r[k]))];
}

/** What tells one state of a row from the next, for the plain (not a terminal) output. */
function signature(r: Row): string {
  return `${r.status}|${r.diagnosis}|${r.last}`;
}

/**
 * The plain output: one line per row that changed since the last call (`seen` is updated), with
 * the time since the demo started.
 */
export function changeLines(seen: Map<string, string>, rows: readonly Row[], elapsedMs: number, width: number): string[] {
  const out: string[] = [];
  const nameWidth = Math.max(...rows.map((r) => r.scenario.length));
  for (const r of rows) {
    const sig = signature(r);
    if (seen.get(r.scenario) === sig) continue;
    seen.set(r.scenario, sig);
    const probe = r.probe === '-' ? '' : ` probe ${r.probe}`;
    const diagnosis = r.diagnosis === '-' ? '' : ` [${r.diagnosis}]`;
    out.push(fit(`[${seconds(elapsedMs).padStart(7)}] ${r.scenario.padEnd(nameWidth)}  ${r.status}${probe}${diagnosis}  ${r.last}`, width));
  }
  return out;
}

/**
 * Redraws a block of lines in place on a terminal: the cursor goes back up over the block drawn
 * last, and each line is cleared before it is written. Lines must not wrap (renderTable fits them).
 */
export class InPlaceBlock {
  private drawn = 0;
  constructor(private readonly write: (text: string) => void) {}

  draw(lines: readonly string[]): void {
    let text = this.drawn > 0 ? `\u001b[${this.drawn}A` : '';
    for (const l of lines) text += `\u001b[2K${l}\n`;
    // A shorter block than the last: clear what is left of the old one below it.
    for (let i = lines.length; i < this.drawn; i++) text += '\u001b[2K\n';
    if (lines.length < this.drawn) text += `\u001b[${this.drawn - lines.length}A`;
    this.write(text);
    this.drawn = lines.length;
  }
}
