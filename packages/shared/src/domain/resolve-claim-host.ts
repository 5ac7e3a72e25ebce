import type { RuntimeType } from '../schemas/task.js';

/** Runtimes whose runner can only be seen from its own host: their probes go to `probe-<host>`. */
export const HOST_LOCAL_RUNTIMES: ReadonlySet<RuntimeType> = new Set(['process', 'tmux']);

export type ClaimHostResolution = { ok: true; host: string | undefined } | { ok: false; reason: string };

/**
 * Which host a claim's runner lives on, given the hosts a live prober serves (DESIGN §3). A
 * host-local runner must land on a host some prober takes probes for, or nobody watches it: with
 * no host named it gets the only registered one (the one-box `reaper start`), and with several or
 * none, or a host no prober serves, the claim is refused. Hosts compare as their probe queue names
 * (`sameQueue`), the routing that takes the probes there. Other runtimes need no host.
 */
export function resolveClaimHost(
  runtime: RuntimeType,
  host: string | undefined,
  liveHosts: readonly string[],
  sameQueue: (a: string, b: string) => boolean,
): ClaimHostResolution {
  if (!HOST_LOCAL_RUNTIMES.has(runtime)) return { ok: true, host };
  const listed = liveHosts.length ? `registered hosts: ${[...liveHosts].sort().join(', ')}` : 'no prober is registered';
  if (host === undefined) {
    if (liveHosts.length === 1) return { ok: true, host: liveHosts[0] };
    return {
      ok: false,
      reason: `${runtime} runners are probed on their own host: name it (${listed})`,
    };
  }
  if (liveHosts.some((h) => sameQueue(h, host))) return { ok: true, host };
  return { ok: false, reason: `no live prober serves host ${JSON.stringify(host)}, so nobody would watch this runner (${listed})` };
}
