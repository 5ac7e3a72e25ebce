import type { KindStats } from '@smart-reap/shared';
import { html, type SafeHtml } from './html.js';

const minutes = (m: number | undefined) => (m === undefined ? '' : `${m.toFixed(m < 10 ? 2 : 1)} min`);

/** Every kind with its learned timeout (DESIGN §8): what a new attempt of it gets. */
export function kindsPage(stats: KindStats[]): SafeHtml {
  return html`<h1>Kinds</h1>
<p class="muted">A kind's window is learned once it has at least 5 completed attempts: p90 × 1.5 of its last 30 durations, clamped to [floor, cap]. Until then the default applies. A task's own maxAgeMinutes always wins.</p>
<table id="kinds">
  <thead><tr><th>kind</th><th>completed samples</th><th>p90 duration</th><th>learned window</th><th>default</th><th>floor / cap</th><th>median output</th></tr></thead>
  <tbody>${stats.length
    ? stats.map(
        (s) => html`<tr data-kind="${s.kind}">
      <td><a href="/ui/tasks?kind=${encodeURIComponent(s.kind)}">${s.kind}</a></td>
      <td>${s.samples}</td>
      <td>${s.p90Ms === undefined ? '' : `${(s.p90Ms / 1000).toFixed(1)} s`}</td>
      <td>${s.learnedMaxAgeMinutes === undefined ? html`<span class="muted">not yet learned</span>` : minutes(s.learnedMaxAgeMinutes)}</td>
      <td>${minutes(s.defaultMaxAgeMinutes)}</td>
      <td>${minutes(s.floorMinutes)} / ${minutes(s.capMinutes)}</td>
      <td>${s.medianOutputChars === undefined ? '' : `${s.medianOutputChars} chars`}</td>
    </tr>`,
      )
    : html`<tr><td colspan="7" class="muted">No kind has had claimable work yet.</td></tr>`}</tbody>
</table>`;
}
