import type { ProbeAdapter, RunnerStopper, RuntimeType } from '@smart-reap/shared';
import { createKubePodApi } from '../kubernetes/kube-pod-api.js';
import type { PodApi } from '../kubernetes/pod-api.js';
import { KubernetesStopper } from '../stoppers/kubernetes-stopper.js';
import { ProcessStopper } from '../stoppers/process-stopper.js';
import { TmuxStopper } from '../stoppers/tmux-stopper.js';
import { UnstoppableStopper } from '../stoppers/unstoppable-stopper.js';
import type { TmuxOptions } from '../tmux/tmux-client.js';
import { HeartbeatProbeAdapter } from './heartbeat-adapter.js';
import { HttpProbeAdapter } from './http-adapter.js';
import { KubernetesProbeAdapter } from './kubernetes-adapter.js';
import { ProcessProbeAdapter } from './process-adapter.js';
import { TmuxProbeAdapter } from './tmux-adapter.js';

export interface ProbeRegistryOptions {
  /** Default `/proc`. */
  procRoot?: string;
  /** This prober's host (NODE_NAME): `process` and `tmux` runners claimed elsewhere are neither judged nor signalled here. Default: no check. */
  nodeName?: string;
  /** tmux binary and default socket. Default: `tmux` from PATH, its default server. */
  tmux?: TmuxOptions;
  /** The Kubernetes pod API. Default: the real client, created on first use (createKubePodApi). */
  podApi?: PodApi;
  /** SIGTERM → SIGKILL grace when stopping a process tree. Default 5 000 ms. */
  stopGraceMs?: number;
  /** HTTP_PROBE_ALLOW: the hosts http probes may contact. Default: any. */
  httpAllow?: readonly string[];
}

/** The adapter and the stopper for every runtime type. */
export interface ProbeRegistry {
  adapterFor(type: RuntimeType): ProbeAdapter;
  stopperFor(type: RuntimeType): RunnerStopper;
}

export function createProbeRegistry(o: ProbeRegistryOptions = {}): ProbeRegistry {
  const local = { procRoot: o.procRoot, nodeName: o.nodeName };
  const pods = o.podApi ?? createKubePodApi();
  const adapters: Record<RuntimeType, ProbeAdapter> = {
    process: new ProcessProbeAdapter(local),
    tmux: new TmuxProbeAdapter({ ...local, ...o.tmux }),
    http: new HttpProbeAdapter({ allow: o.httpAllow }),
    heartbeat: new HeartbeatProbeAdapter(),
    kubernetes: new KubernetesProbeAdapter(pods),
  };
  const kill = { ...local, graceMs: o.stopGraceMs };
  const stoppers: Record<RuntimeType, RunnerStopper> = {
    process: new ProcessStopper(kill),
    tmux: new TmuxStopper({ ...kill, ...o.tmux }),
    http: new UnstoppableStopper('http'),
    heartbeat: new UnstoppableStopper('heartbeat'),
    kubernetes: new KubernetesStopper(pods),
  };
  return {
    adapterFor: (type) => adapters[type],
    stopperFor: (type) => stoppers[type],
  };
}
