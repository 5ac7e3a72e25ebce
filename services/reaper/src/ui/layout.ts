import { html, type SafeHtml } from './html.js';

export type Section = 'tasks' | 'incidents' | 'kinds' | 'login';

export interface LayoutOptions {
  section: Section;
  /** A token guards the console: show the sign-out button. */
  signedIn: boolean;
}

/** Every console page: nav, the console user's name (who actions are recorded as), the content. */
export function layout(title: string, content: SafeHtml, o: LayoutOptions): string {
  const link = (section: Section, href: string, label: string) => html`<a href="${href}" class="${o.section === section ? 'on' : ''}">${label}</a>`;
  const nav =
    o.section === 'login'
      ? html``
      : html`${link('tasks', '/ui/tasks', 'Tasks')} ${link('incidents', '/ui/incidents', 'Incidents')} ${link('kinds', '/ui/kinds', 'Kinds')}
        <span class="right">
          <span id="live-stamp" class="muted"></span>
          <label>as <input id="console-user" placeholder="your name" maxlength="100" aria-label="your name, recorded with your actions"></label>
          ${o.signedIn ? html`<form method="post" action="/ui/logout"><button type="submit">Sign out</button></form>` : ''}
        </span>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · smart-reap</title>
<link rel="stylesheet" href="/ui/assets/console.css">
<script src="/ui/assets/console.js" defer></script>
</head>
<body>
<header><a class="brand" href="/ui/tasks">smart-reap</a>${nav}</header>
<main>${content}</main>
</body>
</html>`.value;
}

export function iso(ms: number | undefined | null): string {
  return typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
}

export function statusBadge(status: string): SafeHtml {
  return html`<span class="badge s-${status}">${status}</span>`;
}
