import { CRASH_TYPES, TASK_STATUSES, type Task } from '@smart-reap/shared';
import { html, type SafeHtml } from './html.js';
import { iso, statusBadge } from './layout.js';
import { liveDiagnosisOf } from './live-diagnosis.js';

export interface TasksFilter {
  status?: string;
  kind?: string;
  crashType?: string;
  cursor?: string;
}

/** The href of the list with these filters (empty ones left out). */
export function tasksHref(f: TasksFilter): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `/ui/tasks?${s}` : '/ui/tasks';
}

function crashCell(task: Task): SafeHtml {
  const d = task.context.reap_diagnosis;
  if (d) return html`<span class="badge crash">${d.crashType}</span>`;
  const live = liveDiagnosisOf(task);
  if (live) return html`<span class="badge crash">${live.crashType}</span> <span class="muted">live</span>`;
  return html``;
}

function summaryOf(task: Task): string {
  return task.context.reap_diagnosis?.summary ?? liveDiagnosisOf(task)?.summary ?? task.needsAttention?.reason ?? '';
}

/** The tasks page: filters, one page newest first (a live region, polled), and the cursor to older ones. */
export function tasksPage(filter: TasksFilter, tasks: Task[], nextCursor: string | undefined): SafeHtml {
  const option = (value: string, selected: string | undefined) => html`<option value="${value}" ${value === selected ? html`selected` : ''}>${value}</option>`;
  const rows = tasks.map(
    (t) => html`<tr data-task="${t.id}">
      <td class="mono">${iso(t.createdAt)}</td>
      <td class="mono"><a href="/ui/tasks/${encodeURIComponent(t.id)}">${t.id}</a></td>
      <td>${t.kind}</td>
      <td>${statusBadge(t.status)}</td>
      <td>${t.attempt}/${t.maxRetries + 1}</td>
      <td>${crashCell(t)}</td>
      <td>${summaryOf(t)}${t.needsAttention ? html` <span class="attention" title="needs attention">⚑</span>` : ''}</td>
    </tr>`,
  );
  const { cursor: _cursor, ...sameFilters } = filter;
  return html`<h1>Tasks</h1>
<form class="filters" method="get" action="/ui/tasks">
  <label>status <select name="status"><option value="">any</option>${TASK_STATUSES.map((s) => option(s, filter.status))}</select></label>
  <label>kind <input name="kind" value="${filter.kind ?? ''}" placeholder="any kind" maxlength="200"></label>
  <label>crash type <select name="crashType"><option value="">any</option>${CRASH_TYPES.map((c) => option(c, filter.crashType))}</select></label>
  <button type="submit" class="primary">Filter</button>
  <a href="/ui/tasks">clear</a>
</form>
<div id="tasks-live" data-live>
<table id="tasks">
  <thead><tr><th>created</th><th>id</th><th>kind</th><th>status</th><th>attempt</th><th>crash type</th><th>summary</th></tr></thead>
  <tbody>${rows.length ? rows : html`<tr><td colspan="7" class="muted">no tasks${filter.cursor ? ' further back' : ''} match</td></tr>`}</tbody>
</table>
<div class="pager">
  ${filter.cursor ? html`<a href="${tasksHref(sameFilters)}">← newest</a>` : ''}
  ${nextCursor ? html`<a id="older" href="${tasksHref({ ...sameFilters, cursor: nextCursor })}">older →</a>` : ''}
</div>
</div>`;
}
