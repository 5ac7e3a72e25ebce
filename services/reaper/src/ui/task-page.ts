import { checkTransition, redact, redactDeep, type AuditEvent, type Task } from '@smart-reap/shared';
import { html, type SafeHtml } from './html.js';
import { iso, statusBadge } from './layout.js';
import { liveDiagnosisOf } from './live-diagnosis.js';

interface TimelineEntry {
  at: number;
  what: string;
  detail: string;
  evidence?: string[];
}

const PREVIEW_CHARS = 4096;

/** Shown text of free data (payload, output, partial output): redacted, and cut to a preview. */
function preview(value: unknown): string {
  const text = typeof value === 'string' ? redact(value) : JSON.stringify(redactDeep(value), null, 2);
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}\n… (${text.length - PREVIEW_CHARS} more characters)` : text;
}

/** Everything that happened to the task, oldest first: transitions, the audit trail's decisions, the last probe, the diagnoses. */
export function timelineOf(task: Task, events: AuditEvent[]): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const h of task.history) out.push({ at: h.at, what: `${h.from} → ${h.to}`, detail: `${h.reason} (by ${h.by})` });
  for (const e of events) out.push({ at: e.at, what: e.dryRun ? `${e.type} (dry run)` : e.type, detail: e.reason, evidence: e.evidence });
  if (task.probe) {
    const p = task.probe;
    const exit = [p.exitCode !== undefined ? `exit ${p.exitCode}` : '', p.signal ?? ''].filter(Boolean).join(', ');
    const rounds = [p.unknownRounds ? `${p.unknownRounds} unknown round(s)` : '', p.contradictionRounds ? `${p.contradictionRounds} contradicting round(s)` : ''].filter(Boolean).join(', ');
    out.push({
      at: p.at,
      what: 'last probe',
      detail: `runtime ${p.runtimeState}, process ${p.processState}${exit ? ` (${exit})` : ''}${rounds ? `; ${rounds}` : ''}${p.heldUntil ? `; held by the mass-death breaker until ${iso(p.heldUntil)}` : ''}`,
      evidence: p.evidence,
    });
  }
  if (task.reap) out.push({ at: task.reap.at, what: 'reaped', detail: `${task.reap.reason} (by ${task.reap.by})` });
  if (task.needsAttention) out.push({ at: task.needsAttention.at, what: 'needs attention', detail: task.needsAttention.reason });
  const d = task.context.reap_diagnosis;
  if (d) out.push({ at: Date.parse(d.diagnosedAt), what: 'diagnosed', detail: `${d.crashType}: ${d.summary} → ${d.decision}` });
  return out.sort((a, b) => a.at - b.at);
}

function link(id: string | undefined): SafeHtml {
  return id ? html`<a class="mono" href="/ui/tasks/${encodeURIComponent(id)}">${id}</a>` : html`<span class="muted">none</span>`;
}

function diagnosisCard(task: Task): SafeHtml {
  const d = task.context.reap_diagnosis;
  if (!d) return html`<div class="card muted" id="diagnosis">No diagnosis: the reaper writes one when it moves the task to FAILED or resumes it.</div>`;
  return html`<div class="card diagnosis" id="diagnosis">
  <div><span class="badge crash" id="crash-type">${d.crashType}</span> <span class="muted">confidence ${d.confidence.toFixed(2)} · decision ${d.decision} · ${d.retryable ? 'retryable' : 'not retryable'} · attempt ${d.attempt} · ${d.diagnosedAt}</span></div>
  <p class="summary" id="diagnosis-summary">${d.summary}</p>
  <dl>
    <dt>runtime / process</dt><dd>${d.runtimeState} / ${d.processState}</dd>
    ${d.exitCode !== undefined ? html`<dt>exit code</dt><dd>${d.exitCode}</dd>` : ''}
    ${d.signal ? html`<dt>signal</dt><dd>${d.signal}</dd>` : ''}
    <dt>heartbeat age</dt><dd>${d.heartbeatAgeMs === null ? 'never beat' : `${(d.heartbeatAgeMs / 1000).toFixed(1)} s`}</dd>
    <dt>partial output</dt><dd>${Math.round(d.partialOutputRatio * 100)} %</dd>
  </dl>
  <h2>Evidence</h2>
  ${d.evidence.length ? html`<ul id="evidence">${d.evidence.map((e) => html`<li class="mono">${e}</li>`)}</ul>` : html`<p class="muted">none</p>`}
  <h2>Log tail <span class="muted">(${d.logTailBytes} bytes, redacted)</span></h2>
  <pre id="log-tail">${d.logTail || '(empty log)'}</pre>
