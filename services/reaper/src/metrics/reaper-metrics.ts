import { Counter, Histogram, type Registry } from 'prom-client';

/** The reaper's own metrics (DESIGN §4, issue 6): bounded labels only, never a task id. */
export interface ReaperMetrics {
  decisions: Counter<'action'>;
  extensions: Counter;
  escalations: Counter<'cause'>;
  massDeathHolds: Counter;
  tickDuration: Histogram;
  probesScheduled: Counter;
  reassigned: Counter<'outcome'>;
  dataLoss: Counter;
}

export function reaperMetrics(registry: Registry): ReaperMetrics {
  const registers = [registry];
  return {
    decisions: new Counter({ name: 'smart_reap_decisions_total', help: 'Decide-step outcomes by action', labelNames: ['action'], registers }),
    extensions: new Counter({ name: 'smart_reap_extensions_total', help: 'Deadlines extended for live runners', registers }),
    escalations: new Counter({ name: 'smart_reap_escalations_total', help: 'Escalations raised, by cause', labelNames: ['cause'], registers }),
    massDeathHolds: new Counter({ name: 'smart_reap_mass_death_holds_total', help: 'Times the mass-death breaker held a round', registers }),
    tickDuration: new Histogram({
      name: 'smart_reap_scheduler_tick_duration_seconds',
      help: 'Duration of one scheduler tick',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    }),
    probesScheduled: new Counter({ name: 'smart_reap_probes_scheduled_total', help: 'Probe targets enqueued by the scheduler', registers }),
    reassigned: new Counter({ name: 'smart_reap_reassign_total', help: 'Reassign jobs by outcome', labelNames: ['outcome'], registers }),
    dataLoss: new Counter({ name: 'smart_reap_redis_data_loss_total', help: 'Times Redis came back without the tasks it held', registers }),
  };
}
