import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeContext, ProbeTarget } from '@smart-reap/shared';
import { TmuxProbeAdapter } from '../../src/probes/tmux-adapter.js';
import { listDescendants } from '../../src/proc/process-tree.js';
import { TmuxStopper } from '../../src/stoppers/tmux-stopper.js';
import { isRunning, startTimeOf, waitFor } from '../support/children.js';
import { TmuxServer, requireTmux } from '../support/tmux-server.js';

// Real tmux servers, each on a private socket (never the user's), killed after every test. Refs
// name the socket by path (`/tmp/…/sock:session`) except where the `-L` name form is tested.

const servers: TmuxServer[] = [];
function server(o: { remainOnExit?: boolean; byName?: boolean } = {}): TmuxServer {
  const s = new TmuxServer(o);
  servers.push(s);
  return s;
}

beforeAll(() => {
  requireTmux();
});
afterEach(() => {
  for (const s of servers.splice(0)) s.dispose();
});

const adapter = new TmuxProbeAdapter({ nodeName: 'h' });
const ctx = (): ProbeContext => ({ signal: new AbortController().signal, now: Date.now() });
const target = (ref: string, pid?: number, pidStartTime?: string): ProbeTarget => ({ taskId: 't1', runtime: { type: 'tmux', ref }, pid, pidStartTime, host: 'h' });

describe('tmux adapter on a real tmux server', () => {
  it('sees a live session whose first pane runs as alive/alive', async () => {
    const tmux = server();
    tmux.newSession('agent', 'sleep 60');
    const r = await adapter.probe(target(tmux.ref('agent')), ctx());
    expect(r).toMatchObject({ runtimeState: 'alive', processState: 'alive' });
    expect(r.evidence[0]).toBe(`tmux session agent (socket ${tmux.socket}) exists`);
  });

  it('sees a pane whose command threw as dead inside a live session, with its exit code', async () => {
    const tmux = server({ remainOnExit: true });
    tmux.newSession('agent', `${process.execPath} -e 'throw new Error("x")'`);
    // For an instant the pane can be dead while neither tmux nor /proc holds its status yet: dead
    // is right then, the exit code only comes a moment later.
    const r = await waitFor('the pane to die with its status known', async () => {
      const res = await adapter.probe(target(tmux.ref('agent')), ctx());
      return res.processState === 'dead' && res.exitCode !== undefined ? res : undefined;
    });
    expect(r).toMatchObject({ runtimeState: 'alive', processState: 'dead', exitCode: 1 });
    // Seen from tmux once it has reaped the pane's process, from /proc while it is a zombie.
    expect(r.evidence[1]).toMatch(/^pane 0\.0\b.*(dead|zombie): exited with code 1$/);
  });

  it('sees a pane killed by a signal as dead, with the signal', async () => {
    const tmux = server({ remainOnExit: true });
    tmux.newSession('agent', 'sleep 60');
    process.kill(tmux.panePid('agent'), 'SIGKILL');
    const r = await waitFor('the pane to die with its status known', async () => {
      const res = await adapter.probe(target(tmux.ref('agent')), ctx());
      return res.processState === 'dead' && res.signal !== undefined ? res : undefined;
    });
    expect(r).toMatchObject({ runtimeState: 'alive', processState: 'dead', signal: 'SIGKILL' });
  });

  it('checks a recorded runner pid by its start time: same → alive, other → dead as reused', async () => {
    const tmux = server();
    tmux.newSession('agent', 'sleep 60');
    const pid = tmux.panePid('agent');
    const start = startTimeOf(pid);
    expect(await adapter.probe(target(tmux.ref('agent'), pid, start), ctx())).toMatchObject({ runtimeState: 'alive', processState: 'alive' });
    const reused = await adapter.probe(target(tmux.ref('agent'), pid, String(Number(start) - 100)), ctx());
    expect(reused).toMatchObject({ runtimeState: 'alive', processState: 'dead' });
    expect(reused.evidence[1]).toMatch(/^pid reused/);
  });

  it('takes the exit status of a recorded runner pid from its dead pane, since tmux reaped it', async () => {
    const tmux = server({ remainOnExit: true });
    tmux.newSession('agent', 'sleep 0.3; exit 7');
    const pid = tmux.panePid('agent');
    const start = startTimeOf(pid);
    const r = await waitFor('the pane to die', async () => {
      const res = await adapter.probe(target(tmux.ref('agent'), pid, start), ctx());
      return res.processState === 'dead' ? res : undefined;
    });
    expect(r).toMatchObject({ runtimeState: 'alive', processState: 'dead', exitCode: 7 });
  });

  it('sees a killed session as dead on both axes', async () => {
    const tmux = server();
    tmux.newSession('agent', 'sleep 60');
    tmux.newSession('keep-server-up', 'sleep 60');
    tmux.tmux('kill-session', '-t', '=agent');
    const r = await adapter.probe(target(tmux.ref('agent')), ctx());
    expect(r).toMatchObject({ runtimeState: 'dead', processState: 'dead' });
    expect(r.evidence[0]).toMatch(/tmux session agent .* not found/);
  });

  it('never answers for task-1 with a live task-12 (tmux matches bare names by prefix)', async () => {
    const tmux = server();
    tmux.newSession('task-12', 'sleep 60');
    expect((await adapter.probe(target(tmux.ref('task-1')), ctx())).runtimeState).toBe('dead');
  });

  it('sees a socket with no server behind it as dead, and uses the default socket option for bare refs', async () => {
    const tmux = server({ byName: true });
    expect((await adapter.probe(target(tmux.ref('agent')), ctx())).runtimeState).toBe('dead');
    tmux.newSession('agent', 'sleep 60');
    const viaOption = new TmuxProbeAdapter({ socketName: tmux.socket });
    expect(await viaOption.probe(target('agent'), ctx())).toMatchObject({ runtimeState: 'alive', processState: 'alive' });
  });

  it('is unknown, never dead, when tmux itself cannot be run', async () => {
    const broken = new TmuxProbeAdapter({ tmuxPath: '/nonexistent/tmux' });
    const r = await broken.probe(target('x:agent'), ctx());
    expect(r).toMatchObject({ runtimeState: 'unknown', processState: 'unknown' });
    expect(r.evidence[0]).toMatch(/tmux not found/);
  });
});

