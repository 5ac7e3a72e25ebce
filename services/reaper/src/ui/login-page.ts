import { html, type SafeHtml } from './html.js';

/** The sign-in form: the API token, posted once, exchanged for an HttpOnly session cookie. */
export function loginPage(next: string, error?: string): SafeHtml {
  return html`<div class="login">
<h1>smart-reap console</h1>
<p class="muted">Sign in with the reaper's API token (<code>API_TOKEN</code>).</p>
${error ? html`<p class="err" id="login-error">${error}</p>` : ''}
<form method="post" action="/ui/login">
  <input type="hidden" name="next" value="${next}">
  <label for="token">API token</label>
  <input id="token" name="token" type="password" autocomplete="current-password" required maxlength="4096" autofocus>
  <button type="submit" class="primary" id="sign-in">Sign in</button>
</form>
</div>`;
}
