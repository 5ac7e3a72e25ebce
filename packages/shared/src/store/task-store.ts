import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { applyTransition, checkTransition, type TransitionRequest } from '../domain/state-machine.js';
import type { ForbiddenError } from '../errors/forbidden-error.js';
import { ConflictError } from '../errors/conflict-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import type { Keys } from '../redis/keys.js';
import type { CrashType } from '../schemas/diagnosis.js';
import type { ListCursor } from '../schemas/list-cursor.js';
import { TaskSchema, type Task, type TaskStatus } from '../schemas/task.js';
import { LuaScript } from '../redis/lua-script.js';
import { CAS_WRITE } from './cas-script.js';
import { indexOpsFor, type IndexOp } from './index-ops.js';
import { TaskDecoder } from './task-decoder.js';

export type Clock = () => number;

/** What a mutation decides: write this task, or leave it alone and say why. */
export type Mutation = { write: Task } | { refuse: ConflictError | ForbiddenError } | { keep: true };

export interface ListPageQuery {
  status?: TaskStatus;
  kind?: string;
  crashType?: CrashType;
  limit: number;
  cursor?: ListCursor;
}

export interface TaskStoreOptions {
  /** How often a writer re-reads and retries after losing a race. Default 50. */
  maxCasRetries?: number;
  clock?: Clock;
}

/** What must not be taken yet for an insert to go ahead: the producer's idempotency key, the task's fingerprint. */
export interface InsertGuards {
  idempotencyKey?: string;
  /** The fingerprint is (the task's kind, this key). */
  dedupKey?: string;
}

const COMPARE_AND_DELETE = LuaScript.fromFile(new URL('./compare-and-delete.lua', import.meta.url));

interface CasResult {
  outcome: 'written' | 'moved' | 'guarded';
  value: string;
}

/**
 * Tasks as JSON in one hash each, written only through one compare-and-set script: two replicas
 * racing on one task produce one write; the loser re-reads and finds the transition refused.
 * The store is closed: its Redis and its key names are its own, and every read or write of the
 * task indexes, guards and counters is a method here, so none can drift from the CAS's view.
 */
