import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { z, ZodError } from 'zod';
import {
  CRASH_TYPES,
  ListTasksQuerySchema,
  NotFoundError,
  publicTask,
  type EventLog,
  type IncidentTracker,
  type KindStatsStore,
  type TaskService,
} from '@smart-reap/shared';
import { authVerdict, SESSION_COOKIE, sessionValue, tokenEquals } from '../api/bearer-auth.js';
import { zodIssues } from '../api/http-errors.js';
import { CONSOLE_CSS, CONSOLE_JS } from './assets.js';
import { html, type SafeHtml } from './html.js';
import { incidentsPage } from './incidents-page.js';
import { kindsPage } from './kinds-page.js';
import { layout, type Section } from './layout.js';
import { loginPage } from './login-page.js';
import { taskPage } from './task-page.js';
import { tasksPage } from './tasks-page.js';

export interface ConsoleOptions {
  tasks: TaskService;
  events?: EventLog;
  incidents?: IncidentTracker;
  kindStats?: KindStatsStore;
  /** POST /incidents/:id/resolve is mounted: offer the Resolve button. */
  canResolve: boolean;
  /** Unset: the console is open, as the API is (it binds 127.0.0.1 only then). */
  apiToken?: string;
}

/** How long a console sign-in lasts. */
const SESSION_MS = 12 * 3_600_000;
/** The deaths chart: the last 24 hours in hourly bars. */
const CHART_HOURS = 24;
/** Kinds shown on the kinds page (each costs one read of its stats). */
const MAX_KINDS = 200;

// Only our own script and style may run or apply: a value that slipped past escaping still could not execute.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const LoginBodySchema = z.object({ token: z.string().min(1).max(4096), next: z.string().max(2048).optional() });

/** Where to go after signing in: a console page only (no open redirect to another site). */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/ui(\/[^/\\]|\/?$|\?)/.test(next) ? next : '/ui/tasks';
}

function securityHeaders(res: Response): void {
  res.set({
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  });
}

/** The query of a GET form: empty fields mean "any", so they are left out before validation. */
function formQuery(req: Request): Record<string, unknown> {
  return Object.fromEntries(Object.entries(req.query).filter(([, v]) => v !== ''));
}

/**
 * The web console at /ui (DESIGN §9): server-rendered pages over the same services as the API,
 * every value escaped by `html`; actions are the API's own routes, called by the page's script
 * with the session cookie. Mounted before the API's token check: it answers a browser with the
 * sign-in page rather than a bare 401, and applies the same rules itself.
 */
export function consoleRoutes(o: ConsoleOptions): Router {
  const r = Router();
  const token = o.apiToken;
  const send = (res: Response, status: number, title: string, section: Section, content: SafeHtml) => {
    securityHeaders(res);
    res.status(status).type('html').send(layout(title, content, { section, signedIn: token !== undefined }));
  };
  const page = (section: Section, handler: (req: Request, res: Response) => Promise<void>): RequestHandler => async (req, res, next) => {
    try {
      await handler(req, res);
    } catch (err) {
      if (err instanceof ZodError) {
        send(res, 400, 'Bad request', section, html`<h1>Bad request</h1><ul id="issues">${zodIssues(err).map((i) => html`<li><strong>${i.field}</strong>: ${i.reason}</li>`)}</ul><p><a href="/ui/tasks">back to the tasks</a></p>`);
        return;
      }
      if (err instanceof NotFoundError) {
        send(res, 404, 'Not found', section, html`<h1>Not found</h1><p>${err.message}</p><p><a href="/ui/tasks">back to the tasks</a></p>`);
        return;
      }
      next(err);
    }
  };

  r.get('/assets/console.js', (_req, res) => {
    res.set('X-Content-Type-Options', 'nosniff').type('text/javascript').send(CONSOLE_JS);
  });
  r.get('/assets/console.css', (_req, res) => {
    res.set('X-Content-Type-Options', 'nosniff').type('text/css').send(CONSOLE_CSS);
  });

  r.get('/login', (req, res) => {
    if (!token) return res.redirect(303, '/ui/tasks');
    send(res, 200, 'Sign in', 'login', loginPage(safeNext(req.query.next)));
  });
  r.post('/login', express.urlencoded({ extended: false, limit: '16kb' }), (req, res) => {
    if (!token) return res.redirect(303, '/ui/tasks');
    const body = LoginBodySchema.safeParse(req.body ?? {});
    const next = safeNext(body.success ? body.data.next : undefined);
    if (!body.success || !tokenEquals(body.data.token, token)) {
      send(res, 401, 'Sign in', 'login', loginPage(next, 'That is not the API token.'));
      return;
    }
    res.cookie(SESSION_COOKIE, sessionValue(token), {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure || req.get('x-forwarded-proto') === 'https',
      path: '/',
      maxAge: SESSION_MS,
    });
    res.redirect(303, next);
  });

  // Everything below follows the API's rule (authVerdict); a browser without a session gets the sign-in form.
  r.use((req, res, next) => {
    const verdict = authVerdict(req, token);
    if (verdict === 'allowed') return next();
    if (verdict === 'cross_site') {
      send(res, 403, 'Refused', 'login', html`<h1>Refused</h1><p>A cross-site request that would change something is refused.</p>`);
      return;
    }
    send(res, 401, 'Sign in', 'login', loginPage(safeNext(req.originalUrl)));
  });

  r.post('/logout', (_req, res) => {
    res.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict' });
    res.redirect(303, '/ui/login');
  });

  r.get('/', (_req, res) => res.redirect(303, '/ui/tasks'));

  r.get(
    '/tasks',
    page('tasks', async (req, res) => {
      const query = ListTasksQuerySchema.parse(formQuery(req));
      const { tasks, nextCursor } = await o.tasks.list(query);
      const filter = { status: query.status, kind: query.kind, crashType: query.crashType, cursor: typeof req.query.cursor === 'string' ? req.query.cursor : undefined };
      send(res, 200, 'Tasks', 'tasks', tasksPage(filter, tasks.map(publicTask), nextCursor));
    }),
  );

  r.get(
    '/tasks/:id',
    page('tasks', async (req, res) => {
      const task = publicTask(await o.tasks.store.mustGet(String(req.params.id)));
      const events = o.events ? await o.events.list({ taskId: task.id, limit: 200 }) : [];
      send(res, 200, `Task ${task.id}`, 'tasks', taskPage(task, events));
    }),
  );

  r.get(
    '/incidents',
    page('incidents', async (_req, res) => {
      const now = Date.now();
      const from = now - CHART_HOURS * 3_600_000;
      const [incidents, counts] = await Promise.all([o.incidents?.list({ limit: 200 }) ?? [], o.tasks.store.crashCounts(CRASH_TYPES, from, now, CHART_HOURS)]);
      const ordered = [...incidents].sort((a, b) => Number(a.resolvedAt !== undefined) - Number(b.resolvedAt !== undefined) || b.openedAt - a.openedAt);
      send(res, 200, 'Incidents', 'incidents', incidentsPage(ordered, o.canResolve, { from, to: now, counts }));
    }),
  );

  r.get(
    '/kinds',
    page('kinds', async (_req, res) => {
      const kinds = (await o.tasks.store.claimableKinds()).sort().slice(0, MAX_KINDS);
      const stats = o.kindStats ? await Promise.all(kinds.map((k) => o.kindStats!.stats(k))) : [];
      send(res, 200, 'Kinds', 'kinds', kindsPage(stats));
    }),
  );

  return r;
}
