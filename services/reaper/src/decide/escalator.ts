import type { EventLog, Logger } from '@smart-reap/shared';
import type { ReaperMetrics } from '../metrics/reaper-metrics.js';

export interface EscalatorOptions {
  events: EventLog;
  logger: Logger;
  metrics: ReaperMetrics;
  webhookUrl?: string;
  dryRun: boolean;
  /** Webhook budget. Default 2000 ms. */
  webhookTimeoutMs?: number;
}

/** The side effects of an escalation: event, log line, metric, optional webhook. */
export class Escalator {
  constructor(private readonly o: EscalatorOptions) {}

  async emit(taskId: string | undefined, cause: string, reason: string, evidence: string[]): Promise<void> {
    const { events, logger, metrics, dryRun } = this.o;
    metrics.escalations.inc({ cause });
    await events.append({ type: 'escalate', taskId, reason: dryRun ? `would escalate: ${reason}` : reason, evidence, dryRun });
    logger.warn({ taskId, cause, reason, dryRun }, 'escalated');
    if (this.o.webhookUrl && !dryRun) void this.postWebhook({ taskId, cause, reason, evidence, at: new Date().toISOString() });
  }

  private async postWebhook(body: object): Promise<void> {
    try {
      const res = await fetch(this.o.webhookUrl!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.o.webhookTimeoutMs ?? 2000),
      });
      if (!res.ok) this.o.logger.warn({ status: res.status }, 'escalation webhook answered with an error');
    } catch (err) {
      this.o.logger.warn({ err: (err as Error).message }, 'escalation webhook failed');
    }
  }
}
