/**
 * The console's script and style, served from /ui/assets by the reaper itself: no build step and
 * no CDN, and as TypeScript constants they ship in dist/ with the rest of the code. The page's
 * Content-Security-Policy allows only these ('self'), so no inline script can ever run.
 */
export const CONSOLE_JS = String.raw`(() => {
  'use strict';
  const name = document.getElementById('console-user');
  if (name) {
    name.value = localStorage.getItem('reaper.console.user') || '';
    name.addEventListener('change', () => localStorage.setItem('reaper.console.user', name.value.trim()));
  }
  const who = () => (name && name.value.trim() ? 'ui:' + name.value.trim() : 'ui');
  const stamp = document.getElementById('live-stamp');

  // Live regions: this same page is fetched again and each [data-live] element swapped for its
  // fresh copy, so the server alone renders (and escapes) everything shown.
  let busy = false;
  async function refresh() {
    if (busy || document.hidden || !document.querySelector('[data-live]')) return;
    busy = true;
    try {
      const res = await fetch(location.href, { credentials: 'same-origin', headers: { accept: 'text/html' } });
      if (!res.ok) {
        if (stamp) stamp.textContent = 'not updated: ' + res.status;
        return;
      }
      const fresh = new DOMParser().parseFromString(await res.text(), 'text/html');
      for (const el of document.querySelectorAll('[data-live]')) {
        const next = fresh.getElementById(el.id);
        if (next) el.replaceWith(document.importNode(next, true));
      }
      if (stamp) stamp.textContent = 'updated ' + new Date().toLocaleTimeString();
    } catch (err) {
      if (stamp) stamp.textContent = 'not updated: ' + err;
    } finally {
      busy = false;
    }
  }
  setInterval(refresh, 2000);

  // Actions: a form with data-api posts its fields as JSON to that API route, with the session
  // cookie (same-origin, which the server checks); the answer is shown as text beside it.
  document.addEventListener('submit', async (event) => {
    const form = event.target.closest('form[data-api]');
    if (!form) return;
    event.preventDefault();
    const body = {};
    for (const [k, v] of new FormData(form)) if (v !== '') body[k] = v;
    if ('by' in form.dataset) body.by = who();
    if ('reasonBy' in form.dataset) body.reason = form.dataset.reasonBy + ' by ' + who();
    const out = form.querySelector('[data-result]');
    try {
      const res = await fetch(form.dataset.api, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = await res.json().catch(() => ({}));
      const why = json.error || (json.issues ? json.issues.map((i) => i.field + ': ' + i.reason).join('; ') : '');
      out.textContent = res.ok ? 'done' + (json.status ? ': ' + json.status : '') : 'refused (' + res.status + ')' + (why ? ': ' + why : '');
      out.className = res.ok ? 'ok' : 'err';
    } catch (err) {
      out.textContent = 'failed: ' + err;
      out.className = 'err';
    }
    await refresh();
  });
})();
`;

export const CONSOLE_CSS = `
:root { --fg: #1d2330; --muted: #667085; --line: #d9dee7; --bg: #f6f7f9; --accent: #2f5bd3; --bad: #b42318; --good: #067647; --warn: #b54708; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1.2rem; background: #151a23; color: #fff; }
header a { color: #cfd8ea; text-decoration: none; }
header a.on, header a:hover { color: #fff; text-decoration: underline; }
header .brand { font-weight: 700; color: #fff; }
header .right { margin-left: auto; display: flex; gap: .6rem; align-items: center; }
header input { width: 9rem; }
main { padding: 1rem 1.2rem 3rem; max-width: 1400px; }
h1 { font-size: 1.3rem; margin: .2rem 0 1rem; }
h2 { font-size: 1.05rem; margin: 1.6rem 0 .5rem; }
a { color: var(--accent); }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
th, td { text-align: left; padding: .35rem .55rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #eef1f6; font-weight: 600; }
td.mono, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; }
pre { background: #0f1420; color: #e6e9ef; padding: .8rem; overflow: auto; max-height: 28rem; white-space: pre-wrap; word-break: break-word; font-size: 12.5px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; background: #fff; border: 1px solid var(--line); padding: .8rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; }
form { display: inline-flex; gap: .4rem; align-items: center; flex-wrap: wrap; }
.filters { margin-bottom: .8rem; }
button { cursor: pointer; padding: .3rem .8rem; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
button.danger { border-color: var(--bad); color: var(--bad); }
button.primary { border-color: var(--accent); background: var(--accent); color: #fff; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 3px; font-size: 12px; font-weight: 600; background: #e4e7ec; }
.s-COMPLETED { background: #d1fadf; color: var(--good); } .s-FAILED { background: #fee4e2; color: var(--bad); }
.s-IN_PROGRESS { background: #d1e0ff; color: #1d3f9a; } .s-CANCELLED { background: #e4e7ec; color: #475467; }
.s-ASSIGNED, .s-PENDING { background: #fef0c7; color: var(--warn); }
.crash { background: #fde7e7; color: var(--bad); }
.attention { color: var(--warn); font-weight: 600; }
.card { background: #fff; border: 1px solid var(--line); padding: .8rem; margin-bottom: .8rem; }
.card.diagnosis { border-left: 4px solid var(--bad); }
.card.live { border-left: 4px solid var(--warn); }
.summary { font-size: 1.05rem; font-weight: 600; margin: .2rem 0 .6rem; }
.muted { color: var(--muted); }
.ok { color: var(--good); } .err { color: var(--bad); }
.pager { margin-top: .8rem; display: flex; gap: 1rem; }
.login { max-width: 26rem; margin: 4rem auto; background: #fff; border: 1px solid var(--line); padding: 1.5rem; }
.login form { display: flex; flex-direction: column; align-items: stretch; }
.login input { padding: .45rem; }
.chart { background: #fff; border: 1px solid var(--line); padding: .6rem; }
.chart > svg { max-width: 100%; height: auto; display: block; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1rem; margin-top: .4rem; font-size: 12px; }
.legend svg { vertical-align: -1px; }
`;