</div>`;
}

function liveCard(task: Task): SafeHtml {
  const live = liveDiagnosisOf(task);
  if (!live) return html``;
  const since = typeof live.since === 'number' ? iso(live.since) : live.since;
  return html`<div class="card live" id="live-diagnosis">
  <div><strong>Live diagnosis</strong> (the runner is still alive) <span class="badge crash">${live.crashType}</span>
  ${since ? html`<span class="muted">since ${since}</span>` : ''} ${live.repeats !== undefined ? html`<span class="muted">· ${live.repeats} repeats</span>` : ''}</div>
  <p class="summary">${live.summary}</p>
  ${live.evidence.length ? html`<ul>${live.evidence.map((e) => html`<li class="mono">${e}</li>`)}</ul>` : ''}
</div>`;
}

function actions(task: Task): SafeHtml {
  const id = encodeURIComponent(task.id);
  // Offered only where the state machine allows it (a FAILED task cannot be cancelled, say).
  const cancellable = checkTransition(task.status, 'CANCELLED', task).ok;
  return html`<div class="card" id="actions">
  ${cancellable ? html`<form data-api="/tasks/${id}/cancel" data-reason-by="cancelled from the console"><button type="submit" class="danger" id="cancel">Cancel</button><span data-result></span></form>` : ''}
  ${task.status === 'FAILED' ? html`<form data-api="/tasks/${id}/retry" data-by><input name="reason" placeholder="why (optional)" maxlength="500"><button type="submit" class="primary" id="retry">Retry</button><span data-result></span></form>` : ''}
  ${!cancellable && task.status !== 'FAILED' ? html`<span class="muted">No action: the task is ${task.status}.</span>` : ''}
</div>`;
}

/** A task's page: what it is, what it died of (or is looping on), everything that happened to it, and the actions on it. */
export function taskPage(task: Task, events: AuditEvent[]): SafeHtml {
  const timeline = timelineOf(task, events);
  const r = task.runner;
  return html`<div id="task-live" data-live>
<h1>Task <span class="mono">${task.id}</span> ${statusBadge(task.status)}</h1>
${actions(task)}
${liveCard(task)}
<h2>Diagnosis</h2>
${diagnosisCard(task)}
<h2>Task</h2>
<dl id="facts">
  <dt>kind</dt><dd><a href="/ui/tasks?kind=${encodeURIComponent(task.kind)}">${task.kind}</a></dd>
  <dt>attempt</dt><dd>${task.attempt} of ${task.maxRetries + 1}</dd>
  <dt>created / updated</dt><dd>${iso(task.createdAt)} / ${iso(task.updatedAt)}</dd>
  <dt>resumes</dt><dd id="parent">${link(task.parentId)}</dd>
  <dt>continued by</dt><dd id="continuation">${link(task.continuationId)}</dd>
  ${task.needsAttention ? html`<dt>needs attention</dt><dd class="attention">${task.needsAttention.reason}</dd>` : ''}
  ${r ? html`<dt>runner</dt><dd class="mono">${r.runnerId} · ${r.runtime.type}${r.runtime.ref ? ` ${r.runtime.ref}` : ''}${r.pid ? ` · pid ${r.pid}` : ''}${r.host ? ` · ${r.host}` : ''}</dd>` : ''}
  ${task.deadline ? html`<dt>deadline</dt><dd>${iso(task.deadline)} (${task.extensions} extension(s))</dd>` : ''}
  ${task.heartbeatAt ? html`<dt>last heartbeat</dt><dd>${iso(task.heartbeatAt)}</dd>` : ''}
  ${task.progress ? html`<dt>progress</dt><dd>${Math.round(task.progress.ratio * 100)} %</dd>` : ''}
  ${task.healHint ? html`<dt>heal hint</dt><dd class="mono">${JSON.stringify(task.healHint)}</dd>` : ''}
  ${task.supervision ? html`<dt>supervision</dt><dd class="attention">${task.supervision.reason}</dd>` : ''}
  ${task.failure ? html`<dt>runner's report</dt><dd class="mono">${preview(task.failure)}</dd>` : ''}
</dl>
<h2>Timeline</h2>
<table id="timeline">
  <thead><tr><th>at</th><th>what</th><th>detail</th><th>evidence</th></tr></thead>
  <tbody>${timeline.map((e) => html`<tr><td class="mono">${iso(e.at)}</td><td>${e.what}</td><td>${e.detail}</td><td class="mono">${(e.evidence ?? []).map((x) => html`<div>${x}</div>`)}</td></tr>`)}</tbody>
</table>
${task.progress?.partialOutput ? html`<h2>Partial output <span class="muted">(redacted)</span></h2><pre>${preview(task.progress.partialOutput)}</pre>` : ''}
${task.payload !== undefined ? html`<h2>Payload <span class="muted">(redacted)</span></h2><pre id="payload">${preview(task.payload)}</pre>` : ''}
${task.output !== undefined ? html`<h2>Output <span class="muted">(redacted)</span></h2><pre>${preview(task.output)}</pre>` : ''}
</div>`;
}
