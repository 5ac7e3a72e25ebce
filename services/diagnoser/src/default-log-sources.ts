import type { LogStore } from '@smart-reap/shared';
import { FileLogSource } from './log-sources/file-log-source.js';
import type { LogSources } from './log-sources/read-log-tail.js';
import { RedisStreamLogSource } from './log-sources/redis-stream-log-source.js';
import { TmuxPaneLogSource } from './log-sources/tmux-pane-log-source.js';
import { PodLogSource, type PodLogs } from './log-sources/pod-log-source.js';

/**
 * `logRoots`: the folders file logRefs may be read from (configuredLogRoots). `pods` when a
 * Kubernetes API is reachable (the prober's createKubePodApi); pod logs are skipped without it.
 */
export function defaultLogSources(logs: LogStore, logRoots: readonly string[], pods?: PodLogs): LogSources {
  return {
    stream: new RedisStreamLogSource(logs),
    file: new FileLogSource(logRoots),
    pane: new TmuxPaneLogSource(),
    pod: pods ? new PodLogSource(pods) : undefined,
  };
}
