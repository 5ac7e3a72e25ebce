import type { TaskStatus } from '../schemas/task.js';

/**
 * Every Redis key of smart-reap. The prefix is wrapped in a hash tag so that all keys land in one
 * Cluster slot and the Lua scripts may touch any of them.
 */
export class Keys {
  readonly tag: string;
  constructor(readonly prefix: string = 'sr') {
    this.tag = `{${prefix}}`;
  }
  task(id: string): string {
    return `${this.tag}:task:${id}`;
  }
  /** ZSET of all task ids by creation time, for listing. */
  allTasks(): string {
    return `${this.tag}:tasks`;
  }
  /** ZSET of task ids in one status, by creation time (so it pages in the order of the other list indexes). */
  status(status: TaskStatus): string {
    return `${this.tag}:status:${status}`;
  }
  /** ZSET of the task ids of one kind, by creation time: the list API's kind filter. */
  kindTasks(kind: string): string {
    return `${this.tag}:kind-tasks:${kind}`;
  }
  /** ZSET of the task ids whose diagnosis names this crash type, by creation time: the list API's crash filter. */
  crashType(crashType: string): string {
    return `${this.tag}:crash:${crashType}`;
  }
  /** ZSET of ASSIGNED task ids of one kind, by the time they became claimable (oldest first). */
  claimable(kind: string): string {
    return `${this.tag}:claimable:${kind}`;
  }
  /** SET of kinds that have ever had claimable work, so a claim without kinds can look at all. */
  kinds(): string {
    return `${this.tag}:kinds`;
  }
  /** ZSET of IN_PROGRESS task ids by deadline (epoch ms): due tasks cost O(due). */
  deadlines(): string {
    return `${this.tag}:deadlines`;
  }
  /** ZSET of IN_PROGRESS task ids by next probe time. */
  probeSchedule(): string {
    return `${this.tag}:probe-schedule`;
  }
  /** HASH task id → the probe target of its current attempt (what the scheduler hands to probers). */
  probeTargets(): string {
    return `${this.tag}:probe-targets`;
  }
  idempotency(key: string): string {
    return `${this.tag}:idem:${key}`;
  }
  fingerprint(kind: string, dedupKey: string): string {
    return `${this.tag}:fp:${kind}:${dedupKey}`;
  }
  /** Attempts claimed in all under one fingerprint, across retries and continuations. */
  fingerprintAttempts(kind: string, dedupKey: string): string {
    return `${this.tag}:fp-attempts:${kind}:${dedupKey}`;
  }
  /** Capped stream of a task's log lines. */
  log(id: string): string {
    return `${this.tag}:log:${id}`;
  }
  /** Capped stream of decisions: the audit trail of DESIGN §4. */
  events(): string {
    return `${this.tag}:events`;
  }
  kindStats(kind: string): string {
    return `${this.tag}:kind-durations:${kind}`;
  }
  incidents(): string {
    return `${this.tag}:incidents`;
  }
  incident(id: string): string {
    return `${this.tag}:incident:${id}`;
  }
  /** ZSET prober identity (its probe queue, host, instance) → until when its registration holds. */
  probers(): string {
    return `${this.tag}:probers`;
  }
  /** HASH task id → why its probe queue is unserved, for the IN_PROGRESS tasks nobody probes. */
  unsupervised(): string {
    return `${this.tag}:unsupervised`;
  }
  /** BullMQ's meta hash of one queue (its `paused` field says whether it is paused). */
  bullQueueMeta(queue: string): string {
    return `${this.bullPrefix()}:${queue}:meta`;
  }
  /** Written at start and looked for afterwards: gone means Redis lost its data (see readDataMarker). */
  dataMarker(): string {
    return `${this.tag}:data-marker`;
  }
  /** BullMQ's prefix: inside the same hash tag as everything else. */
  bullPrefix(): string {
    return `${this.tag}:q`;
  }
}
