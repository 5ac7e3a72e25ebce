import { afterEach, describe, expect, it } from 'vitest';
import { startTestApi } from './api-server.js';

type Api = Awaited<ReturnType<typeof startTestApi>>;
const TOKEN = 'console-auth-token';
const bearer = { authorization: `Bearer ${TOKEN}` };

async function signIn(api: Api, token: string, headers: Record<string, string> = {}, next = '/ui/tasks') {
  return fetch(`${api.url}/ui/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ token, next }).toString(),
  });
}

describe('the console at /ui: sign-in cookie, CSRF, escaping', () => {
  let api: Api;
  afterEach(async () => {
    await api?.close();
  });

  it('a page without the cookie is the 401 sign-in form; a wrong token is refused; the right one sets an HttpOnly SameSite=Strict cookie', async () => {
    api = await startTestApi({ API_TOKEN: TOKEN });
    const anonymous = await fetch(`${api.url}/ui/tasks`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).toContain('name="token"');
    expect((await fetch(`${api.url}/ui/assets/console.js`)).status).toBe(200);

    const wrong = await signIn(api, 'not-the-token');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();

    const right = await signIn(api, TOKEN);
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe('/ui/tasks');
    const setCookie = right.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^reaper_session=[A-Za-z0-9_-]+;/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toMatch(/Secure/);
    expect(setCookie).not.toContain(TOKEN);
    expect((await signIn(api, TOKEN, { 'x-forwarded-proto': 'https' })).headers.get('set-cookie')).toMatch(/Secure/);
    // No open redirect: only a console page is a place to go after signing in.
    expect((await signIn(api, TOKEN, {}, '//evil.example/ui')).headers.get('location')).toBe('/ui/tasks');

    const cookie = setCookie.split(';')[0]!;
    const page = await fetch(`${api.url}/ui/tasks`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(`${api.url}/tasks`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${api.url}/tasks`, { headers: { cookie: 'reaper_session=forged' } })).status).toBe(401);
    const bad = await fetch(`${api.url}/ui/tasks?crashType=gremlins`, { headers: { cookie } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('<strong>crashType</strong>');
  });

  it('a state-changing call on the cookie alone is refused unless same-origin, and changes nothing; the bearer header needs no origin', async () => {
    api = await startTestApi({ API_TOKEN: TOKEN });
    const cookie = (await signIn(api, TOKEN)).headers.get('set-cookie')!.split(';')[0]!;
    const { id } = (await (await fetch(`${api.url}/tasks`, { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'csrf' }) })).json()) as { id: string };
    const cancel = (headers: Record<string, string>) =>
      fetch(`${api.url}/tasks/${id}/cancel`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });

    const forgeries: Array<Record<string, string>> = [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'https://evil.example' }, {}];
    for (const forged of forgeries) {
      const refused = await cancel({ cookie, ...forged });
      expect(refused.status, JSON.stringify(forged)).toBe(403);
    }
    expect((await api.core.store.mustGet(id)).status).toBe('ASSIGNED');
    const fromConsole = await cancel({ cookie, 'sec-fetch-site': 'same-origin' });
    expect(fromConsole.status).toBe(200);
    expect((await api.core.store.mustGet(id)).status).toBe('CANCELLED');

    const other = (await api.core.tasks.create({ kind: 'csrf' })).task.id;
    expect((await fetch(`${api.url}/tasks/${other}/cancel`, { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: '{}' })).status).toBe(200);
    expect((await fetch(`${api.url}/ui/logout`, { method: 'POST', redirect: 'manual', headers: { cookie, 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
  });

  it('without a token the console is open, and a browser cross-site POST is still refused', async () => {
    api = await startTestApi();
    const { task } = await api.core.tasks.create({ kind: 'open' });
    expect((await fetch(`${api.url}/ui/tasks`)).status).toBe(200);
    const crossSite = await fetch(`${api.url}/tasks/${task.id}/cancel`, { method: 'POST', headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' }, body: '{}' });
    expect(crossSite.status).toBe(403);
    expect((await api.core.store.mustGet(task.id)).status).toBe('ASSIGNED');
  });

  it('renders a payload, an attention reason and a kind filter holding markup as text', async () => {
    api = await startTestApi();
    const evil = '<script>alert("xss")</script><img src=x onerror=alert(1)>';
    const { task } = await api.core.tasks.create({ kind: 'xss', payload: { prompt: evil } });
    await api.core.store.mutate(task.id, (t) => ({ write: { ...t, needsAttention: { reason: evil, at: t.createdAt } } }));
    const taskHtml = await (await fetch(`${api.url}/ui/tasks/${task.id}`)).text();
    const listHtml = await (await fetch(`${api.url}/ui/tasks?kind=${encodeURIComponent('"><script>')}`)).text();
    for (const page of [taskHtml, listHtml]) {
      expect(page).not.toContain('<script>alert');
      expect(page).not.toContain('<img src=x');
      expect(page).not.toContain('"><script>');
    }
    expect(taskHtml).toContain('&lt;script&gt;alert(');
    expect(taskHtml.match(/<script/g)).toHaveLength(1); // the console's own script tag, nothing else
  });
});
