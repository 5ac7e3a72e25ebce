import { z } from 'zod';
import { BadRequestBodySchema, ConflictBodySchema, ErrorBodySchema, ForbiddenBodySchema } from '@smart-reap/shared';
import type { RouteSpec } from './route-table.js';

type JsonSchema = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, JsonSchema> };
  security: Array<Record<string, string[]>>;
  paths: Record<string, Record<string, Operation>>;
}

interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: JsonSchema;
  description?: string;
}

interface Operation {
  operationId: string;
  summary: string;
  security?: Array<Record<string, string[]>>;
  parameters?: Parameter[];
  requestBody?: { required: boolean; content: { 'application/json': { schema: JsonSchema } } };
  responses: Record<string, { description: string; content?: Record<string, { schema?: JsonSchema }> }>;
}

/** The strings z.stringbool() takes (its defaults, any case). */
const STRINGBOOL_VALUES = ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off', 'y', 'n', 'enabled', 'disabled'];

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) of what a client sends (`input`) or gets (`output`). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    // z.stringbool() reads as a bare string; say which strings it takes (a query flag like `open`).
    override: (ctx) => {
      const def = (ctx.zodSchema as unknown as { _zod: { def: { type: string; out?: { _zod: { def: { type: string } } } } } })._zod.def;
      if (io === 'input' && def.type === 'pipe' && def.out?._zod.def.type === 'boolean') ctx.jsonSchema.enum = STRINGBOOL_VALUES;
    },
  }) as JsonSchema;
  return rest;
}

/** `/tasks/:id` → `/tasks/{id}`, and the names of its parameters. */
function openApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const converted = path.replace(/:([A-Za-z_]\w*)/g, (_m, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: converted, params };
}

const REFUSALS: Record<number, { description: string; schema: string }> = {
  400: { description: 'invalid body or query: `issues` names each field and the reason; nothing changed', schema: 'BadRequest' },
  401: { description: 'bearer token missing or wrong', schema: 'Error' },
  403: { description: "the lease: `lease_missing`, `lease_invalid`, `runner_mismatch`; nothing changed", schema: 'Forbidden' },
  404: { description: 'no such task, incident or route', schema: 'Error' },
  405: { description: 'a board action while BOARD_WRITE is not true', schema: 'Error' },
  409: { description: 'transition refused, or the attempt has ended (`runner_fenced`); nothing changed', schema: 'Conflict' },
};

