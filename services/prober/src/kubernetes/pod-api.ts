/**
 * The slice of the Kubernetes API the prober uses, injected so tests feed recorded answers. The
 * real one (createKubePodApi) wraps @kubernetes/client-node's CoreV1Api.
 */
export interface PodApi {
  /** Rejects with an error whose `code` is the HTTP status (404: no such pod), as the client's ApiException does. */
  readPod(namespace: string, name: string, signal: AbortSignal): Promise<PodView>;
  /** Same rejection contract as readPod. */
  deletePod(namespace: string, name: string, signal: AbortSignal): Promise<void>;
}

/** What the diagnoser reads of a pod: the end of a container's log. */
export interface PodLogReader {
  /** The last `limitBytes` of a container's log (the previous instance's when `previous`). */
  readPodLog(namespace: string, name: string, o: { container?: string; limitBytes: number; previous?: boolean }, signal: AbortSignal): Promise<string>;
}

/** The fields of a V1Pod the prober reads. Times are Dates from the client, strings in raw JSON. */
export interface PodView {
  metadata?: { name?: string; namespace?: string; deletionTimestamp?: Date | string };
  spec?: { nodeName?: string; containers?: Array<{ name: string }> };
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    containerStatuses?: ContainerStatusView[];
  };
}

export interface ContainerStatusView {
  name: string;
  restartCount?: number;
  state?: ContainerStateView;
  lastState?: ContainerStateView;
}

export interface ContainerStateView {
  running?: { startedAt?: Date | string };
  waiting?: { reason?: string; message?: string };
  terminated?: TerminatedView;
}

export interface TerminatedView {
  exitCode: number;
  signal?: number;
  reason?: string;
  message?: string;
  finishedAt?: Date | string;
}

/** The HTTP status an API error carries, if any. */
export function apiErrorCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}
