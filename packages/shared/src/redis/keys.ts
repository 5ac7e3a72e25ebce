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
  /**
   * ZSET of the IN_PROGRESS tasks judged by their heartbeat alone (heartbeat runtimes), scored by
   * the last beat (the claim when none came yet): the stale ones are a range, O(stale) per tick.
   */
  heartbeats(): string {
    return `${this.tag}:heartbeats`;
  }
  /**
   * ZSET of the same tasks by when the scheduler must judge them next though their heartbeat is
   * fresh: the deadline (set with it), or the next round of a task it is already judging.
   */
  heartbeatChecks(): string {
    return `${this.tag}:heartbeat-checks`;
  }
  /**
   * HASH task id → probe target JSON of the host-local runners (process, tmux) claimed on one host,
   * by its host key (hostProbeQueue's name): what that host's watcher watches, loaded once at start.
   */
  hostTargets(hostKey: string): string {
    return `${this.tag}:host-targets:${hostKey}`;
  }
  /** STREAM of the task ids whose entry in hostTargets changed (added, changed, removed): the watcher follows it, O(changes). */
  hostTargetChanges(hostKey: string): string {
    return `${this.tag}:host-target-changes:${hostKey}`;
  }
  /** ZSET host key → when its watcher's last summary said all its targets were watched (epoch ms). */
  hostWatch(): string {
    return `${this.tag}:host-watch`;
  }
  /** HASH host key → the watcher's last summary JSON (counts, instance), for operators. */
  hostWatchSummaries(): string {
    return `${this.tag}:host-watch-summaries`;
  }
  /** ZSET of IN_PROGRESS task ids by next probe time (every runtime but heartbeat). */
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
  /** STRING (JSON): the live watcher's cursor and loop state for a task's current attempt (DESIGN §12). */
  liveLoop(id: string): string {
    return `${this.tag}:live-loop:${id}`;
  }
  /** STRING: which replica holds the current live-loop scan round. */
  liveLoopLock(): string {
    return `${this.tag}:live-loop-lock`;
  }
  /** BullMQ's prefix: inside the same hash tag as everything else. */
  bullPrefix(): string {
    return `${this.tag}:q`;
  }
}
