import { Counter, Histogram, type Registry } from 'prom-client';

export interface DiagnoserMetrics {
  reaps: Counter<'crash_type' | 'decision'>;
  detectionLatency: Histogram;
  diagnoseFailures: Counter;
  liveLoops: Counter<'crash_type'>;
}

export function diagnoserMetrics(registry: Registry): DiagnoserMetrics {
  const registers = [registry];
  return {
    reaps: new Counter({ name: 'smart_reap_reaps_total', help: 'Attempts taken down and recovered, by crash type and decision', labelNames: ['crash_type', 'decision'], registers }),
    detectionLatency: new Histogram({
      name: 'smart_reap_detection_latency_seconds',
      help: 'From the probe that saw the death to the recovery written',
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
      registers,
    }),
    diagnoseFailures: new Counter({ name: 'smart_reap_diagnose_failures_total', help: 'Diagnoses that failed and fell back to a plain FAILED', registers }),
    liveLoops: new Counter({ name: 'smart_reap_live_loops_total', help: 'Live runners flagged looping on one cause with no progress (DESIGN §12), by crash type', labelNames: ['crash_type'], registers }),
  };
}
