import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { QueueBoard } from '../../src/board/queue-board.js';
import { createTestCore } from '../../../../test/support/test-core.js';
import { fullReaperApp } from './api-server.js';
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
    const built = fullReaperApp(core);
    board = built.board;
    const app = built.app;
    const documented = documentedRoutes(readFileSync(DOC, 'utf8'));
    const served = appRoutes(app);
    expect(new Set(documented).size, 'a route is documented twice').toBe(documented.length);
    expect([...served].sort(), 'served (left) against documented (right)').toEqual([...documented].sort());
  });
});
