import type { Server } from 'node:http';
import { Registry } from 'prom-client';
import { createLogger, type Config } from '@smart-reap/shared';
import { createTestCore } from '../../../../test/support/test-core.js';
import { createApp } from '../../src/api/create-app.js';
import { createQueueBoard } from '../../src/board/queue-board.js';
import { IncidentResolver } from '../../src/incidents/incident-resolver.js';
import { Readiness, redisPingCheck } from '../../src/ops/readiness.js';
import { listen, type ListenOptions } from '../../src/api/service-host.js';

/** The task API in-process on a free port over a test core. */
export async function startTestApi(values: Partial<Record<keyof Config, string | number | boolean>> = {}, listenOptions: ListenOptions = {}) {
  const core = await createTestCore(values);
  const readiness = new Readiness();
  readiness.add(redisPingCheck(core.redis));
  const registry = new Registry();
  const app = createApp({
    tasks: core.tasks,
    events: core.events,
    readiness,
    registry,
    logger: createLogger('test', 'silent'),
    apiToken: core.config.API_TOKEN,
  });
  const { server, port } = await listen(app, 0, '127.0.0.1', listenOptions);
  const url = `http://127.0.0.1:${port}`;
  const call = jsonCaller(url);
  return {
    core,
    url,
    readiness,
    call,
    async close() {
      await new Promise<void>((r) => (server as Server).close(() => r()));
      await core.dispose();
    },
  };
}

/**
 * Calls `url`'s routes with JSON: a string body goes as it is (to send broken JSON), anything else
 * stringified; the answer's JSON is parsed when it is JSON, else left undefined beside its text.
 */
export function jsonCaller(url: string, defaultHeaders: Record<string, string> = {}) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(url + path, {
      method,
      headers: { ...defaultHeaders, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text, headers: res.headers, type: res.headers.get('content-type') ?? '' };
  };
}

/** The reaper's app as `reaper start` builds it: every optional part mounted (incidents, kinds, Bull Board). */
export function fullReaperApp(core: Awaited<ReturnType<typeof createTestCore>>, apiToken?: string) {
  const board = createQueueBoard(core.queues);
  const resolver = new IncidentResolver({ incidents: core.incidents, store: core.store, queues: core.queues, events: core.events });
  const app = createApp({
    tasks: core.tasks,
    events: core.events,
    kindStats: core.kindStats,
    incidents: core.incidents,
    resolveIncident: (id, by) => resolver.resolve(id, by),
    readiness: new Readiness(),
    registry: new Registry(),
    logger: createLogger('test', 'silent'),
    apiToken,
    board: board.router,
  });
  return { app, board };
}
