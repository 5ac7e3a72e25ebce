import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import type { ProbeTarget } from '@smart-reap/shared';
import { createKubePodApi } from '../../src/kubernetes/kube-pod-api.js';
import { KubernetesProbeAdapter } from '../../src/probes/kubernetes-adapter.js';
import { probeWithBudget } from '../../src/probes/probe-with-budget.js';
import { KubernetesStopper } from '../../src/stoppers/kubernetes-stopper.js';
import { k8sFixture, k8sFixtureText, type K8sFixture } from '../support/k8s-fixtures.js';

// No cluster runs here. A stand-in API server on 127.0.0.1 answers the real @kubernetes/client-node
// client with recorded API answers (test/fixtures/k8s), so the request path, the 404 mapping, the
// deserialization (dates become Date objects) and the abort all go through the real library.

type Answer = K8sFixture | { status: number } | 'hang';

let server: Server | undefined;
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** Starts the stand-in API server; returns a client bound to it and the requests it saw. */
async function apiServer(answer: Answer) {
  const seen: string[] = [];
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push(`${req.method} ${req.url}`);
    if (answer === 'hang') return;
    if (typeof answer === 'object') {
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: answer.status }));
      return;
    }
    const body = k8sFixture(answer);
    res.writeHead(body.kind === 'Status' ? (body.code ?? 500) : 200, { 'content-type': 'application/json' }).end(k8sFixtureText(answer));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'stand-in', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'prober', token: 'test-token' }],
    contexts: [{ name: 'stand-in', cluster: 'stand-in', user: 'prober' }],
    currentContext: 'stand-in',
  });
  return { pods: createKubePodApi({ kubeConfig: kc }), seen };
}

const target = (ref = 'agents/agent-7/runner'): ProbeTarget => ({ taskId: 't1', runtime: { type: 'kubernetes', ref } });
const budget = { timeoutMs: 2_000, now: 0 };

describe('kubernetes adapter through the real client and a stand-in API server', () => {
  it('reads a running pod: GET on the pod path, alive/alive', async () => {
    const { pods, seen } = await apiServer('running');
    const r = await probeWithBudget(new KubernetesProbeAdapter(pods), target(), budget);
    expect(seen).toEqual(['GET /api/v1/namespaces/agents/pods/agent-7']);
    expect(r).toEqual({
      runtimeState: 'alive',
      processState: 'alive',
      evidence: ['pod agents/agent-7: pod phase Running on node worker-3', 'container runner running since 2026-11-22T21:03:15.000Z'],
    });
  });

  it('reads an OOMKilled container from a deserialized answer: dead with 137 and SIGKILL', async () => {
    const { pods } = await apiServer('oomkilled');
    const r = await probeWithBudget(new KubernetesProbeAdapter(pods), target(), budget);
    expect(r).toMatchObject({ runtimeState: 'dead', processState: 'dead', exitCode: 137, signal: 'SIGKILL' });
    expect(r.evidence[1]).toBe('container runner terminated: OOMKilled, exit code 137 (128 + SIGKILL) at 2026-11-22T21:41:52.000Z');
  });

  it('maps the API 404 to dead/dead, and a 403 to unknown', async () => {
    const gone = await apiServer('not-found-404');
    expect(await probeWithBudget(new KubernetesProbeAdapter(gone.pods), target(), budget)).toMatchObject({ runtimeState: 'dead', processState: 'dead' });
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    const forbidden = await apiServer({ status: 403 });
    const r = await probeWithBudget(new KubernetesProbeAdapter(forbidden.pods), target(), budget);
    expect(r).toMatchObject({ runtimeState: 'unknown', processState: 'unknown' });
    expect(r.evidence[0]).toMatch(/HTTP 403/);
  });

  it('aborts a hung API call with the probe signal: the adapter answers unknown, not the budget', async () => {
    const { pods } = await apiServer('hang');
    const started = Date.now();
    const r = await new KubernetesProbeAdapter(pods).probe(target(), { signal: AbortSignal.timeout(200), now: 0 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(r).toMatchObject({ runtimeState: 'unknown', processState: 'unknown' });
    expect(r.evidence[0]).toMatch(/aborted/);
  });

  it('stops a runner by deleting its pod (DELETE on the pod path)', async () => {
    const { pods, seen } = await apiServer('running');
    const res = await new KubernetesStopper(pods).stop(target(), new AbortController().signal);
    expect(res).toEqual({ stopped: true, evidence: ['pod agents/agent-7 deleted'] });
    expect(seen).toEqual(['DELETE /api/v1/namespaces/agents/pods/agent-7']);
  });
});
