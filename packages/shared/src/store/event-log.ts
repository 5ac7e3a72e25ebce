import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Keys } from '../redis/keys.js';

export const EVENT_TYPES = [
  'extend',
  'skip',
  'escalate',
  'diagnose',
  'stop',
  'resume',
  'reassign',
  'fail',
  'hold',
  'incident',
  'data_loss',
  /** A live diagnosis cleared: the loop is over (DESIGN §12). */
  'clear',
] as const;

export const AuditEventSchema = z.object({
  id: z.string(),
  at: z.number(),
  type: z.enum(EVENT_TYPES),
  taskId: z.string().optional(),
  reason: z.string(),
  evidence: z.array(z.string()),
  dryRun: z.boolean(),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;
export type NewAuditEvent = Omit<AuditEvent, 'id' | 'at' | 'dryRun'> & { dryRun?: boolean };

export interface EventLogOptions {
  /** Events kept in all. Default 100 000. */
  maxEvents?: number;
  clock?: () => number;
}

/** The capped stream of every decision: the audit trail of DESIGN §4 (`GET /events`). */
export class EventLog {
  private readonly maxEvents: number;
  private readonly clock: () => number;
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    options: EventLogOptions = {},
  ) {
    this.maxEvents = options.maxEvents ?? 100_000;
    this.clock = options.clock ?? Date.now;
  }

  async append(event: NewAuditEvent): Promise<void> {
    const record = { ...event, at: this.clock(), dryRun: event.dryRun ?? false };
    await this.redis.xadd(this.keys.events(), 'MAXLEN', '~', String(this.maxEvents), '*', 'e', JSON.stringify(record));
  }

  /** Newest first; with a task id, scans back through at most `scanLimit` events for it. */
  async list(query: { taskId?: string; limit: number }, scanLimit = 20_000): Promise<AuditEvent[]> {
    const out: AuditEvent[] = [];
    let end = '+';
    let scanned = 0;
    const batch = query.taskId ? 1000 : query.limit;
    while (out.length < query.limit && scanned < scanLimit) {
      const entries = await this.redis.xrevrange(this.keys.events(), end, '-', 'COUNT', batch);
      for (const [id, fields] of entries) {
        scanned++;
        const parsed = AuditEventSchema.safeParse({ id, ...JSON.parse(fields[1] ?? '{}') });
        if (!parsed.success) continue;
        if (query.taskId && parsed.data.taskId !== query.taskId) continue;
        out.push(parsed.data);
        if (out.length >= query.limit) break;
      }
      if (entries.length < batch) break;
      end = `(${entries[entries.length - 1]![0]}`;
    }
    return out;
  }
}
