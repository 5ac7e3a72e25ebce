import type { Task } from '@smart-reap/shared';
import type { LogSource } from './log-source.js';

/** The slice of the Kubernetes API this source needs (the prober's PodLogReader fits). */
export interface PodLogs {
  readPodLog(namespace: string, name: string, o: { container?: string; limitBytes: number; previous?: boolean }, signal: AbortSignal): Promise<string>;
}

/**
 * A pod runner's log through the Kubernetes API, only its last bytes (`limitBytes`). A container
 * that was restarted has its dead instance's log under `previous`; that one is read first.
 */
export class PodLogSource implements LogSource {
  readonly name = 'pod-log';
  constructor(private readonly pods: PodLogs) {}

  async read(task: Task, maxBytes: number, signal: AbortSignal): Promise<Buffer | undefined> {
    return this.readPod(task, maxBytes, signal, [true, false]);
  }

  /** The running container's log only: what the live watcher reads while the runner lives. */
  async readCurrent(task: Task, maxBytes: number, signal: AbortSignal): Promise<Buffer | undefined> {
    return this.readPod(task, maxBytes, signal, [false]);
  }

  private async readPod(task: Task, maxBytes: number, signal: AbortSignal, instances: boolean[]): Promise<Buffer | undefined> {
    const ref = task.runner?.logRef?.startsWith('k8s:') ? task.runner.logRef.slice(4) : task.runner?.runtime.type === 'kubernetes' ? task.runner.runtime.ref : undefined;
    if (!ref) return undefined;
    const [namespace, pod, container] = ref.split('/');
    if (!namespace || !pod) return undefined;
    for (const previous of instances) {
      try {
        const text = await this.pods.readPodLog(namespace, pod, { container, limitBytes: maxBytes, previous }, signal);
        if (text) return Buffer.from(text, 'utf8');
      } catch (err) {
        // No previous instance is the common case (400 from the API); the current log is next.
        if (!previous) throw err;
      }
    }
    return undefined;
  }
}
