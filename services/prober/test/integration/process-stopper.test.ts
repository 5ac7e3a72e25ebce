import { afterEach, describe, expect, it } from 'vitest';
import type { ProbeTarget } from '@smart-reap/shared';
import { listDescendants } from '../../src/proc/process-tree.js';
import { ProcessStopper } from '../../src/stoppers/process-stopper.js';
import { Children, exited, isRunning, startTimeOf, waitFor } from '../support/children.js';

// Real process trees stopped with real signals; afterwards nothing of them may run.

const children = new Children();
afterEach(() => children.killAll());

const target = (pid: number, pidStartTime?: string): ProbeTarget => ({ taskId: 't1', runtime: { type: 'process', ref: '' }, pid, pidStartTime, host: 'h' });
const never = () => new AbortController().signal;

/** A root with `n` descendants, all identified by pid and start time once they are up. */
async function tree(script: string, n: number) {
  const root = children.sh(script);
  const pids = await waitFor(`${n} descendants`, async () => {
    const d = await listDescendants(root.pid);
    return d.length === n ? d : undefined;
  });
  const members = [root.pid, ...pids].map((pid) => ({ pid, startTime: startTimeOf(pid) }));
  return { root, members };
}

describe('process stopper on real process trees', () => {
  it('stops a runner and its descendants with SIGTERM and leaves nothing behind', async () => {
    const { root, members } = await tree('sleep 60 & sh -c "sleep 60 & wait" & wait', 3);
    const stopper = new ProcessStopper({ nodeName: 'h', graceMs: 5_000 });
    const res = await stopper.stop(target(root.pid, startTimeOf(root.pid)), never());
    expect(res.stopped).toBe(true);
    expect(res.evidence[0]).toBe(`SIGTERM sent to pid ${root.pid} (sh) and 3 descendants`);
    expect(res.evidence.join('\n')).toMatch(/all exited within \d+ ms of SIGTERM/);
    expect(res.evidence.join('\n')).not.toMatch(/SIGKILL/);
    expect(members.filter((m) => isRunning(m.pid, m.startTime))).toEqual([]);
  });

  it('SIGKILLs what ignores SIGTERM once the grace is over', async () => {
    // SIG_IGN survives exec: the sleeps ignore SIGTERM too.
    const { root, members } = await tree('trap "" TERM; sleep 60 & sleep 60 & wait', 2);
    const started = Date.now();
    const res = await new ProcessStopper({ graceMs: 300 }).stop(target(root.pid, startTimeOf(root.pid)), never());
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(res.stopped).toBe(true);
    expect(res.evidence.join('\n')).toMatch(/3 still running after the 300 ms grace .*: SIGKILL sent/);
    expect(res.evidence.at(-1)).toBe('all gone after SIGKILL');
    expect(members.filter((m) => isRunning(m.pid, m.startTime))).toEqual([]);
  });

  it('cuts the grace short when the stop budget runs out, and still kills', async () => {
    const { root, members } = await tree('trap "" TERM; sleep 60 & wait', 1);
    const started = Date.now();
    const res = await new ProcessStopper({ graceMs: 30_000 }).stop(target(root.pid, startTimeOf(root.pid)), AbortSignal.timeout(200));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(res.stopped).toBe(true);
    expect(res.evidence.join('\n')).toMatch(/when the stop budget ran out/);
    expect(members.filter((m) => isRunning(m.pid, m.startTime))).toEqual([]);
  });

  it('refuses a pid whose start time is not the claimed one, and signals nothing', async () => {
    const child = children.node();
    const start = startTimeOf(child.pid);
    const res = await new ProcessStopper().stop(target(child.pid, String(Number(start) + 1000)), never());
    expect(res).toMatchObject({ stopped: false });
    expect(res.evidence[0]).toMatch(/^pid reused, not signalled: pid \d+ is "node"/);
    expect(isRunning(child.pid, start)).toBe(true);
  });

  it('refuses a pid without a recorded start time', async () => {
    const child = children.node();
    const res = await new ProcessStopper().stop(target(child.pid), never());
    expect(res.stopped).toBe(false);
    expect(res.evidence[0]).toMatch(/no start time recorded at claim/);
    expect(isRunning(child.pid, startTimeOf(child.pid))).toBe(true);
  });

  it('counts a runner that already exited as stopped, without signalling anything', async () => {
    const child = children.node();
    const start = startTimeOf(child.pid);
    child.kill('SIGKILL');
    await exited(child);
    const res = await new ProcessStopper().stop(target(child.pid, start), never());
    expect(res).toEqual({ stopped: true, evidence: [`pid ${child.pid} already exited: nothing to signal`] });
  });

  it('never signals a runner claimed on another host', async () => {
    const child = children.node();
    const start = startTimeOf(child.pid);
    const res = await new ProcessStopper({ nodeName: 'elsewhere' }).stop(target(child.pid, start), never());
    expect(res.stopped).toBe(false);
    expect(isRunning(child.pid, start)).toBe(true);
  });
});
