import type { Diagnosis, Task } from '@smart-reap/shared';

export interface TaskReportOptions {
  /** For ages ("12 s ago"). Default Date.now(). */
  now?: number;
  /** Lines of the diagnosis's log tail shown. Default 12. */
  tailLines?: number;
}

/**
 * A task and its diagnosis for a person (`reaper task <id>`). The payload, the output and the
 * partial output are never printed (only their size): they are the work's contents, not its state.
 * The log tail and the evidence are printed as the diagnoser stored them: redacted.
 */
export function formatTaskReport(task: Task, options: TaskReportOptions = {}): string {
  const now = options.now ?? Date.now();
  const out: string[] = [];
  const row = (label: string, value: string): void => {
    out.push(`  ${label.padEnd(15)}${value}`);
  };
  const when = (ms: number | undefined): string => (ms === undefined ? '-' : `${new Date(ms).toISOString()} (${age(now - ms)})`);

  out.push(`task ${task.id}`);
  row('kind', task.kind);
  row('status', task.status + (task.needsAttention ? '  NEEDS ATTENTION' : ''));
  row('attempt', `${task.attempt} of ${task.maxRetries + 1}`);
  row('created', when(task.createdAt));
  row('updated', when(task.updatedAt));
  if (task.deadline !== undefined) row('deadline', `${when(task.deadline)}, ${task.extensions} extension${task.extensions === 1 ? '' : 's'}`);
  if (task.runner) {
    const r = task.runner;
    const where = [r.runtime.type + (r.runtime.ref ? ` ${r.runtime.ref}` : ''), r.pid !== undefined ? `pid ${r.pid}` : undefined, r.host ? `on ${r.host}` : undefined]
      .filter(Boolean)
      .join(', ');
    row('runner', `${r.runnerId} (${where})`);
    row('claimed', when(r.claimedAt));
    if (r.logRef) row('log', r.logRef);
  }
  if (task.heartbeatAt !== undefined) row('heartbeat', when(task.heartbeatAt));
  if (task.progress) {
    const partial = task.progress.partialOutput;
    row('progress', `${pct(task.progress.ratio)}${partial ? `, ${partial.length} characters of partial output` : ''}`);
  }
  if (task.payload !== undefined) row('payload', `${JSON.stringify(task.payload)?.length ?? 0} characters (not shown; --json prints the task as stored)`);
  if (task.probe) {
    const p = task.probe;
    row('last probe', `runtime ${p.runtimeState}, process ${p.processState}, ${age(now - p.at)}`);
  }
  if (task.failure) {
    const f = task.failure;
    const parts = [f.exitCode !== undefined ? `exit code ${f.exitCode}` : undefined, f.signal ? `signal ${f.signal}` : undefined, f.error].filter(Boolean);
    row('runner report', parts.length ? parts.join(', ') : 'failed');
  }
  if (task.reap) row('taken down', `${when(task.reap.at)} by ${task.reap.by}: ${task.reap.reason}`);
  if (task.needsAttention) row('attention', `${task.needsAttention.reason} (${age(now - task.needsAttention.at)})`);
  if (task.parentId) row('continues', task.parentId);
  if (task.continuationId) row('continued by', task.continuationId);
  if (task.healHint) row('heal hint', JSON.stringify(task.healHint));
  const snapshot = task.context.snapshot;
  if (snapshot) row('snapshot', JSON.stringify(snapshot));

  const diagnosis = task.context.reap_diagnosis;
  out.push('');
  if (diagnosis) out.push(...formatDiagnosis(diagnosis, options.tailLines ?? 12));
  else out.push('diagnosis      none (the reaper writes one when it takes an attempt down)');

  if (task.history.length) {
    out.push('', 'history');
    for (const h of task.history) out.push(`  ${new Date(h.at).toISOString()}  ${h.from} → ${h.to}  by ${h.by}: ${h.reason}`);
  }
  return `${out.join('\n')}\n`;
}

function formatDiagnosis(d: Diagnosis, tailLines: number): string[] {
  const out = [`diagnosis (${d.diagnosedAt}, attempt ${d.attempt})`];
  const row = (label: string, value: string): void => {
    out.push(`  ${label.padEnd(15)}${value}`);
  };
  row('crash type', `${d.crashType} (confidence ${d.confidence.toFixed(2)})`);
  row('summary', d.summary);
  row('decision', `${d.decision} (${d.retryable ? 'retryable' : 'not retryable'})`);
  const exit = [d.exitCode !== undefined ? `exit code ${d.exitCode}` : undefined, d.signal ? `signal ${d.signal}` : undefined].filter(Boolean);
  if (exit.length) row('exit', exit.join(', '));
  row('probe', `runtime ${d.runtimeState}, process ${d.processState}, heartbeat ${d.heartbeatAgeMs === null ? 'never' : `${age(d.heartbeatAgeMs)}`}`);
  row('partial output', pct(d.partialOutputRatio));
  if (d.evidence.length) {
    out.push('  evidence');
    for (const e of d.evidence) out.push(`    - ${e}`);
  }
  const lines = d.logTail.replace(/\n$/, '').split('\n');
  if (d.logTail) {
    const shown = lines.slice(-tailLines);
    out.push(`  log tail (last ${shown.length} of ${lines.length} lines, ${d.logTailBytes} bytes, redacted)`);
    for (const l of shown) out.push(`    | ${l}`);
  }
  return out;
}

function pct(ratio: number): string {
  return `${Math.round(ratio * 100)} %`;
}

/** `850 ms ago`, `12 s ago`, `3 min ago`, `2 h ago`; `in 5 min` for the future. */
export function age(ms: number): string {
  const abs = Math.abs(ms);
  const text =
    abs < 1000 ? `${Math.round(abs)} ms` : abs < 60_000 ? `${Math.round(abs / 1000)} s` : abs < 3_600_000 ? `${Math.round(abs / 60_000)} min` : `${(abs / 3_600_000).toFixed(1)} h`;
  return ms >= 0 ? `${text} ago` : `in ${text}`;
}
