import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';

/** The console's session cookie (set by POST /ui/login). */
export const SESSION_COOKIE = 'reaper_session';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The cookie's value: derived from the token, never the token itself, so a cookie seen somewhere
 * is no bearer token for scripts; it changes (and every session ends) when the token does.
 */
export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('smart-reap console session v1').digest('base64url');
}

/** Compares in constant time, so that the answer's timing tells nothing about the token. */
export function tokenEquals(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** How a request proved it may act: the bearer header (scripts), the session cookie (the console's browser), or not at all. */
function authOf(req: Request, token: string): 'bearer' | 'cookie' | undefined {
  const header = req.headers.authorization ?? '';
  if (header.startsWith('Bearer ') && tokenEquals(header.slice(7), token)) return 'bearer';
  const session = cookie(req, SESSION_COOKIE);
  if (session !== undefined && tokenEquals(session, sessionValue(token))) return 'cookie';
  return undefined;
}

/**
 * Whether a browser sent this request from our own pages. A cookie rides along on requests that
 * other sites make too, so a state-changing one counts only when the browser says it is
 * same-origin: Sec-Fetch-Site (every current browser), else Origin naming this host. Neither → no.
 */
function sameOrigin(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin';
  const origin = req.get('origin');
  if (origin === undefined) return false;
  try {
    return new URL(origin).host === req.get('host');
  } catch {
    return false;
  }
}

export type AuthVerdict = 'allowed' | 'cross_site' | 'unauthenticated';

/**
 * The one rule for the API and the console. With a token configured, a request needs
 * `Authorization: Bearer <token>`, or the console's session cookie; a state-changing request on
 * the cookie alone must also come from our own origin (CSRF). Without a token everything is open
 * (the API binds 127.0.0.1 only then), but a browser's cross-site state-changing request is still
 * refused: another tab's page must not cancel tasks.
 */
export function authVerdict(req: Request, token: string | undefined): AuthVerdict {
  const unsafe = !SAFE_METHODS.has(req.method);
  if (!token) return unsafe && req.get('sec-fetch-site') === 'cross-site' ? 'cross_site' : 'allowed';
  const how = authOf(req, token);
  if (how === 'bearer') return 'allowed';
  if (how === 'cookie') return unsafe && !sameOrigin(req) ? 'cross_site' : 'allowed';
  return 'unauthenticated';
}

/** The API's guard: authVerdict, answered in JSON (403 cross-site, 401 with `WWW-Authenticate: Bearer`). */
export function bearerAuth(token: string | undefined): RequestHandler {
  return (req, res, next) => {
    const verdict = authVerdict(req, token);
    if (verdict === 'allowed') return next();
    if (verdict === 'cross_site') {
      res.status(403).json({ error: 'cross-site request refused: a browser may change state only from the console itself' });
      return;
    }
    res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'missing or wrong bearer token' });
  };
}