describe('tmux stopper on a real tmux server', () => {
  it('kills the pane process trees, even what ignores SIGHUP and SIGTERM, then the session', async () => {
    // remain-on-exit keeps the session after its pane dies, so the kill-session step is seen.
    const tmux = server({ remainOnExit: true });
    tmux.newSession('agent', 'trap "" HUP TERM; sleep 60 & sleep 60 & wait');
    const pane = tmux.panePid('agent');
    const kids = await waitFor('two children in the pane', async () => {
      const d = await listDescendants(pane);
      return d.length === 2 ? d : undefined;
    });
    const members = [pane, ...kids].map((pid) => ({ pid, startTime: startTimeOf(pid) }));
    const res = await new TmuxStopper({ graceMs: 200 }).stop(target(tmux.ref('agent')), new AbortController().signal);
    expect(res.stopped).toBe(true);
    expect(res.evidence.join('\n')).toMatch(/pane 0\.0: 3 still running after the 200 ms grace .*SIGKILL sent/);
    expect(res.evidence.at(-1)).toBe(`tmux session agent (socket ${tmux.socket}) killed`);
    expect(members.filter((m) => isRunning(m.pid, m.startTime))).toEqual([]);
    expect((await adapter.probe(target(tmux.ref('agent')), ctx())).runtimeState).toBe('dead');
  });

  it('stops a recorded runner pid inside the pane together with the pane, under one grace', async () => {
    const tmux = server({ remainOnExit: true });
    tmux.newSession('agent', 'trap "" TERM; sleep 60 & wait');
    const pane = tmux.panePid('agent');
    const [runner] = await waitFor('the runner in the pane', async () => {
      const d = await listDescendants(pane);
      return d.length === 1 ? d : undefined;
    });
    const members = [pane, runner!].map((pid) => ({ pid, startTime: startTimeOf(pid) }));
    const started = Date.now();
    const res = await new TmuxStopper({ graceMs: 1_000 }).stop(target(tmux.ref('agent'), runner, startTimeOf(runner!)), new AbortController().signal);
    // Both trees ignore SIGTERM: one after the other would take two graces.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(Date.now() - started).toBeLessThan(1_900);
    expect(res.stopped).toBe(true);
    expect(res.evidence[0]).toBe(`SIGTERM sent to pid ${runner} (sleep) and 0 descendants`);
    expect(res.evidence.some((e) => e.startsWith('pane 0.0: SIGTERM sent'))).toBe(true);
    expect(res.evidence.at(-1)).toMatch(/ killed$/);
    expect(members.filter((m) => isRunning(m.pid, m.startTime))).toEqual([]);
  });

  it('refuses to signal a recorded pid that was reused, yet still kills the session', async () => {
    const tmux = server({ remainOnExit: true });
    tmux.newSession('agent', 'sleep 60');
    const pane = tmux.panePid('agent');
    const res = await new TmuxStopper({ graceMs: 200 }).stop(target(tmux.ref('agent'), pane, String(Number(startTimeOf(pane)) + 100)), new AbortController().signal);
    expect(res.evidence[0]).toMatch(/^pid reused, not signalled/);
    expect(res.stopped).toBe(true);
    expect(res.evidence.at(-1)).toMatch(/killed$/);
  });

  it('lets a session without remain-on-exit end with its panes', async () => {
    const tmux = server();
    tmux.newSession('agent', 'sleep 60');
    tmux.newSession('keep-server-up', 'sleep 60');
    const res = await new TmuxStopper({ graceMs: 200 }).stop(target(tmux.ref('agent')), new AbortController().signal);
    expect(res.stopped).toBe(true);
    expect(res.evidence.at(-1)).toMatch(/ (killed|ended with its panes)$/);
    expect((await adapter.probe(target(tmux.ref('agent')), ctx())).runtimeState).toBe('dead');
    expect((await adapter.probe(target(tmux.ref('keep-server-up')), ctx())).runtimeState).toBe('alive');
  });

  it('reports a session that is already gone as stopped', async () => {
    const tmux = server();
    const res = await new TmuxStopper().stop(target(tmux.ref('agent')), new AbortController().signal);
    expect(res).toEqual({ stopped: true, evidence: [`tmux session agent (socket ${tmux.socket}) already gone`] });
  });
});
