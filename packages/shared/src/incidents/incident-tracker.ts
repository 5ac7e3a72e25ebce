import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from '../redis/keys.js';
import type { CrashType } from '../schemas/diagnosis.js';
import type { Task } from '../schemas/task.js';
import { RECORD_DEATH, RECORD_HEALTHY, RESOLVE_INCIDENT } from './incident-scripts.js';

export interface Incident {
  id: string;
  cause: CrashType;
  scope: string;
  openedAt: number;
  tasks: string[];
  healthyCompletions: number;
  resolvedAt?: number;
  resolvedBy?: string;
}

export interface IncidentTrackerOptions {
  /** Deaths of one cause in one scope that open an incident. Default 5. */
  threshold?: number;
  /** Their window. Default 10 min. */
  windowMs?: number;
  /** Healthy completions in a row that resolve it. Default 3. */
  healthyToResolve?: number;
  onOpened?: (incident: Incident) => Promise<void>;
}

/** The scopes a task's death or completion counts in, narrowest meaning first. */
export function scopesOf(task: Task): string[] {
  const scopes = [`kind:${task.kind}`];
  // The provider a producer named in the payload; a heal hint's fallback is a wish, not a scope.
  const provider = (task.payload as { provider?: unknown } | undefined)?.provider;
  if (typeof provider === 'string') scopes.push(`provider:${provider}`);
  if (task.runner?.host) scopes.push(`host:${task.runner.host}`);
  return [...new Set(scopes)];
}

/**
 * DESIGN §8's incidents: deaths of one cause in one scope within a window open one incident
 * (not N alerts); while it is open, reassignment in the scope waits (a circuit breaker); healthy
 * completions in the scope resolve it. A death that an open incident of its cause already covers
 * joins it rather than opening another one in a wider scope.
 */
export class IncidentTracker {
  private readonly threshold: number;
  private readonly windowMs: number;
  private readonly healthyToResolve: number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly options: IncidentTrackerOptions = {},
  ) {
    this.threshold = options.threshold ?? 5;
    this.windowMs = options.windowMs ?? 10 * 60_000;
    this.healthyToResolve = options.healthyToResolve ?? 3;
  }

  private openKey(): string {
    return `${this.keys.tag}:incidents-open`;
  }
  private deathsKey(field: string): string {
    return `${this.keys.tag}:deaths:${field}`;
  }
  private tasksKey(id: string): string {
    return `${this.keys.incident(id)}:tasks`;
  }
  private heldKey(id: string): string {
    return `${this.keys.incident(id)}:held`;
  }

  async recordDeath(task: Task, cause: CrashType, now: number): Promise<Incident | undefined> {
    const scopes = scopesOf(task);
    const open = await this.redis.hgetall(this.openKey());
    const covering = scopes.map((s) => open[`${cause}|${s}`]).find(Boolean);
    if (covering) {
      await this.redis.multi().sadd(this.tasksKey(covering), task.id).hset(this.keys.incident(covering), 'healthy', 0).exec();
      return undefined;
    }
    for (const scope of scopes) {
      const field = `${cause}|${scope}`;
      const res = (await RECORD_DEATH.run(this.redis, [this.deathsKey(field), this.openKey()], [String(now), String(this.windowMs), String(this.threshold), task.id, field, randomUUID()])) as string[];
      if (res[0] === 'attached') {
        await this.redis.multi().sadd(this.tasksKey(res[1]!), task.id).hset(this.keys.incident(res[1]!), 'healthy', 0).exec();
        return undefined;
      }
      if (res[0] === 'opened') {
        const [, id, ...taskIds] = res as [string, string, ...string[]];
        await this.redis
          .multi()
          .hset(this.keys.incident(id), 'id', id, 'cause', cause, 'scope', scope, 'openedAt', now, 'healthy', 0)
          .sadd(this.tasksKey(id), ...taskIds)
          .zadd(this.keys.incidents(), now, id)
          .exec();
        const incident = await this.get(id);
        if (incident) await this.options.onOpened?.(incident);
        return incident;
      }
    }
    return undefined;
  }

  /** A completed task counts as healthy in every open incident of its scopes. */
  async recordHealthy(task: Task, now: number): Promise<string[]> {
    const open = await this.redis.hgetall(this.openKey());
    const scopes = new Set(scopesOf(task));
    const resolved: string[] = [];
    for (const [field, id] of Object.entries(open)) {
      if (!scopes.has(field.slice(field.indexOf('|') + 1))) continue;
      const done = await RECORD_HEALTHY.run(this.redis, [this.keys.incident(id), this.openKey()], [String(this.healthyToResolve), String(now), task.id, field, id]);
      if (done === 1) resolved.push(id);
    }
    return resolved;
  }

  /** The open incident that pauses reassignment of this task, if any. */
  async pausing(task: Task): Promise<Incident | undefined> {
    const open = await this.redis.hgetall(this.openKey());
    const scopes = new Set(scopesOf(task));
    for (const [field, id] of Object.entries(open)) {
      if (scopes.has(field.slice(field.indexOf('|') + 1))) return this.get(id);
    }
    return undefined;
  }

  /** Notes that the incident holds this task's retry, so resolving it can release the retry at once. */
  async hold(id: string, taskId: string): Promise<void> {
    await this.redis.sadd(this.heldKey(id), taskId);
  }

  /**
   * An operator closes the incident (idempotent: a second call keeps the first resolution).
   * Returns undefined for an unknown id; `held` are the tasks whose retries it held.
   */
  async resolve(id: string, by: string, now: number): Promise<{ incident: Incident; held: string[]; resolvedNow: boolean } | undefined> {
    const done = (await RESOLVE_INCIDENT.run(this.redis, [this.keys.incident(id), this.openKey()], [String(now), by, id])) as number;
    if (done === -1) return undefined;
    const [incident, held] = await Promise.all([this.get(id), this.redis.smembers(this.heldKey(id))]);
    return incident && { incident, held: held.sort(), resolvedNow: done === 1 };
  }

  async get(id: string): Promise<Incident | undefined> {
    const [h, tasks] = await Promise.all([this.redis.hgetall(this.keys.incident(id)), this.redis.smembers(this.tasksKey(id))]);
    if (!h.id) return undefined;
    return {
      id: h.id,
      cause: h.cause as CrashType,
      scope: h.scope!,
      openedAt: Number(h.openedAt),
      tasks: tasks.sort(),
      healthyCompletions: Number(h.healthy ?? 0),
      resolvedAt: h.resolvedAt ? Number(h.resolvedAt) : undefined,
      resolvedBy: h.resolvedBy,
    };
  }

  async list(query: { open?: boolean; limit?: number } = {}): Promise<Incident[]> {
    const ids = await this.redis.zrevrange(this.keys.incidents(), 0, (query.limit ?? 100) - 1);
    const all = (await Promise.all(ids.map((id) => this.get(id)))).filter((i): i is Incident => Boolean(i));
    if (query.open === undefined) return all;
    return all.filter((i) => (i.resolvedAt === undefined) === query.open);
  }

  async openCount(): Promise<number> {
    return this.redis.hlen(this.openKey());
  }
}
