import type { Server } from 'node:http';
import { Registry } from 'prom-client';
import { createLogger, type Config } from '@smart-reap/shared';
import { createTestCore } from '../../../../test/support/test-core.js';
import { createApp } from '../../src/api/create-app.js';
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
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(url + path, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text, headers: res.headers };
  };
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
