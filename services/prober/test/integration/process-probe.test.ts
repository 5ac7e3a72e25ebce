import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProbeContext, ProbeTarget } from '@smart-reap/shared';
import { ProcessProbeAdapter } from '../../src/probes/process-adapter.js';
import { listDescendants } from '../../src/proc/process-tree.js';
import { readProcessStartTime } from '@smart-reap/shared';
import { Children, exited, firstLine, startTimeOf, stateOf, waitFor } from '../support/children.js';
import { spawnOnPid } from '../support/pid-cycle.js';

// Real processes, real signals, a real zombie: what the `process` adapter sees on this host.

const children = new Children();
afterEach(() => children.killAll());

const adapter = new ProcessProbeAdapter({ nodeName: 'this-host' });
const ctx = (): ProbeContext => ({ signal: new AbortController().signal, now: Date.now() });
const target = (pid: number | undefined, pidStartTime?: string, host = 'this-host'): ProbeTarget => ({
  taskId: 't1',
  runtime: { type: 'process', ref: '' },
  pid,
  pidStartTime,
  host,
});

/**
 * `sh` that starts a subshell running `child` in the background, prints its pid and becomes
 * `sleep`, which never waits: the child stays a zombie. Until that exec the shell itself would
 * reap a child that dies (as happens on a loaded machine), so the subshell first waits for its
 * parent ($$) to be `sleep`.
 */
async function zombie(child: string): Promise<number> {
  const held = `( while [ "$(cat /proc/$$/comm)" != sleep ]; do sleep 0.01; done; ${child} )`;
  const parent = children.sh(`${held} & echo $!; exec sleep 60`, { stdio: ['ignore', 'pipe', 'ignore'] });
  const pid = Number(await firstLine(parent));
  await waitFor('the parent to exec sleep', () => readFileSync(`/proc/${parent.pid}/comm`, 'utf8').trim() === 'sleep');
  return pid;
}

