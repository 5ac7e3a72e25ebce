import { isAbortOrTimeout, type ProbeAdapter, type ProbeContext, type ProbeResult, type ProbeTarget } from '@smart-reap/shared';
import { apiErrorCode, type PodApi } from '../kubernetes/pod-api.js';
import { podProcessAxis, podRuntimeAxis } from '../kubernetes/pod-axes.js';
import { parsePodRef, type PodRef } from '../kubernetes/pod-ref.js';
import { errorMessage, unknownResult } from './probe-results.js';

/**
 * A runner in a Kubernetes pod (ref `namespace/pod[/container]`), read through the API: runtime
 * from the pod phase, process from the container's state (see pod-axes). A pod the API no longer
 * has (404) is dead on both axes; any other API failure says nothing and is unknown.
 */
export class KubernetesProbeAdapter implements ProbeAdapter {
  readonly type = 'kubernetes' as const;

  constructor(private readonly pods: PodApi) {}

  async probe(target: ProbeTarget, ctx: ProbeContext): Promise<ProbeResult> {
    let ref: PodRef;
    try {
      ref = parsePodRef(target.runtime.ref);
    } catch (err) {
      return unknownResult(errorMessage(err));
    }
    const name = `pod ${ref.namespace}/${ref.pod}`;
    try {
      const pod = await this.pods.readPod(ref.namespace, ref.pod, ctx.signal);
      const runtime = podRuntimeAxis(pod);
      const process = podProcessAxis(pod, ref.container);
      return {
        runtimeState: runtime.state,
        processState: process.state,
        evidence: [`${name}: ${runtime.evidence}`, process.evidence],
        ...(process.exitCode !== undefined ? { exitCode: process.exitCode } : {}),
        ...(process.signal !== undefined ? { signal: process.signal } : {}),
      };
    } catch (err) {
      if (apiErrorCode(err) === 404) return { runtimeState: 'dead', processState: 'dead', evidence: [`${name} not found (404): deleted or never existed`] };
      if (isAbortOrTimeout(err)) return unknownResult(`reading ${name} aborted: no answer within the probe budget`);
      const code = apiErrorCode(err);
      return unknownResult(`reading ${name} failed${code ? ` (HTTP ${code})` : ''}: ${errorMessage(err).split('\n')[0]}`);
    }
  }
}
