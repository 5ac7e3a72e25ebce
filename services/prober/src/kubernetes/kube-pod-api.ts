import type { CoreV1Api, KubeConfig, ObservableMiddleware, RequestContext, ResponseContext } from '@kubernetes/client-node';
import type { PodApi, PodLogReader } from './pod-api.js';

export interface KubePodApiOptions {
  /**
   * Default: loaded on first use with `loadFromDefault()`: the pod's service account in a cluster,
   * `$KUBECONFIG` or `~/.kube/config` elsewhere. The client library is imported on first use too,
   * so probers without Kubernetes runners never load it.
   */
  kubeConfig?: KubeConfig;
}

/** The PodApi (and log reader) over @kubernetes/client-node's CoreV1Api; each call aborts with its signal. */
export function createKubePodApi(o: KubePodApiOptions = {}): PodApi & PodLogReader {
  let client: Promise<{ api: CoreV1Api; k8s: typeof import('@kubernetes/client-node') }> | undefined;
  const connect = () =>
    (client ??= import('@kubernetes/client-node').then((k8s) => {
      const kc = o.kubeConfig ?? new k8s.KubeConfig();
      if (!o.kubeConfig) kc.loadFromDefault();
      return { api: kc.makeApiClient(k8s.CoreV1Api), k8s };
    })).catch((err: unknown) => {
      // A bad kubeconfig today may be fixed tomorrow: do not cache the failure.
      client = undefined;
      throw err;
    });
  const withSignal = (k8s: typeof import('@kubernetes/client-node'), signal: AbortSignal) => ({
    middleware: [abortMiddleware(k8s, signal)],
    middlewareMergeStrategy: 'append' as const,
  });
  return {
    async readPod(namespace, name, signal) {
      const { api, k8s } = await connect();
      return api.readNamespacedPod({ namespace, name }, withSignal(k8s, signal));
    },
    async deletePod(namespace, name, signal) {
      const { api, k8s } = await connect();
      await api.deleteNamespacedPod({ namespace, name }, withSignal(k8s, signal));
    },
    async readPodLog(namespace, name, { container, limitBytes, previous }, signal) {
      const { api, k8s } = await connect();
      return api.readNamespacedPodLog({ namespace, name, container, limitBytes, previous }, withSignal(k8s, signal));
    },
  };
}

/** The generated client takes no signal argument; its request context does. */
function abortMiddleware(k8s: typeof import('@kubernetes/client-node'), signal: AbortSignal): ObservableMiddleware {
  return {
    pre: (ctx: RequestContext) => {
      ctx.setSignal(signal);
      return new k8s.Observable(Promise.resolve(ctx));
    },
    post: (ctx: ResponseContext) => new k8s.Observable(Promise.resolve(ctx)),
  };
}
