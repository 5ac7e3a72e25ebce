import { describe, expect, it } from 'vitest';
import type { Task } from '@smart-reap/shared';
import { taskFixture } from '../../../../test/support/task-fixture.js';
import { PodLogSource, type PodLogs } from '../../src/log-sources/pod-log-source.js';

// No cluster runs here: the answers below are what the API server returns for a pod's log
// (plain text) and for a container that has no previous instance (400 Bad Request).
const OOM_LOG = '<--- Last few GCs --->\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n';

function task(ref: string, logRef?: string): Task {
  return taskFixture({ id: 't', runner: { runnerId: 'r', runtime: { type: 'kubernetes', ref }, claimedAt: 0, logRef } });
}

function api(answers: { previous?: string | Error; current?: string | Error }): PodLogs & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    calls,
    async readPodLog(namespace, name, o) {
      calls.push({ namespace, name, ...o });
      const a = o.previous ? answers.previous : answers.current;
      if (a instanceof Error) throw a;
      return a ?? '';
    },
  };
}

const badRequest = Object.assign(new Error('previous terminated container "agent" in pod "p" not found'), { code: 400 });

describe('pod log source', () => {
  it("reads the dead instance's log of a restarted container first, with limitBytes", async () => {
    const pods = api({ previous: OOM_LOG, current: 'restarted\n' });
    const bytes = await new PodLogSource(pods).read(task('runners/agent-7/agent'), 4096, AbortSignal.timeout(1000));
    expect(bytes?.toString()).toBe(OOM_LOG);
    expect(pods.calls[0]).toEqual({ namespace: 'runners', name: 'agent-7', container: 'agent', limitBytes: 4096, previous: true });
  });

  it('falls back to the current log when there is no previous instance', async () => {
    const pods = api({ previous: badRequest, current: OOM_LOG });
    const bytes = await new PodLogSource(pods).read(task('runners/agent-7'), 4096, AbortSignal.timeout(1000));
    expect(bytes?.toString()).toBe(OOM_LOG);
  });

  it('follows a k8s: logRef and ignores other runtimes', async () => {
    const pods = api({ current: 'x\n' });
    expect((await new PodLogSource(pods).read(task('', 'k8s:ns/pod'), 10, AbortSignal.timeout(1000)))?.toString()).toBe('x\n');
    const other = { ...task(''), runner: { runnerId: 'r', runtime: { type: 'process' as const, ref: '' }, claimedAt: 0 } };
    expect(await new PodLogSource(pods).read(other, 10, AbortSignal.timeout(1000))).toBeUndefined();
  });

  it('lets an API failure of the current log through, for the diagnosis to note', async () => {
    const pods = api({ previous: badRequest, current: Object.assign(new Error('forbidden'), { code: 403 }) });
    await expect(new PodLogSource(pods).read(task('ns/pod'), 10, AbortSignal.timeout(1000))).rejects.toThrow('forbidden');
  });
});
