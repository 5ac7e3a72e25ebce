import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@smart-reap/shared';
import { createApp } from '../../src/api/create-app.js';
import { createQueueBoard, type QueueBoard } from '../../src/board/queue-board.js';
import { IncidentResolver } from '../../src/incidents/incident-resolver.js';
import { Readiness } from '../../src/ops/readiness.js';
import { createTestCore } from '../../../../test/support/test-core.js';
import { appRoutes } from './app-routes.js';

const DOC = new URL('../../../../docs/api.md', import.meta.url);

/** `METHOD /path` of every row of the table under `## Routes` in docs/api.md. */
function documentedRoutes(markdown: string): string[] {
  const section = markdown.split(/^## /m).find((s) => s.startsWith('Routes\n'));
  if (!section) throw new Error('docs/api.md has no "## Routes" section');
  return [...section.matchAll(/^\|\s*`([A-Z]+ \/[^`]*)`\s*\|/gm)].map((m) => m[1]!);
}

describe('docs/api.md lists exactly the routes of the app', () => {
  let dispose: (() => Promise<void>) | undefined;
  let board: QueueBoard | undefined;
  afterEach(async () => {
    board?.stop();
    await dispose?.();
  });

  it('every documented route exists, and every route is documented', async () => {
    // Built as `reaper start` builds the reaper's app: every optional part mounted.
    const core = await createTestCore();
    dispose = core.dispose;
    board = createQueueBoard(core.queues);
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
      board: board.router,
    });
    const documented = documentedRoutes(readFileSync(DOC, 'utf8'));
    const served = appRoutes(app);
    expect(new Set(documented).size, 'a route is documented twice').toBe(documented.length);
    expect([...served].sort(), 'served (left) against documented (right)').toEqual([...documented].sort());
  });
});
