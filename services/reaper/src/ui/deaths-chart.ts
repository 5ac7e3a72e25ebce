import { html, type SafeHtml } from './html.js';

/** One colour per crash type, in CRASH_TYPES order; distinguishable, and the same on every page. */
const PALETTE = ['#b42318', '#7a2e0e', '#c11574', '#6941c6', '#f79009', '#dc6803', '#344054', '#0e9384', '#2e90fa', '#667085', '#1d2939', '#15b79e', '#98a2b3'];

export interface DeathsSeries {
  from: number;
  to: number;
  /** crash type → count per bucket, oldest bucket first */
  counts: Record<string, number[]>;
}

/** Stacked bars of deaths by crash type per time bucket, as inline SVG (no script, no library). */
export function deathsChart(series: DeathsSeries): SafeHtml {
  const types = Object.keys(series.counts);
  const buckets = types.length ? series.counts[types[0]!]!.length : 0;
  const totals = Array.from({ length: buckets }, (_, b) => types.reduce((sum, t) => sum + series.counts[t]![b]!, 0));
  const max = Math.max(1, ...totals);
  const width = 720;
  const height = 160;
  const left = 36;
  const bottom = 22;
  const barW = (width - left) / Math.max(1, buckets);
  const bars: SafeHtml[] = [];
  for (let b = 0; b < buckets; b++) {
    let y = height - bottom;
    types.forEach((t, i) => {
      const n = series.counts[t]![b]!;
      if (!n) return;
      const h = (n / max) * (height - bottom - 8);
      y -= h;
      bars.push(html`<rect x="${(left + b * barW + 1).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, barW - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${PALETTE[i % PALETTE.length]!}"><title>${t}: ${n}</title></rect>`);
    });
  }
  const hours = (series.to - series.from) / 3_600_000;
  const seen = types.filter((t) => series.counts[t]!.some((n) => n > 0));
  const total = totals.reduce((a, b) => a + b, 0);
  return html`<div class="chart" id="deaths-chart">
<svg role="img" aria-label="deaths by cause over the last ${hours} hours" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">
  <line x1="${left}" y1="${height - bottom}" x2="${width}" y2="${height - bottom}" stroke="#98a2b3"/>
  <text x="${left - 6}" y="14" text-anchor="end" font-size="11" fill="#667085">${max}</text>
  <text x="${left - 6}" y="${height - bottom}" text-anchor="end" font-size="11" fill="#667085">0</text>
  <text x="${left}" y="${height - 6}" font-size="11" fill="#667085">${hours} h ago</text>
  <text x="${width}" y="${height - 6}" text-anchor="end" font-size="11" fill="#667085">now</text>
  ${bars}
</svg>
<div class="legend">${seen.length ? seen.map((t) => html`<span><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${PALETTE[types.indexOf(t) % PALETTE.length]!}"/></svg> ${t} (${series.counts[t]!.reduce((a, b) => a + b, 0)})</span>`) : html`<span class="muted">no deaths in this window</span>`}</div>
<p class="muted">${total} diagnosed task(s), counted in the hour each task was created.</p>
</div>`;
}