function operation(spec: RouteSpec, params: string[]): Operation {
  const parameters: Parameter[] = params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  if (spec.query) {
    const query = jsonSchema(spec.query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      const { description, ...rest } = schema as { description?: string };
      parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema: rest, ...(description ? { description } : {}) });
    }
  }
  const responses: Operation['responses'] = {};
  for (const [status, answer] of Object.entries(spec.responses)) {
    responses[status] = {
      description: answer.description,
      ...(answer.schema
        ? { content: { [answer.contentType ?? 'application/json']: { schema: jsonSchema(answer.schema, 'output') } } }
        : answer.contentType
          ? { content: { [answer.contentType]: {} } }
          : {}),
    };
  }
  const refusals = [...(spec.body || spec.query ? [400] : []), ...(spec.public ? [] : [401]), ...(spec.refusals ?? [])];
  // A route that answers a refusal in its own form (the console's sign-in page) documents it itself.
  for (const status of refusals.filter((st) => !(st in spec.responses))) {
    const refusal = REFUSALS[status]!;
    responses[String(status)] = { description: refusal.description, content: { 'application/json': { schema: { $ref: `#/components/schemas/${refusal.schema}` } } } };
  }
  return {
    operationId: `${spec.method}${spec.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: spec.summary,
    ...(spec.public ? { security: [] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(spec.body ? { requestBody: { required: false, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } } } : {}),
    responses,
  };
}

/**
 * The OpenAPI 3.1 document of the routes a process serves, built from their specs: the request
 * schemas are the zod schemas the routes parse, converted by zod itself (z.toJSONSchema).
 */
export function buildOpenApi(routes: readonly RouteSpec[], version: string): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const spec of routes) {
    const { path, params } = openApiPath(spec.path);
    (paths[path] ??= {})[spec.method] = operation(spec, params);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'smart-reap',
      version,
      description: 'A supervisor for long-running tasks. Every route but /healthz and /readyz needs `Authorization: Bearer <API_TOKEN>` when the service has a token.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API_TOKEN' } },
      schemas: {
        BadRequest: jsonSchema(BadRequestBodySchema, 'output'),
        Error: jsonSchema(ErrorBodySchema, 'output'),
        Forbidden: jsonSchema(ForbiddenBodySchema, 'output'),
        Conflict: jsonSchema(ConflictBodySchema, 'output'),
      },
    },
    security: [{ bearer: [] }],
    paths,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Inline code spans of a description (`x`), the only markup the summaries use. */
function prose(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function schemaBlock(schema: unknown): string {
  return `<pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre>`;
}

/**
 * The API reference as one HTML page, rendered here from the document (no script, nothing from a
 * CDN): each route with its parameters, its body's schema and its answers.
 */
export function renderApiReference(doc: OpenApiDocument): string {
  const sections: string[] = [];
  const index: string[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const anchor = escapeHtml(op.operationId);
      const title = `${method.toUpperCase()} ${path}`;
      index.push(`<li><a href="#${anchor}"><code>${escapeHtml(title)}</code></a> ${prose(op.summary)}</li>`);
      const parts = [`<section id="${anchor}"><h2><code>${escapeHtml(title)}</code></h2><p>${prose(op.summary)}${op.security?.length === 0 ? ' <em>(no token needed)</em>' : ''}</p>`];
      if (op.parameters?.length) {
        parts.push('<h3>Parameters</h3><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th></tr>');
        for (const p of op.parameters) {
          parts.push(`<tr><td><code>${escapeHtml(p.name)}</code></td><td>${p.in}</td><td>${p.required ? 'yes' : 'no'}</td><td><code>${escapeHtml(JSON.stringify(p.schema))}</code>${p.description ? ` ${prose(p.description)}` : ''}</td></tr>`);
        }
        parts.push('</table>');
      }
      if (op.requestBody) parts.push(`<h3>Body (JSON)</h3>${schemaBlock(op.requestBody.content['application/json'].schema)}`);
      parts.push('<h3>Answers</h3>');
      for (const [status, answer] of Object.entries(op.responses)) {
        const content = Object.entries(answer.content ?? {});
        parts.push(`<h4>${escapeHtml(status)} — ${prose(answer.description)}</h4>`);
        for (const [type, media] of content) parts.push(media.schema ? schemaBlock(media.schema) : `<p><code>${escapeHtml(type)}</code></p>`);
      }
      parts.push('</section>');
      sections.push(parts.join('\n'));
    }
  }
  const shared = Object.entries(doc.components.schemas).map(([name, schema]) => `<h3 id="schema-${escapeHtml(name)}">${escapeHtml(name)}</h3>${schemaBlock(schema)}`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(doc.info.title)} API ${escapeHtml(doc.info.version)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}pre{background:#f4f4f4;padding:.5rem;overflow:auto;font-size:13px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}section{border-top:1px solid #ddd;margin-top:1.5rem}</style>
</head><body>
<h1>${escapeHtml(doc.info.title)} API ${escapeHtml(doc.info.version)}</h1>
<p>${prose(doc.info.description)} The machine-readable document: <a href="openapi.json"><code>/openapi.json</code></a> (OpenAPI ${doc.openapi}).</p>
<ul>${index.join('\n')}</ul>
${sections.join('\n')}
<section><h2>Error bodies</h2>${shared.join('\n')}</section>
</body></html>
`;
}
