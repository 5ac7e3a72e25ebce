import type { Redis } from 'ioredis';
import type { ProberEntry } from '../domain/supervision.js';
import type { Keys } from '../redis/keys.js';

/** How long an expired registration is kept, so "gone since …" can still be said. */
const KEEP_EXPIRED_MS = 60 * 60_000;

export type ProberIdentity = Omit<ProberEntry, 'expiresAt'>;

/**
 * Which probers are up and which probe queue each takes from: one ZSET, member = the prober's
 * identity, score = until when its registration holds. A prober renews its own entry; a reader
 * compares the score with its clock, so a prober killed with -9 lapses by itself.
 */
export class ProberRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async register(who: ProberIdentity, expiresAt: number): Promise<void> {
    await this.redis
      .multi()
      .zadd(this.keys.probers(), expiresAt, member(who))
      .zremrangebyscore(this.keys.probers(), '-inf', String(expiresAt - KEEP_EXPIRED_MS))
      .exec();
  }

  async remove(who: ProberIdentity): Promise<void> {
    await this.redis.zrem(this.keys.probers(), member(who));
  }

  /** Every registration, live or lately expired: one read. */
  async entries(): Promise<ProberEntry[]> {
    const flat = await this.redis.zrange(this.keys.probers(), '0', '-1', 'WITHSCORES');
    const out: ProberEntry[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      try {
        const who = JSON.parse(flat[i]!) as ProberIdentity;
        out.push({ ...who, expiresAt: Number(flat[i + 1]) });
      } catch {
        // Not written by this code: ignored rather than trusted.
      }
    }
    return out;
  }
}

function member(who: ProberIdentity): string {
  return JSON.stringify(who.host === undefined ? { queue: who.queue, instance: who.instance } : { queue: who.queue, host: who.host, instance: who.instance });
}
