import { Router, type Request, type Response, type Router as ExpressRouter } from 'express';
import type { z } from 'zod';

export type HttpMethod = 'get' | 'post';

export interface ResponseSpec {
  description: string;
  /** The JSON body; absent for an empty answer (204) or a body that is not JSON (see contentType). */
  schema?: z.ZodType;
  /** Default application/json. */
  contentType?: string;
}

/**
 * One route of the API: what it takes and what it answers. The same object validates the
 * request (RouteTable.handle parses body and query with these schemas before the handler runs)
 * and describes it in the OpenAPI document, so the two cannot drift apart.
 */
export interface RouteSpec {
  method: HttpMethod;
  /** Express syntax: `/tasks/:id`. */
  path: string;
  summary: string;
  /** Open without the bearer token (the health routes only). Default false. */
  public?: boolean;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The body's `lease` may come in the `Reaper-Lease` header instead (runner calls). */
  leaseHeader?: boolean;
  /** Success answers by status. */
  responses: Record<number, ResponseSpec>;
  /** Refusals beyond the ones every route may give (400 for a bad body or query, 401 without the token). */
  refusals?: ReadonlyArray<403 | 404 | 405 | 409>;
}

type Parsed<T> = T extends z.ZodType ? z.output<T> : undefined;

export interface RouteInput<S extends RouteSpec> {
  body: Parsed<S['body']>;
  query: Parsed<S['query']>;
}

export type RouteHandler<S extends RouteSpec> = (input: RouteInput<S>, req: Request<Record<string, string>>, res: Response) => unknown;

/**
 * A runner call's body with the lease from the `Reaper-Lease` header when the body has none: the
 * header lets a runner keep its secret out of the JSON it logs.
 */
function withLease(req: Request): Record<string, unknown> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const header = req.get('reaper-lease');
  return header !== undefined && body.lease === undefined ? { ...body, lease: header } : body;
}

/**
 * The routes a process serves, in the order they were added, and the router that serves them.
 * `handle` mounts a route whose input its spec's schemas parse (a ZodError is the error handler's
 * 400); `describe` records a route another router serves (health, metrics, Bull Board) so the
 * document lists it too.
 */
export class RouteTable {
  readonly router: ExpressRouter = Router();
  private readonly specs: RouteSpec[] = [];

  handle<S extends RouteSpec>(spec: S, handler: RouteHandler<S>): this {
    this.specs.push(spec);
    this.router[spec.method](spec.path, async (req: Request<Record<string, string>>, res: Response) => {
      const input = {
        body: spec.body?.parse(spec.leaseHeader ? withLease(req) : (req.body ?? {})),
        query: spec.query?.parse(req.query),
      } as RouteInput<S>;
      await handler(input, req, res);
    });
    return this;
  }

  describe(spec: RouteSpec): this {
    this.specs.push(spec);
    return this;
  }

  get routes(): readonly RouteSpec[] {
    return this.specs;
  }
}
