import type { Express } from 'express';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  name: string;
  rawPath?: string;
  handle: { stack?: Layer[] };
}

/**
 * Every route of the app's router stack (express 5 / router 2). Routers mounted at the root are
 * walked; whatever is mounted at a path of its own (Bull Board, an express app) is one page there:
 * `GET <path>`. Plain middleware (auth, body parser, the 404 and error handlers) is no route.
 */
export function appRoutes(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') out.push(`${method.toUpperCase()} ${layer.route.path}`);
      } else if (typeof layer.rawPath === 'string' && layer.rawPath !== '/') {
        out.push(`GET ${layer.rawPath}`);
      } else if (layer.handle.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}