describe('process adapter on real processes', () => {
  it('reads the start time a runner records at claim', async () => {
    const child = children.node();
    expect(await readProcessStartTime(child.pid)).toBe(startTimeOf(child.pid));
    expect(await readProcessStartTime(2 ** 22 + 1)).toBeUndefined();
  });

  it('sees a live runner with its claimed start time as alive on a live host', async () => {
    const child = children.node();
    const r = await adapter.probe(target(child.pid, startTimeOf(child.pid)), ctx());
    expect(r).toMatchObject({ runtimeState: 'alive', processState: 'alive' });
    expect(r.evidence.join('\n')).toMatch(/host this-host is up[\s\S]*as at claim/);
  });

  it('pins the start time of a pid claimed without one, the first time it sees it alive', async () => {
    const child = children.node();
    const r = await adapter.probe(target(child.pid), ctx());
    expect(r).toMatchObject({ runtimeState: 'alive', processState: 'alive', pinnedPidStartTime: startTimeOf(child.pid) });
    expect(r.evidence.join('\n')).toMatch(/start time pinned at tick \d+/);
    const held = await adapter.probe(target(child.pid, startTimeOf(child.pid)), ctx());
    expect(held.pinnedPidStartTime).toBeUndefined();
  });

  it.each(['SIGKILL', 'SIGTERM'] as const)('sees a runner killed with %s as dead once it is gone', async (sig) => {
    const child = children.node();
    const start = startTimeOf(child.pid);
    child.kill(sig);
    await exited(child);
    const r = await adapter.probe(target(child.pid, start), ctx());
    expect(r).toMatchObject({ runtimeState: 'alive', processState: 'dead' });
    expect(r.evidence).toContain(`pid ${child.pid} not found: the process has exited`);
  });

  it('sees a zombie as dead, with the exit code the kernel keeps for its parent', async () => {
    const pid = await zombie('exit 3');
    await waitFor('the child to become a zombie', () => stateOf(pid) === 'Z');
    const r = await adapter.probe(target(pid, startTimeOf(pid)), ctx());
    expect(r).toMatchObject({ runtimeState: 'alive', processState: 'dead', exitCode: 3 });
    expect(r.evidence.join('\n')).toMatch(/is a zombie: exited with code 3/);
  });

  it('sees a zombie killed by a signal as dead, with the signal', async () => {
    const pid = await zombie('exec sleep 60');
    const start = startTimeOf(pid);
    process.kill(pid, 'SIGKILL');
    await waitFor('the child to become a zombie', () => stateOf(pid) === 'Z');
    const r = await adapter.probe(target(pid, start), ctx());
    expect(r).toMatchObject({ processState: 'dead', signal: 'SIGKILL' });
    expect(r.exitCode).toBeUndefined();
    expect(r.evidence.join('\n')).toMatch(/killed by SIGKILL/);
  });

  it('takes a live pid with another start time for a reused pid: dead, never alive', async () => {
    const child = children.node();
    const claimed = String(Number(startTimeOf(child.pid)) - 500);
    const r = await adapter.probe(target(child.pid, claimed), ctx());
    expect(r).toMatchObject({ runtimeState: 'alive', processState: 'dead' });
    expect(r.evidence.join('\n')).toMatch(/^pid reused: pid \d+ is now "node"/m);
  });

  it('sees a pid really recycled by another process as reused (when this kernel lets the test pick pids)', async (t) => {
    const first = children.node();
    const claimedStart = startTimeOf(first.pid);
    // Start times tick at 1/100 s: let the next process start on a later tick.
    await new Promise((r) => setTimeout(r, 50));
    first.kill('SIGKILL');
    await exited(first);
    const second = await spawnOnPid(children, first.pid, 'setInterval(() => {}, 1000)');
    if (!second) return t.skip('cannot write /proc/sys/kernel/ns_last_pid here (needs CAP_SYS_ADMIN) or the pid was taken');
    expect(startTimeOf(second.pid)).not.toBe(claimedStart);
    const r = await adapter.probe(target(second.pid, claimedStart), ctx());
    expect(r.processState).toBe('dead');
    expect(r.evidence.join('\n')).toMatch(/pid reused/);
  });

  it('cannot judge a runner without a pid: process unknown, never dead', async () => {
    const r = await adapter.probe(target(undefined), ctx());
    expect(r).toMatchObject({ runtimeState: 'alive', processState: 'unknown' });
  });

  it('does not judge a runner claimed on another host: both axes unknown', async () => {
    const r = await adapter.probe(target(2 ** 22 + 1, '1', 'other-host'), ctx());
    expect(r).toMatchObject({ runtimeState: 'unknown', processState: 'unknown' });
    expect(r.evidence[0]).toMatch(/lives on host other-host/);
  });

  it('lists a real process tree: children and grandchildren', async () => {
    const root = children.sh('sleep 60 & sh -c "sleep 60 & wait" & wait');
    const pids = await waitFor('three descendants', async () => {
      const d = await listDescendants(root.pid);
      return d.length === 3 ? d : undefined;
    });
    const comm = (pid: number) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    expect(pids.map(comm).sort()).toEqual(['sh', 'sleep', 'sleep']);
    const inner = pids.find((p) => comm(p) === 'sh')!;
    expect(await listDescendants(inner)).toHaveLength(1);
    expect(pids).not.toContain(root.pid);
  });

  describe('a runner with a reporter (reaper run names itself)', () => {
    const withReporter = (runner: number, runnerStart: string, reporter: number, taskId = 'tr'): ProbeTarget => ({
      ...target(runner, runnerStart),
      taskId,
      reporter: { pid: reporter, pidStartTime: startTimeOf(reporter) },
    });

    it('gone while its reporter lives: unknown within the grace, dead once the grace ran out', async () => {
      const graced = new ProcessProbeAdapter({ nodeName: 'this-host', exitReportGraceMs: 1000 });
      const runner = children.node();
      const start = startTimeOf(runner.pid);
      runner.kill('SIGKILL');
      await exited(runner);
      const t0 = Date.now();
      const at = (ms: number): ProbeContext => ({ ...ctx(), now: t0 + ms });
      const first = await graced.probe(withReporter(runner.pid, start, process.pid), at(0));
      expect(first).toMatchObject({ runtimeState: 'alive', processState: 'unknown' });
      expect(first.evidence.join('\n')).toMatch(/not found[\s\S]*reporter pid \d+: .*running.*reporting the exit/);
      expect((await graced.probe(withReporter(runner.pid, start, process.pid), at(900))).processState).toBe('unknown');
      const late = await graced.probe(withReporter(runner.pid, start, process.pid), at(1000));
      expect(late.processState).toBe('dead');
      expect(late.evidence.join('\n')).toMatch(/has not reported the exit within 1000 ms/);
    });

    it('gone with its reporter gone too: dead at the first look', async () => {
      const runner = children.node();
      const reporter = children.node();
      const [start, reporterTarget] = [startTimeOf(runner.pid), withReporter(runner.pid, startTimeOf(runner.pid), reporter.pid, 'tr2')];
      reporter.kill('SIGKILL');
      runner.kill('SIGKILL');
      await Promise.all([exited(runner), exited(reporter)]);
      const r = await adapter.probe({ ...reporterTarget, pidStartTime: start }, ctx());
      expect(r.processState).toBe('dead');
      expect(r.evidence.join('\n')).toMatch(/reporter is gone too/);
    });

    it('alive: the reporter is not looked at', async () => {
      const runner = children.node();
      const r = await adapter.probe(withReporter(runner.pid, startTimeOf(runner.pid), process.pid, 'tr3'), ctx());
      expect(r).toMatchObject({ runtimeState: 'alive', processState: 'alive' });
      expect(r.evidence.join('\n')).not.toMatch(/reporter/);
    });
  });
});
