import { HOST_LOCAL_RUNTIMES, resolveClaimHost } from '../domain/resolve-claim-host.js';
import { liveProberHosts } from '../domain/supervision.js';
import { InvalidFieldError } from '../errors/invalid-field-error.js';
import { hostProbeQueue } from '../queues/catalog.js';
import type { ClaimBody } from '../schemas/api.js';
import type { ProberRegistry } from '../store/prober-registry.js';

/**
 * The claim hook that gives a host-local runner the host a live prober serves, or refuses the
 * claim with a 400 naming `host` and the registered hosts: a runner nobody probes must not be
 * taken on. Other runtimes pass untouched, without a read.
 */
export function claimHostResolver(probers: ProberRegistry, clock: () => number): (claim: ClaimBody) => Promise<ClaimBody> {
  return async (claim) => {
    if (!HOST_LOCAL_RUNTIMES.has(claim.runtime.type)) return claim;
    const hosts = liveProberHosts(await probers.entries(), clock());
    const r = resolveClaimHost(claim.runtime.type, claim.host, hosts, (a, b) => hostProbeQueue(a) === hostProbeQueue(b));
    if (!r.ok) throw new InvalidFieldError('host', r.reason, { registeredHosts: hosts });
    return { ...claim, host: r.host };
  };
}
