import { httpTargetAllowed, parseHttpTarget, type ProbeAdapter, type ProbeContext, type ProbeResult, type ProbeTarget } from '@smart-reap/shared';
import { unknownResult } from './probe-results.js';

/**
 * A runner that serves a health URL (the ref). The runtime axis is "does a server answer", the
 * process axis "does it say the runner is healthy":
 * - 2xx → alive/alive.
 * - 410 Gone → alive/dead: the runtime answers and says its runner has exited (for a supervisor
 *   or sidecar serving health on a runner's behalf).
 * - 3xx → alive/unknown. A redirect is never followed: the ref is the one target the claim named
 *   (and HTTP_PROBE_ALLOW checked), and following would let its server send the prober anywhere.
 *   A server that answers is a live runtime; a redirect says nothing about the runner's health.
 * - any other status (503, 404, 500, …) → alive/unknown: a server that answers is a live runtime,
 *   but "unhealthy" is not "gone" (overloaded, starting, a proxy in front): the heartbeat decides.
 * - connection refused → dead/dead: the host answered and nothing listens on the runner's port.
 * - anything else (DNS, unreachable, reset, TLS, abort) → unknown/unknown.
 * Evidence names the state and the status class only, never the socket error or the server's
 * status text: it is served by the API, and "refused" vs "timed out" vs "unreachable" would turn
 * claims into a port scanner of the prober's network.
 */
export class HttpProbeAdapter implements ProbeAdapter {
  readonly type = 'http' as const;

  /**
   * `allow`: HTTP_PROBE_ALLOW. The claim refuses other hosts already; a task claimed before the
   * list was set (or changed) is still not contacted.
   */
  constructor(private readonly o: { allow?: readonly string[] } = {}) {}

  async probe(target: ProbeTarget, ctx: ProbeContext): Promise<ProbeResult> {
    const url = parseHttpTarget(target.runtime.ref);
    if (!url) return unknownResult(`invalid health URL ${JSON.stringify(redactUrl(target.runtime.ref))}: not an http(s) URL`);
    const shown = redactUrl(url.href);
    if (this.o.allow && !httpTargetAllowed(url, this.o.allow)) return unknownResult(`GET ${shown}: host not allowed by HTTP_PROBE_ALLOW, not contacted: unknown`);
    let res: Response;
    try {
      res = await fetch(withoutCredentials(url), { signal: ctx.signal, redirect: 'manual', headers: { accept: '*/*', ...basicAuth(url) } });
    } catch (err) {
      if (isConnectionRefused(err)) return { runtimeState: 'dead', processState: 'dead', evidence: [`GET ${shown}: no answer, nothing listens there: dead`] };
      return unknownResult(`GET ${shown}: no answer: unknown`);
    }
    // Free the connection; the body says nothing the status does not.
    await res.body?.cancel().catch(() => undefined);
    const answered = `GET ${shown} answered ${Math.floor(res.status / 100)}xx`;
    if (res.ok) return { runtimeState: 'alive', processState: 'alive', evidence: [`${answered}: alive`] };
    if (res.status === 410) return { runtimeState: 'alive', processState: 'dead', evidence: [`GET ${shown} answered 410: the runtime reports its runner exited`] };
    if (res.status >= 300 && res.status < 400) return { runtimeState: 'alive', processState: 'unknown', evidence: [`${answered}: a redirect, not followed; the runtime is up, its runner's health is unknown`] };
    return { runtimeState: 'alive', processState: 'unknown', evidence: [`${answered}: the runtime is up, its runner's health is unknown`] };
  }
}

/** fetch refuses URLs that carry credentials: they travel as a Basic authorization header instead. */
function basicAuth(url: URL): Record<string, string> {
  if (!url.username && !url.password) return {};
  const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return { authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
}

function withoutCredentials(url: URL): URL {
  const bare = new URL(url.href);
  bare.username = '';
  bare.password = '';
  return bare;
}

/** Evidence lands in the audit trail: keep credentials and query strings (tokens) out of it. */
function redactUrl(ref: string): string {
  try {
    const u = new URL(ref);
    return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return ref.replace(/\/\/[^/@]*@/, '//…@').replace(/\?.*$/, '?…');
  }
}

/** undici reports a refused connection as `fetch failed` with the socket error (or all of them, per address) as cause. */
function isConnectionRefused(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string; errors?: Array<{ code?: string }> } }).cause;
  if (!cause) return false;
  if (cause.code === 'ECONNREFUSED') return true;
  return Array.isArray(cause.errors) && cause.errors.length > 0 && cause.errors.every((e) => e.code === 'ECONNREFUSED');
}
