import { hostProbeQueue, type ProbeTarget } from '@smart-reap/shared';

/**
 * Evidence when a host-local runner (`process`, `tmux`) was claimed on another host than this
 * prober's: its pid or session means nothing here, and not finding it must not read as `dead`.
 * Hosts are compared as their probe queue names, the routing that brought the job here.
 */
export function foreignHostEvidence(target: ProbeTarget, nodeName: string | undefined): string | undefined {
  if (nodeName === undefined || target.host === undefined) return undefined;
  if (hostProbeQueue(target.host) === hostProbeQueue(nodeName)) return undefined;
  return `runner lives on host ${target.host}, this prober runs on ${nodeName}: not probed here`;
}
