import { QUEUE, hostProbeQueue, type ProberRegistry } from '@smart-reap/shared';

/**
 * Registers probers for these hosts (and the shared probe queue), as a running prober would, for
 * tests that claim host-local runners without starting one: until `expiresAt`, default far ahead.
 */
export async function registerProbers(probers: ProberRegistry, hosts: string[], o: { shared?: boolean; expiresAt?: number; instance?: string } = {}): Promise<void> {
  const expiresAt = o.expiresAt ?? Date.now() + 24 * 3600_000;
  const instance = o.instance ?? 'test-prober';
  for (const host of hosts) await probers.register({ queue: hostProbeQueue(host), host, instance }, expiresAt);
  if (o.shared ?? true) await probers.register({ queue: QUEUE.probe, instance }, expiresAt);
}
