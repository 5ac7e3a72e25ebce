import type { Redis } from 'ioredis';
import type { Counter } from 'prom-client';
import { readDataMarker, readPersistence, type EventLog, type Keys, type Logger, type PersistenceReading } from '@smart-reap/shared';

/** CONFIG GET one parameter; undefined when CONFIG is refused (managed Redis often renames or blocks it). */
async function configValue(redis: Redis, name: string): Promise<string | undefined> {
  try {
    const pair = (await redis.config('GET', name)) as unknown as string[];
    return pair[1] ?? undefined;
  } catch {
    return undefined;
  }
}

/** One line at start saying whether Redis keeps its data across its restart; a warning when it keeps nothing. */
export async function reportPersistence(redis: Redis, logger: Logger): Promise<PersistenceReading> {
  const reading = readPersistence(await configValue(redis, 'appendonly'), await configValue(redis, 'save'));
  if (reading.keeps === true) logger.info({ persistence: reading.how }, `Redis keeps its data: ${reading.how}`);
  else if (reading.keeps === false) logger.warn({ persistence: reading.why }, `Redis keeps nothing (${reading.why}): every task is lost when it restarts`);
  else logger.warn({ persistence: 'unknown' }, `${reading.why}: if it keeps nothing, every task is lost when it restarts`);
  return reading;
}

export interface DataLossWatchOptions {
  redis: Redis;
  keys: Keys;
  events: EventLog;
  lost: Counter;
  logger: Logger;
  /** Between looks. Default 1000 ms. */
  intervalMs?: number;
  clock?: () => number;
}

/**
 * Notices a Redis that came back without its data under live tasks: a marker key is written at
 * start, and every interval it is looked for beside the size of the task index. Gone, with tasks
 * known before, is data loss (readDataMarker): an error line, a `data_loss` event (written by the
 * one replica that puts the marker back) and `smart_reap_redis_data_loss_total`. A look that fails
 * (Redis away) is simply the next look's to make.
 */
export class DataLossWatch {
  private knownTasks = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private readonly clock: () => number;

  constructor(private readonly o: DataLossWatchOptions) {
    this.clock = o.clock ?? Date.now;
  }

  async start(): Promise<void> {
    await this.o.redis.set(this.o.keys.dataMarker(), String(this.clock()), 'NX');
    this.knownTasks = await this.o.redis.zcard(this.o.keys.allTasks());
    this.timer = setInterval(() => {
      this.running ??= this.check()
        .catch(() => undefined)
        .finally(() => (this.running = undefined));
    }, this.o.intervalMs ?? 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async check(): Promise<'intact' | 'emptied' | 'data-loss'> {
    const { redis, keys, logger } = this.o;
    const [present, tasks] = await Promise.all([redis.exists(keys.dataMarker()), redis.zcard(keys.allTasks())]);
    const reading = readDataMarker({ markerPresent: present === 1, knownTasks: this.knownTasks });
    const lost = this.knownTasks;
    this.knownTasks = tasks;
    if (reading === 'intact') return reading;
    const first = (await redis.set(keys.dataMarker(), String(this.clock()), 'NX')) === 'OK';
    if (reading === 'emptied') {
      logger.warn('Redis came back empty (its data marker is gone); it held no tasks, so none were lost');
      return reading;
    }
    const reason = `Redis came back without its data: the ${lost} tasks it held are lost (it restarted without persistence, was flushed, or failed over to an empty replica)`;
    logger.error({ lostTasks: lost, event: 'data_loss' }, reason);
    this.o.lost.inc();
    if (first) await this.o.events.append({ type: 'data_loss', reason, evidence: [`data marker ${keys.dataMarker()} gone`, `${lost} tasks in the index at the last look, ${tasks} now`] });
    return reading;
  }
}
