import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '@smart-reap/shared';
import { TmuxServer, requireTmux } from '../../../prober/test/support/tmux-server.js';
import { waitFor } from '../../../prober/test/support/children.js';
import { TmuxPaneLogSource } from '../../src/log-sources/tmux-pane-log-source.js';

// A real tmux server on a private socket, as a runner on its own server would have.
const servers: TmuxServer[] = [];
beforeAll(() => {
  requireTmux();
});
afterEach(() => {
  for (const s of servers.splice(0)) s.dispose();
});

const task = (ref: string): Task => ({ id: 't', runner: { runnerId: 'r', runtime: { type: 'tmux', ref }, claimedAt: 0 } }) as unknown as Task;
const source = new TmuxPaneLogSource();

describe('tmux pane log source', () => {
  it("reads the pane of a session on the runner's own socket, by the same ref the prober reads", async () => {
    const tmux = new TmuxServer({ remainOnExit: true });
    servers.push(tmux);
    // The short sleep lets tmux read the pane's output before its process exits: a command that
    // exits at once can leave a dead pane whose last lines tmux never read (seen under load).
    tmux.newSession('agent', `sh -c 'echo step 1; echo "Traceback (most recent call last):"; echo "KeyError: choices"; sleep 0.3; exit 1'`);
    const tail = await waitFor('the pane to show the traceback', async () => {
      const bytes = await source.read(task(tmux.ref('agent')), 4096, AbortSignal.timeout(5000));
      return bytes?.toString().includes('KeyError') ? bytes.toString() : undefined;
    }, 15_000);
    expect(tail).toMatch(/step 1\nTraceback \(most recent call last\):\nKeyError: choices\n/);
  });

  it('a session that is not there fails, for the next source to be tried', async () => {
    const tmux = new TmuxServer();
    servers.push(tmux);
    tmux.newSession('other', 'sleep 60');
    await expect(source.read(task(tmux.ref('agent')), 4096, AbortSignal.timeout(5000))).rejects.toThrow();
  });
});
