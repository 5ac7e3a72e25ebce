import { Router } from 'express';
import type { Registry } from 'prom-client';
import type { Readiness } from './readiness.js';

/** Health and metrics: served by every service process, without auth (Kubernetes probes them). */
export function opsRoutes(readiness: Readiness): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const [problems, notices] = await Promise.all([readiness.problems(), readiness.notices()]);
    res.status(problems.length ? 503 : 200).json({ ready: problems.length === 0, problems, notices });
  });
  return r;
}

export function metricsRoute(registry: Registry): Router {
  const r = Router();
  r.get('/metrics', async (_req, res) => {
    res.set('Content-Type', registry.contentType).send(await registry.metrics());
  });
  return r;
}
