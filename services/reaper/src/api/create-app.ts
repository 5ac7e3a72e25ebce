import { readFileSync } from 'node:fs';
import express, { type Express, type Router } from 'express';
import type { Registry } from 'prom-client';
import type { EventLog, IncidentTracker, KindStatsStore, Logger, TaskService } from '@smart-reap/shared';
import { metricsRoute, opsRoutes } from '../ops/ops-routes.js';
import type { Readiness } from '../ops/readiness.js';
import { apiMetrics } from './api-metrics.js';
import { ROUTES } from './api-routes.js';
import { bearerAuth } from './bearer-auth.js';
import { errorHandler } from './http-errors.js';
import { buildOpenApi, renderApiReference, type OpenApiDocument } from './openapi.js';
import { operatorRoutes } from './operator-routes.js';
import { RouteTable } from './route-table.js';
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
  /** Bull Board's router, mounted at `/admin/queues` behind the token. */
  board?: Router;
}

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * The HTTP surface of a service process. Every process serves health and metrics; the reaper
 * service also mounts the task API. Health routes stay open; everything else sits behind the token.
 * Every route is in one RouteTable, which parses each route's input and builds the OpenAPI
 * document the reaper serves at /openapi.json and renders at /docs.
 */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // No ETag: express would hash every answer (a claim, a create) for a cache no API client keeps.
  app.disable('etag');
  const table = new RouteTable();
  table.describe(ROUTES.healthz).describe(ROUTES.readyz).describe(ROUTES.metrics);
  app.use(opsRoutes(options.readiness));
  // The console checks the token itself (a browser gets the sign-in page, not a bare 401).
  if (options.tasks) {
    const { tasks, events, incidents, kindStats, apiToken } = options;
    table.describe(ROUTES.console);
    app.use(ROUTES.console.path, consoleRoutes({ tasks, events, incidents, kindStats, apiToken, canResolve: options.resolveIncident !== undefined }));
  }
  app.use(bearerAuth(options.apiToken));
  app.use(metricsRoute(options.registry));
  app.use(express.json({ limit: '2mb' }));
  app.use(table.router);
  if (options.tasks) taskRoutes(table, options.tasks, apiMetrics(options.registry));
  if (options.tasks && options.events) operatorRoutes(table, options.tasks, options.events);
  if (options.events) {
    const events = options.events;
    table.handle(ROUTES.events, async ({ query }, _req, res) => {
      res.json({ events: await events.list(query) });
    });
  }
  if (options.kindStats) {
    const kindStats = options.kindStats;
    table.handle(ROUTES.kindStats, async (_input, req, res) => {
      res.json(await kindStats.stats(req.params.kind!));
    });
  }
  if (options.incidents) {
    const incidents = options.incidents;
    table.handle(ROUTES.incidents, async ({ query }, _req, res) => {
      res.json({ incidents: await incidents.list({ open: query.open }) });
    });
  }
  if (options.resolveIncident) {
    const resolve = options.resolveIncident;
    table.handle(ROUTES.resolveIncident, async ({ body }, req, res) => {
      const result = await resolve(req.params.id!, body.by);
      if (!result) {
        res.status(404).json({ error: `incident ${req.params.id} not found` });
        return;
      }
      res.json({ ...result.incident, released: result.released });
    });
  }
  if (options.board) {
    table.describe(ROUTES.board);
    app.use(ROUTES.board.path, options.board);
  }
  if (options.tasks) {
    // Built once, on first ask, from every route added above (the document describes itself too).
    let doc: OpenApiDocument | undefined;
    let page: string | undefined;
    const document = () => (doc ??= buildOpenApi(table.routes, VERSION));
    table.handle(ROUTES.openapi, (_input, _req, res) => {
      res.json(document());
    });
    table.handle(ROUTES.docs, (_input, _req, res) => {
      res.type('html').send((page ??= renderApiReference(document())));
    });
  }
  app.use((_req, res) => {
    res.status(404).json({ error: 'no such route' });
  });
  app.use(errorHandler(options.logger));
  return app;
}
