import { Counter, Histogram, type Registry } from 'prom-client';
import type { ProbeResult, ProbeTarget } from '@smart-reap/shared';

/** Probe duration by adapter, and what each axis said: bounded labels, never a task id. */
export function proberMetrics(registry: Registry): (target: ProbeTarget, result: ProbeResult, durationMs: number) => void {
  const duration = new Histogram({
    name: 'smart_reap_probe_duration_seconds',
    help: 'Duration of one probe call, by adapter',
    labelNames: ['adapter'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2, 5],
    registers: [registry],
  });
  const outcomes = new Counter({
    name: 'smart_reap_probes_total',
    help: 'Probe outcomes by adapter, axis and state',
    labelNames: ['adapter', 'axis', 'state'],
    registers: [registry],
  });
  return (target, result, durationMs) => {
    const adapter = target.runtime.type;
    duration.observe({ adapter }, durationMs / 1000);
    outcomes.inc({ adapter, axis: 'runtime', state: result.runtimeState });
    outcomes.inc({ adapter, axis: 'process', state: result.processState });
  };
}