export class TaskStore {
  readonly clock: Clock;
  private readonly maxCasRetries: number;
  private readonly decoder: TaskDecoder;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    options: TaskStoreOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.decoder = new TaskDecoder();
    this.maxCasRetries = options.maxCasRetries ?? 50;
  }

  newId(): string {
    return randomUUID();
  }

  async get(id: string): Promise<Task | undefined> {
    const json = await this.redis.hget(this.keys.task(id), 'json');
    return json === null ? undefined : this.decoder.decode(json);
  }

  async mustGet(id: string): Promise<Task> {
    const task = await this.get(id);
    if (!task) throw new NotFoundError(id);
    return task;
  }

  async getMany(ids: string[]): Promise<Task[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hget(this.keys.task(id), 'json');
    const results = (await pipeline.exec()) ?? [];
    const tasks: Task[] = [];
    for (const [err, json] of results) {
      if (!err && typeof json === 'string') tasks.push(this.decoder.decode(json));
    }
    return tasks;
  }

  /**
   * Inserts a new task unless one of `guardKeys` already names a task: then nothing is written
   * and the existing id is returned (idempotency keys, dedup fingerprints).
   */
  async insert(task: Task, guards: InsertGuards = {}): Promise<{ created: true; task: Task } | { created: false; existingId: string }> {
    const guardKeys: string[] = [];
    if (guards.idempotencyKey) guardKeys.push(this.keys.idempotency(guards.idempotencyKey));
    if (guards.dedupKey) guardKeys.push(this.keys.fingerprint(task.kind, guards.dedupKey));
    const result = await this.cas(task.id, '', task, indexOpsFor(this.keys, undefined, task, this.clock()), guardKeys);
    if (result.outcome === 'written') return { created: true, task };
    if (result.outcome === 'guarded') return { created: false, existingId: result.value };
    throw new ConflictError(`task ${task.id} already exists`, 'contention');
  }

  /**
   * Reads the task, lets `decide` compute the change as a pure step, and writes it only if no one
   * else wrote in between; on a lost race it reads again and decides again.
   */
  async mutate(id: string, decide: (task: Task, now: number) => Mutation): Promise<Task> {
    for (let i = 0; i < this.maxCasRetries; i++) {
      const raw = await this.redis.hmget(this.keys.task(id), 'json', 'rev');
      const [json, rev] = raw;
      if (json === null || json === undefined || rev === null || rev === undefined) throw new NotFoundError(id);
      const before = this.decoder.decode(json);
      const now = this.clock();
      const m = decide(before, now);
      if ('refuse' in m) throw m.refuse;
      if ('keep' in m) return before;
      const after = { ...m.write, updatedAt: now };
      const result = await this.cas(id, rev, after, indexOpsFor(this.keys, before, after, now), []);
      if (result.outcome === 'written') return after;
    }
    throw new ConflictError(`task ${id} is being changed by too many writers; try again`, 'contention');
  }

  /** A state-machine transition plus whatever else `patch` changes, as one atomic step. */
  async transition(id: string, req: TransitionRequest, patch: (task: Task, now: number) => Partial<Task> = () => ({})): Promise<Task> {
    return this.mutate(id, (task, now) => {
      const check = checkTransition(task.status, req.to, task);
      if (!check.ok) return { refuse: new ConflictError(check.reason, 'transition_not_allowed') };
      return { write: applyTransition(task, req, now, patch(task, now)) };
    });
  }

  /**
   * A page of tasks, newest first, matching every filter given, resumable from `cursor`.
   *
   * Each filter has its own index scored by creation time (status, kind, crash type; all tasks
   * when none), so one cursor resumes any of them. A combined filter walks the smallest of its
   * indexes and checks the other filters on the tasks read: a ZINTERSTORE would cost the size of
   * the sets on every page (every 2 s while the console polls), and a cached intersection would go
   * stale as tasks move. The walk is bounded (`scanLimit` index entries per call), so a page costs
   * the same at 100 000 tasks as at 100; when a rare combination leaves the page short, nextCursor
   * still says where to go on.
   */
  async listPage(query: ListPageQuery, scanLimit = 5000): Promise<{ tasks: Task[]; nextCursor?: ListCursor }> {
    const { keys } = this;
    const indexes: string[] = [];
    if (query.status) indexes.push(keys.status(query.status));
    if (query.kind) indexes.push(keys.kindTasks(query.kind));
    if (query.crashType) indexes.push(keys.crashType(query.crashType));
    let walked = indexes[0] ?? keys.allTasks();
    if (indexes.length > 1) {
      const pipeline = this.redis.pipeline();
      for (const key of indexes) pipeline.zcard(key);
      const sizes = ((await pipeline.exec()) ?? []).map(([, n]) => Number(n));
      walked = indexes[sizes.indexOf(Math.min(...sizes))]!;
    }
    const matches = (t: Task) =>
      (!query.status || t.status === query.status) &&
      (!query.kind || t.kind === query.kind) &&
      (!query.crashType || t.context.reap_diagnosis?.crashType === query.crashType);
    // One filter: its index is exact, so read one entry past the page to know whether more follow.
    const batch = indexes.length > 1 ? Math.max(query.limit, 100) : query.limit + 1;
    const tasks: Task[] = [];
    let at: ListCursor | undefined = query.cursor;
    let offset = 0;
    for (let scanned = 0; scanned < scanLimit; ) {
      const count = Math.min(batch, scanLimit - scanned);
      const raw = await this.redis.zrevrangebyscore(walked, at ? at.createdAt : '+inf', '-inf', 'WITHSCORES', 'LIMIT', offset, count);
      const entries: ListCursor[] = [];
      for (let i = 0; i < raw.length; i += 2) {
        const entry = { id: raw[i]!, createdAt: Number(raw[i + 1]) };
        // Equal scores come in reverse byte order of the member: skip those at or before the position.
        if (at && entry.createdAt === at.createdAt && Buffer.compare(Buffer.from(entry.id), Buffer.from(at.id)) >= 0) continue;
        entries.push(entry);
      }
      const exhausted = raw.length / 2 < count;
      if (entries.length === 0) {
        if (exhausted) return { tasks };
        offset += count; // a run of equal scores longer than a batch, all already seen
        continue;
      }
      offset = 0;
      // The page is full and the index goes on: only now is it known that a next page exists.
      if (tasks.length === query.limit) return { tasks, nextCursor: at };
      const read = await this.getMany(entries.map((e) => e.id));
      const byId = new Map(read.map((t) => [t.id, t]));
      for (const entry of entries) {
        if (tasks.length === query.limit) return { tasks, nextCursor: at };
        at = entry;
        scanned++;
        const task = byId.get(entry.id);
        if (task && matches(task)) tasks.push(task);
      }
      if (exhausted) return { tasks };
    }
    return { tasks, nextCursor: at };
  }

  /**
   * Diagnosed tasks per crash type in each of `buckets` equal spans of [from, to), by creation
   * time (the crash indexes' score): one ZCOUNT per type and span, whatever the number of tasks.
   */
  async crashCounts(crashTypes: readonly CrashType[], from: number, to: number, buckets: number): Promise<Record<string, number[]>> {
    const span = (to - from) / buckets;
    const pipeline = this.redis.pipeline();
    for (const type of crashTypes) {
      for (let b = 0; b < buckets; b++) pipeline.zcount(this.keys.crashType(type), from + b * span, `(${from + (b + 1) * span}`);
    }
    const counts = ((await pipeline.exec()) ?? []).map(([err, n]) => {
      if (err) throw err;
      return Number(n);
    });
    return Object.fromEntries(crashTypes.map((type, i) => [type, counts.slice(i * buckets, (i + 1) * buckets)]));
  }

  /** Every kind that has ever had claimable work: where a claim that names no kinds looks. */
  async claimableKinds(): Promise<string[]> {
    return this.redis.smembers(this.keys.kinds());
  }

  /** Up to `limit` ids of tasks of the given kinds claimable now (past any heal hint's notBefore), oldest first. */
  async oldestClaimable(kinds: readonly string[], limit: number): Promise<string[]> {
    if (kinds.length === 0) return [];
    const now = String(this.clock());
    const pipeline = this.redis.pipeline();
    for (const kind of kinds) pipeline.zrangebyscore(this.keys.claimable(kind), '-inf', now, 'WITHSCORES', 'LIMIT', 0, limit);
    const results = (await pipeline.exec()) ?? [];
    const found: Array<{ id: string; score: number }> = [];
    for (const [err, value] of results) {
      const flat = err ? [] : (value as string[]);
      for (let i = 0; i + 1 < flat.length; i += 2) found.push({ id: flat[i]!, score: Number(flat[i + 1]) });
    }
    return found
      .sort((a, b) => a.score - b.score)
      .slice(0, limit)
      .map((c) => c.id);
  }

  /**
   * How many IN_PROGRESS tasks nobody probes, and up to `limit` of them with the reason their
   * supervision lapsed ('' for an entry this code did not write). One count, one scan: cheap
   * enough for every /readyz.
   */
  async unsupervised(limit: number): Promise<{ count: number; tasks: Array<{ id: string; reason: string }> }> {
    const count = await this.redis.hlen(this.keys.unsupervised());
    if (count === 0) return { count, tasks: [] };
    const [, flat] = await this.redis.hscan(this.keys.unsupervised(), '0', 'COUNT', limit);
    const tasks: Array<{ id: string; reason: string }> = [];
    for (let i = 0; i + 1 < flat.length && tasks.length < limit; i += 2) {
      let reason = '';
      try {
        reason = (JSON.parse(flat[i + 1]!) as { reason?: string }).reason ?? '';
      } catch {
        // An entry this code did not write: named without its reason.
      }
      tasks.push({ id: flat[i]!, reason });
    }
    return { count, tasks };
  }

  /** Attempts claimed in all under one fingerprint, across retries and continuations (counted by the claim's CAS). */
  async fingerprintAttempts(kind: string, dedupKey: string): Promise<number> {
    return Number(await this.redis.get(this.keys.fingerprintAttempts(kind, dedupKey)));
  }

  /** The id of the task an idempotency key was first used for; null when it is unused. */
  async idempotencyHolder(idempotencyKey: string): Promise<string | null> {
    return this.redis.get(this.keys.idempotency(idempotencyKey));
  }

  /**
   * Frees a fingerprint for a new task, only while it still names `heldBy`: a task inserted under
   * it since (by another replica) keeps it. True when this call freed it.
   */
  async releaseFingerprint(kind: string, dedupKey: string, heldBy: string): Promise<boolean> {
    return (await COMPARE_AND_DELETE.run(this.redis, [this.keys.fingerprint(kind, dedupKey)], [heldBy])) === 1;
  }

  private async cas(id: string, expectedRev: string, task: Task, ops: IndexOp[], guardKeys: string[]): Promise<CasResult> {
    const keyList: string[] = [this.keys.task(id)];
    const indexOf = (k: string) => {
      let i = keyList.indexOf(k);
      if (i < 0) i = keyList.push(k) - 1;
      return i + 1;
    };
    const encodedOps = ops.map((o) => {
      switch (o.op) {
        case 'zadd':
          return ['zadd', indexOf(o.key), String(o.score), o.member];
        case 'hset':
          return ['hset', indexOf(o.key), o.field, o.value];
        case 'hdel':
          return ['hdel', indexOf(o.key), o.field];
        case 'incr':
          return ['incr', indexOf(o.key)];
        default:
          return [o.op, indexOf(o.key), o.member];
      }
    });
    const guards = guardKeys.map(indexOf);
    const [code, value] = (await CAS_WRITE.run(this.redis, keyList, [
      expectedRev,
      // Validated on the way in, and stored in the schema's own order: the canonical form the
      // decoder can recognise on the many reads that follow.
      JSON.stringify(TaskSchema.parse(task)),
      JSON.stringify(encodedOps),
      JSON.stringify(guards),
      id,
    ])) as [number, string];
    return { outcome: code === 1 ? 'written' : code === 2 ? 'guarded' : 'moved', value: String(value) };
  }
}
