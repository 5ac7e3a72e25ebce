import type { Redis } from 'ioredis';
import { learnedTimeout, effectiveMaxAge, LEARNING_WINDOW, type KindTimeoutFigures, type LearnedTimeoutSettings } from '../domain/learned-timeout.js';
import { percentile } from '../domain/learned-timeout.js';
import type { Keys } from '../redis/keys.js';
import type { Task } from '../schemas/task.js';

export interface KindStats extends KindTimeoutFigures {
  kind: string;
  defaultMaxAgeMinutes: number;
  medianOutputChars?: number;
}

/**
 * Per-kind memory of finished attempts, bounded in Redis: the newest completed durations and
 * output lengths, from which windows and the expected output length are learned.
 */
export class KindStatsStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly settings: LearnedTimeoutSettings,
  ) {}

  async recordCompletion(task: Task, now: number, outputChars: number): Promise<void> {
    const claimedAt = task.runner?.claimedAt;
    if (claimedAt === undefined) return;
    const key = this.keys.kindStats(task.kind);
    await this.redis
      .multi()
      .lpush(key, JSON.stringify({ ms: Math.max(0, now - claimedAt), chars: outputChars }))
      .ltrim(key, 0, LEARNING_WINDOW - 1)
      .exec();
  }

  async stats(kind: string): Promise<KindStats> {
    const raw = await this.redis.lrange(this.keys.kindStats(kind), 0, LEARNING_WINDOW - 1);
    const entries = raw.map((r) => JSON.parse(r) as { ms: number; chars: number });
    const figures = learnedTimeout(entries.map((e) => e.ms), this.settings);
    const chars = entries.map((e) => e.chars).filter((c) => c > 0);
    return { kind, defaultMaxAgeMinutes: this.settings.defaultMaxAgeMinutes, ...figures, medianOutputChars: percentile(chars, 0.5) };
  }

  /** The window the task's next attempt gets at claim. */
  async maxAgeFor(task: Task): Promise<number> {
    if (task.maxAgeMinutes !== undefined) return Math.max(task.maxAgeMinutes, task.healHint?.maxAgeMinutes ?? 0);
    // A retry after a timeout asks for a longer window than the one that ran out.
    if (task.healHint?.maxAgeMinutes !== undefined) return task.healHint.maxAgeMinutes;
    const s = await this.stats(task.kind);
    return effectiveMaxAge(task, s.learnedMaxAgeMinutes, this.settings.defaultMaxAgeMinutes);
  }
}
