import { describe, expect, it } from 'vitest';
import { ApiException } from '@kubernetes/client-node';
import type { ProbeContext, ProbeTarget } from '@smart-reap/shared';
import type { PodApi, PodView } from '../../src/kubernetes/pod-api.js';
import { parsePodRef } from '../../src/kubernetes/pod-ref.js';
import { KubernetesProbeAdapter } from '../../src/probes/kubernetes-adapter.js';
import { KubernetesStopper } from '../../src/stoppers/kubernetes-stopper.js';
import { k8sFixture, type K8sFixture } from '../support/k8s-fixtures.js';

// No cluster runs here: the pod API answers with recorded JSON (test/fixtures/k8s), and an error
// answer is raised as the client library raises it (ApiException with the HTTP code). The real
// client against a stand-in API server is covered in test/integration/kubernetes-client.test.ts.

/** A PodApi that answers every read with one recorded API answer. */
function recorded(name: K8sFixture | { status: number }): PodApi & { deleted: string[] } {
  const deleted: string[] = [];
  const answer = async (): Promise<PodView> => {
    if (typeof name === 'object') throw new ApiException(name.status, 'Unknown API Status Code!', { kind: 'Status', code: name.status }, {});
    const body = k8sFixture(name);
    if (body.kind === 'Status') throw new ApiException(body.code ?? 500, 'Unknown API Status Code!', body, {});
    return body as PodView;
  };
  return {
    deleted,
    readPod: answer,
    async deletePod(namespace, pod) {
      await answer();
      deleted.push(`${namespace}/${pod}`);
    },
  };
}

const ctx = (): ProbeContext => ({ signal: new AbortController().signal, now: Date.now() });
const target = (ref: string): ProbeTarget => ({ taskId: 't1', runtime: { type: 'kubernetes', ref } });
const probe = (fixture: K8sFixture | { status: number }, ref = 'agents/agent-7/runner') => new KubernetesProbeAdapter(recorded(fixture)).probe(target(ref), ctx());

describe('kubernetes pod refs', () => {
  it('reads namespace/pod and namespace/pod/container', () => {
    expect(parsePodRef('agents/agent-7')).toEqual({ namespace: 'agents', pod: 'agent-7' });
    expect(parsePodRef('agents/agent-7/runner')).toEqual({ namespace: 'agents', pod: 'agent-7', container: 'runner' });
  });

  it('rejects anything else', () => {
    for (const bad of ['', 'agent-7', 'agents/', '/agent-7', 'a/b/c/d', 'Agents/x', 'agents/agent_7', 'a/b/']) expect(() => parsePodRef(bad)).toThrow(/namespace\/pod/);
  });
});

describe('kubernetes adapter on recorded API answers', () => {
  it('running pod, running container → alive/alive', async () => {
    const r = await probe('running');
    expect(r).toMatchObject({ runtimeState: 'alive', processState: 'alive' });
    expect(r.evidence).toEqual(['pod agents/agent-7: pod phase Running on node worker-3', 'container runner running since 2026-11-22T21:03:15Z']);
  });

  it('without a container in the ref, looks at the first container of the spec, not of the status list', async () => {
    const r = await probe('running', 'agents/agent-7');
    expect(r.evidence[1]).toMatch(/^container runner running/);
    expect((await probe('running', 'agents/agent-7/log-shipper')).evidence[1]).toMatch(/^container log-shipper running/);
  });

  it('a container the pod does not have → process unknown, never dead', async () => {
    const r = await probe('running', 'agents/agent-7/nope');
    expect(r).toMatchObject({ runtimeState: 'alive', processState: 'unknown', evidence: [expect.any(String), 'pod has no container named nope'] });
  });

  it('OOMKilled → runtime dead (pod Failed), process dead with exit code 137 and SIGKILL', async () => {
    const r = await probe('oomkilled');
    expect(r).toMatchObject({ runtimeState: 'dead', processState: 'dead', exitCode: 137, signal: 'SIGKILL' });
    expect(r.evidence[1]).toBe('container runner terminated: OOMKilled, exit code 137 (128 + SIGKILL) at 2026-11-22T21:41:52Z');
  });

  it('segfault → exit code 139, SIGSEGV, with the termination message', async () => {
    const r = await probe('segfault-139');
    expect(r).toMatchObject({ processState: 'dead', exitCode: 139, signal: 'SIGSEGV' });
    expect(r.evidence[1]).toMatch(/Error, exit code 139 \(128 \+ SIGSEGV\), message: Segmentation fault \(core dumped\)/);
  });

  it('SIGTERM → exit code 143, SIGTERM', async () => {
    expect(await probe('sigterm-143')).toMatchObject({ runtimeState: 'dead', processState: 'dead', exitCode: 143, signal: 'SIGTERM' });
  });

  it('CrashLoopBackOff → runtime alive (pod Running), process dead with the last termination', async () => {
    const r = await probe('crashloopbackoff', 'agents/agent-pool-6d8f9b7c5-x2kqp/runner');
    expect(r).toMatchObject({ runtimeState: 'alive', processState: 'dead', exitCode: 1 });
    expect(r.signal).toBeUndefined();
    expect(r.evidence[1]).toMatch(/^container runner waiting \(CrashLoopBackOff: back-off 40s .*\), restarted 3 times; last terminated: Error, exit code 1, message: Error: ANTHROPIC_API_KEY is not set/);
  });

  it('pending pod, container still being created → runtime alive, process unknown', async () => {
    const r = await probe('pending');
    expect(r).toMatchObject({ runtimeState: 'alive', processState: 'unknown' });
    expect(r.evidence[1]).toBe('container runner waiting (ContainerCreating) and has not run yet');
  });

  it('404 NotFound → dead on both axes', async () => {
    expect(await probe('not-found-404')).toEqual({ runtimeState: 'dead', processState: 'dead', evidence: ['pod agents/agent-7 not found (404): deleted or never existed'] });
  });

  it('any other API failure (403, 500) → unknown on both axes, never dead', async () => {
    for (const status of [401, 403, 500]) {
      const r = await probe({ status });
      expect(r).toMatchObject({ runtimeState: 'unknown', processState: 'unknown' });
      expect(r.evidence[0]).toMatch(new RegExp(`failed \\(HTTP ${status}\\)`));
    }
  });

  it('a malformed ref → unknown', async () => {
    expect(await probe('running', 'agent-7')).toMatchObject({ runtimeState: 'unknown', processState: 'unknown' });
  });
});

describe('kubernetes stopper on recorded API answers', () => {
  it('deletes the pod', async () => {
    const api = recorded('running');
    const res = await new KubernetesStopper(api).stop(target('agents/agent-7/runner'), new AbortController().signal);
    expect(res).toEqual({ stopped: true, evidence: ['pod agents/agent-7 deleted'] });
    expect(api.deleted).toEqual(['agents/agent-7']);
  });

  it('counts a pod already gone as stopped, and a refused delete as not', async () => {
    expect(await new KubernetesStopper(recorded('not-found-404')).stop(target('agents/agent-7'), new AbortController().signal)).toEqual({
      stopped: true,
      evidence: ['pod agents/agent-7 already gone (404)'],
    });
    const refused = await new KubernetesStopper(recorded({ status: 403 })).stop(target('agents/agent-7'), new AbortController().signal);
    expect(refused.stopped).toBe(false);
    expect(refused.evidence[0]).toMatch(/^deleting pod agents\/agent-7 failed \(HTTP 403\)/);
  });
});
