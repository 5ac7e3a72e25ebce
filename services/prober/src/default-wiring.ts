import type { Config, ProbeResult, ProbeTarget, RunnerStopper, RuntimeType } from '@smart-reap/shared';
import { probeWithBudget } from './probes/probe-with-budget.js';
import { createProbeRegistry, type ProbeRegistryOptions } from './probes/probe-registry.js';

/** What the prober service needs: probe one target under its budget, and find a runtime's stopper. */
export interface DefaultProbeWiring {
  probe(target: ProbeTarget, now: number): Promise<ProbeResult>;
  stopperFor(type: RuntimeType): RunnerStopper;
}

/** The real adapters and stoppers, with budget and host taken from the config. */
export function createDefaultProbeWiring(config: Config, overrides: ProbeRegistryOptions = {}): DefaultProbeWiring {
  const registry = createProbeRegistry({ nodeName: config.NODE_NAME, httpAllow: config.HTTP_PROBE_ALLOW, ...overrides });
  return {
    probe: (target, now) =>
      probeWithBudget(registry.adapterFor(target.runtime.type), target, {
        timeoutMs: config.PROBE_TIMEOUT_MS,
        now,
      }),
    stopperFor: registry.stopperFor,
  };
}
