import type { ProbeTarget, RunnerStopper, StopResult } from '@smart-reap/shared';
import { apiErrorCode, type PodApi } from '../kubernetes/pod-api.js';
import { parsePodRef, type PodRef } from '../kubernetes/pod-ref.js';
import { errorMessage } from '../probes/probe-results.js';

/**
 * Stops a Kubernetes runner by deleting its pod (a container cannot be stopped alone); the pod's
 * termination grace period applies. A pod already gone counts as stopped.
 */
export class KubernetesStopper implements RunnerStopper {
  readonly type = 'kubernetes' as const;

  constructor(private readonly pods: PodApi) {}

  async stop(target: ProbeTarget, signal: AbortSignal): Promise<StopResult> {
    let ref: PodRef;
    try {
      ref = parsePodRef(target.runtime.ref);
    } catch (err) {
      return { stopped: false, evidence: [errorMessage(err)] };
    }
    const name = `pod ${ref.namespace}/${ref.pod}`;
    try {
      await this.pods.deletePod(ref.namespace, ref.pod, signal);
      return { stopped: true, evidence: [`${name} deleted`] };
    } catch (err) {
      const code = apiErrorCode(err);
      if (code === 404) return { stopped: true, evidence: [`${name} already gone (404)`] };
      return { stopped: false, evidence: [`deleting ${name} failed${code ? ` (HTTP ${code})` : ''}: ${errorMessage(err).split('\n')[0]}`] };
    }
  }
}
