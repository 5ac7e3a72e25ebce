import express, { type Express, type RequestHandler } from 'express';
import type { Registry } from 'prom-client';
import { EventsQuerySchema, IncidentsQuerySchema, ResolveIncidentBodySchema, type EventLog, type IncidentTracker, type KindStatsStore, type Logger, type TaskService } from '@smart-reap/shared';
import { metricsRoute, opsRoutes } from '../ops/ops-routes.js';
import type { Readiness } from '../ops/readiness.js';
import { apiMetrics } from './api-metrics.js';
import { bearerAuth } from './bearer-auth.js';
import { errorHandler } from './http-errors.js';
import { operatorRoutes } from './operator-routes.js';
import { taskRoutes } from './task-routes.js';
import { consoleRoutes } from '../ui/console-routes.js';

export interface AppOptions {
  tasks?: TaskService;
  events?: EventLog;
  kindStats?: KindStatsStore;
  incidents?: IncidentTracker;
  readiness: Readiness;
  registry: Registry;
  logger: Logger;
  apiToken?: string;
  /** `POST /incidents/:id/resolve`: closes the incident and releases the retries it holds (IncidentResolver). */
  resolveIncident?: (id: string, by: string | undefined) => Promise<{ incident: object; released: number } | undefined>;
  /** Extra authenticated routers (Bull Board, incidents, kind stats). */
  extra?: Array<{ path: string; handler: RequestHandler | express.Router }>;
}

/**
 * The HTTP surface of a service process. Every process serves health and metrics; the reaper
 * service also mounts the task API. Health routes stay open; everything else sits behind the token.
 */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // No ETag: express would hash every answer (a claim, a create) for a cache no API client keeps.
  app.disable('etag');
  app.use(opsRoutes(options.readiness));
  // The console checks the token itself (a browser gets the sign-in page, not a bare 401).
  if (options.tasks) {
    const { tasks, events, incidents, kindStats, apiToken } = options;
    app.use('/ui', consoleRoutes({ tasks, events, incidents, kindStats, apiToken, canResolve: options.resolveIncident !== undefined }));
  }
  app.use(bearerAuth(options.apiToken));
  app.use(metricsRoute(options.registry));
  app.use(express.json({ limit: '2mb' }));
  if (options.tasks) app.use(taskRoutes(options.tasks, apiMetrics(options.registry)));
  if (options.tasks && options.events) app.use(operatorRoutes(options.tasks, options.events));
  if (options.events) {
    const events = options.events;
    app.get('/events', async (req, res) => {
      const query = EventsQuerySchema.parse(req.query);
      res.json({ events: await events.list(query) });
    });
  }
  if (options.kindStats) {
    const kindStats = options.kindStats;
    app.get('/kinds/:kind/stats', async (req, res) => {
      res.json(await kindStats.stats(req.params.kind));
    });
  }
  if (options.incidents) {
    const incidents = options.incidents;
    app.get('/incidents', async (req, res) => {
      const { open } = IncidentsQuerySchema.parse(req.query);
      res.json({ incidents: await incidents.list({ open }) });
    });
  }
  if (options.resolveIncident) {
    const resolve = options.resolveIncident;
    app.post('/incidents/:id/resolve', async (req, res) => {
      const { by } = ResolveIncidentBodySchema.parse(req.body ?? {});
      const result = await resolve(req.params.id, by);
      if (!result) {
        res.status(404).json({ error: `incident ${req.params.id} not found` });
        return;
      }
      res.json({ ...result.incident, released: result.released });
    });
  }
  for (const { path, handler } of options.extra ?? []) app.use(path, handler);
  app.use((_req, res) => {
    res.status(404).json({ error: 'no such route' });
  });
  app.use(errorHandler(options.logger));
  return app;
}
