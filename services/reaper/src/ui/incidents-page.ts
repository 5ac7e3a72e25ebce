import type { Incident } from '@smart-reap/shared';
import { deathsChart, type DeathsSeries } from './deaths-chart.js';
import { html, type SafeHtml } from './html.js';
import { iso } from './layout.js';

function incidentRow(i: Incident, canResolve: boolean): SafeHtml {
  const open = i.resolvedAt === undefined;
  return html`<tr data-incident="${i.id}">
    <td class="mono">${i.id}</td>
    <td><span class="badge crash">${i.cause}</span></td>
    <td>${i.scope}</td>
    <td class="mono">${iso(i.openedAt)}</td>
    <td>${i.tasks.map((t) => html`<div><a class="mono" href="/ui/tasks/${encodeURIComponent(t)}">${t}</a></div>`)}</td>
    <td>${i.healthyCompletions}</td>
    <td>${open
      ? canResolve
        ? html`<form data-api="/incidents/${encodeURIComponent(i.id)}/resolve" data-by><button type="submit" class="primary">Resolve</button><span data-result></span></form>`
        : html`<span class="attention">open</span>`
      : html`resolved ${iso(i.resolvedAt)}${i.resolvedBy ? ` by ${i.resolvedBy}` : ''}`}</td>
  </tr>`;
}

/** Incidents open and closed (open first), and the chart of deaths by cause over time. */
export function incidentsPage(incidents: Incident[], canResolve: boolean, deaths: DeathsSeries): SafeHtml {
  const open = incidents.filter((i) => i.resolvedAt === undefined);
  const closed = incidents.filter((i) => i.resolvedAt !== undefined);
  const table = (list: Incident[], id: string, empty: string) =>
    list.length
      ? html`<table id="${id}"><thead><tr><th>id</th><th>cause</th><th>scope</th><th>opened</th><th>tasks</th><th>healthy completions</th><th>state</th></tr></thead>
        <tbody>${list.map((i) => incidentRow(i, canResolve))}</tbody></table>`
      : html`<p class="muted" id="${id}">${empty}</p>`;
  return html`<h1>Incidents</h1>
<div id="incidents-live" data-live>
<h2>Deaths by cause, last ${(deaths.to - deaths.from) / 3_600_000} hours</h2>
${deathsChart(deaths)}
<h2>Open (${open.length})</h2>
<p class="muted">While an incident is open, reassignment in its scope is paused; it resolves itself after healthy completions, or here.</p>
${table(open, 'open-incidents', 'No open incident.')}
<h2>Closed (${closed.length})</h2>
${table(closed, 'closed-incidents', 'No closed incident.')}
</div>`;
}
