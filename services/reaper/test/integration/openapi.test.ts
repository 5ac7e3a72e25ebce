import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redact } from '@smart-reap/shared';
import { ROUTES } from '../../src/api/api-routes.js';
import type { RouteSpec } from '../../src/api/route-table.js';
import { listen } from '../../src/api/service-host.js';
import type { QueueBoard } from '../../src/board/queue-board.js';
import { createTestCore } from '../../../../test/support/test-core.js';
import { fullReaperApp, jsonCaller } from './api-server.js';
import { appRoutes } from './app-routes.js';

const TOKEN = 'openapi-test-token';

type Json = Record<string, any>;

describe('GET /openapi.json: the document of the routes the app serves', () => {
  let core: Awaited<ReturnType<typeof createTestCore>>;
  let board: QueueBoard;
  let server: Server;
  let url: string;
  let routes: string[];
  let doc: Json;

  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    jsonCaller(url, { authorization: `Bearer ${TOKEN}` })(method, path, body, headers);

  beforeAll(async () => {
    // Built as `reaper start` builds the reaper's app: every optional part mounted, a token set.
    core = await createTestCore({ API_TOKEN: TOKEN });
    const built = fullReaperApp(core, TOKEN);
    board = built.board;
    const app = built.app;
    routes = appRoutes(app);
    const listening = await listen(app, 0, '127.0.0.1');
    server = listening.server;
    url = `http://127.0.0.1:${listening.port}`;
    const answer = await call('GET', '/openapi.json');
    expect(answer.status).toBe(200);
    doc = answer.json;
  });

  afterAll(async () => {
    board?.stop();
    await new Promise<void>((r) => server?.close(() => r()));
    await core?.dispose();
  });

  const operations = () =>
    Object.entries(doc.paths as Record<string, Record<string, Json>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ method, path, op, route: `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}` })),
    );

  it('is OpenAPI 3.1 with a bearer scheme, and lists exactly the routes the app serves', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearer).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(doc.security).toEqual([{ bearer: [] }]);
    const documented = operations().map((o) => o.route);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort(), 'documented (left) against served (right)').toEqual([...routes].sort());
  });

  it('marks only the health routes as open, and gives each route its refusals', () => {
    for (const { route, op } of operations()) {
      const open = route === 'GET /healthz' || route === 'GET /readyz';
      expect(op.security, route).toEqual(open ? [] : undefined);
      // The console answers 401 with its sign-in page, and says so.
      if (!open && route !== 'GET /ui') expect(op.responses['401']?.content['application/json'].schema, route).toEqual({ $ref: '#/components/schemas/Error' });
      if (op.requestBody || op.parameters?.some((p: Json) => p.in === 'query')) expect(op.responses['400']?.content['application/json'].schema, route).toEqual({ $ref: '#/components/schemas/BadRequest' });
    }
    const heartbeat = doc.paths['/tasks/{id}/heartbeat'].post;
    expect(Object.keys(heartbeat.responses).sort()).toEqual(['200', '400', '401', '403', '404', '409']);
    expect(doc.components.schemas.Forbidden.properties.code.enum).toEqual(['lease_missing', 'lease_invalid', 'runner_mismatch']);
    expect(doc.paths['/tasks/{id}'].get.parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }]);
  });

  /** A value of another JSON type than the documented one. */
  const wrongTyped = (schema: Json): unknown => {
    switch (schema.type) {
      case 'string':
        return 12345;
      case 'array':
        return 'not-an-array';
      default:
        return ['not-a-scalar'];
    }
  };

  it("each documented body is the one its route parses: a field of the wrong type, or one it does not list, is a 400 naming it", async () => {
    let checked = 0;
    for (const { method, path, op, route } of operations()) {
      const schema = op.requestBody?.content['application/json'].schema as Json | undefined;
      if (!schema) continue;
      const concrete = path.replace(/\{(\w+)\}/g, 'no-such-id');
      const unknown = await call(method.toUpperCase(), concrete, { notInTheDocument: 1 });
      expect(unknown.status, `${route} with a field it does not document`).toBe(400);
      expect(schema.additionalProperties, route).toBe(false);
      for (const [field, fieldSchema] of Object.entries(schema.properties as Record<string, Json>)) {
        if (!fieldSchema.type) continue; // any JSON (payload, output)
        const answer = await call(method.toUpperCase(), concrete, { [field]: wrongTyped(fieldSchema) });
        expect(answer.status, `${route} ${field}`).toBe(400);
        expect(answer.json.issues.map((i: Json) => i.field), `${route} ${field}`).toContain(field);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('each documented query parameter is one its route parses: a constrained one given a bad value is a 400 naming it, an unconstrained one is not', async () => {
    let checked = 0;
    for (const { path, op, route } of operations()) {
      for (const p of (op.parameters ?? []) as Json[]) {
        if (p.in !== 'query') continue;
        const concrete = path.replace(/\{(\w+)\}/g, 'no-such-id');
        const answer = await call('GET', `${concrete}?${p.name}=${encodeURIComponent('bad value: {}')}`);
        const constrained = p.schema.enum || p.schema.pattern || p.schema.type === 'integer' || p.schema.type === 'number';
        if (constrained) {
          expect(answer.status, `${route} ?${p.name}`).toBe(400);
          expect(answer.json.issues.map((i: Json) => i.field), `${route} ?${p.name}`).toContain(p.name);
          checked++;
        } else {
          expect(answer.status, `${route} ?${p.name} (documented as any string)`).not.toBe(400);
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(7);
  });

  it("answers match the response schemas the document names (a runner's whole attempt, and the refusals)", async () => {
    const expectShape = (spec: RouteSpec, answer: { status: number; json: unknown }) => {
      const schema = spec.responses[answer.status]?.schema;
      expect(schema, `a documented answer ${answer.status}`).toBeDefined();
      schema!.parse(answer.json);
    };
    const created = await call('POST', '/tasks', { kind: 'openapi', payload: { n: 1 } });
    expectShape(ROUTES.createTask, created);
    const claim = await call('POST', '/tasks/claim', { runnerId: 'r1', kinds: ['openapi'], runtime: { type: 'heartbeat' } });
    expectShape(ROUTES.claim, claim);
    const lease = { 'reaper-lease': claim.json.lease };
    const id = created.json.id as string;
    expectShape(ROUTES.heartbeat, await call('POST', `/tasks/${id}/heartbeat`, { runnerId: 'r1', progress: { ratio: 0.5 } }, lease));
    expectShape(ROUTES.appendLog, await call('POST', `/tasks/${id}/log`, { lines: ['one', 'password=hunter2'] }, lease));
    const log = await call('GET', `/tasks/${id}/log`);
    expectShape(ROUTES.readLog, log);
    expect(log.json.lines.map((l: Json) => l.line)).toEqual(['one', redact('password=hunter2')]);
    expectShape(ROUTES.getTask, await call('GET', `/tasks/${id}`));
    expectShape(ROUTES.listTasks, await call('GET', '/tasks?kind=openapi'));
    expectShape(ROUTES.complete, await call('POST', `/tasks/${id}/complete`, { runnerId: 'r1', output: 'done' }, lease));
    expectShape(ROUTES.events, await call('GET', `/events?taskId=${id}`));
    expectShape(ROUTES.incidents, await call('GET', '/incidents?open=true'));
    expectShape(ROUTES.kindStats, await call('GET', '/kinds/openapi/stats'));

    const components = doc.components.schemas as Json;
    const refusals = [
      { answer: await call('POST', `/tasks/${id}/cancel`, {}), status: 409, component: 'Conflict' },
      { answer: await call('POST', `/tasks/${id}/heartbeat`, { runnerId: 'r1' }), status: 403, component: 'Forbidden' },
      { answer: await call('GET', '/tasks/no-such-task'), status: 404, component: 'Error' },
      { answer: await call('POST', '/tasks', { kind: 'has space' }), status: 400, component: 'BadRequest' },
      { answer: await call('GET', '/tasks', undefined, { authorization: 'Bearer wrong' }), status: 401, component: 'Error' },
    ];
    for (const { answer, status, component } of refusals) {
      expect(answer.status).toBe(status);
      for (const field of components[component].required as string[]) expect(answer.json, `${status} has ${field}`).toHaveProperty(field);
      if (components[component].properties.code?.enum) expect(components[component].properties.code.enum).toContain(answer.json.code);
    }
  });

  it('is behind the token like every route but the health ones, and so is GET /docs', async () => {
    expect((await call('GET', '/openapi.json', undefined, { authorization: '' })).status).toBe(401);
    expect((await call('GET', '/docs', undefined, { authorization: '' })).status).toBe(401);
    expect((await call('GET', '/healthz', undefined, { authorization: '' })).status).toBe(200);
    const ui = await call('GET', '/ui', undefined, { authorization: '' });
    expect(ui.status).toBe(401);
    expect(Object.keys(doc.paths['/ui'].get.responses['401'].content)).toEqual([ui.type.split(';')[0]]);
  });

  it('GET /docs renders every operation of the document as HTML, with no script and nothing from elsewhere', async () => {
    const page = await call('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/text\/html/);
    for (const { method, path } of operations()) expect(page.text).toContain(`<code>${method.toUpperCase()} ${path}</code>`);
    expect(page.text).not.toMatch(/<script|https?:\/\//i);
    expect(page.text).toContain('&quot;additionalProperties&quot;: false');
  });
});
