import { ConflictError } from '../errors/conflict-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { endedForGood } from '../domain/dedup-admission.js';
import { newLease } from '../domain/lease.js';
import { redact } from '../domain/redact.js';
import { checkLease, decideCancel, decideClaim, decideClaimById, decideComplete, decideHeartbeat, decideRunnerFail } from '../domain/runner-ops.js';
import { QUEUE, assignedJobId, diagnoseJob } from '../queues/catalog.js';
import type { JobQueues } from '../queues/job-queues.js';
import type { ClaimBody, CompleteBody, CreateTaskBody, FailBody, HeartbeatBody, ListTasksQuery, LogBody, LogPage, LogQuery } from '../schemas/api.js';
import { encodeListCursor } from '../schemas/list-cursor.js';
import type { Task } from '../schemas/task.js';
import type { LogStore } from '../store/log-store.js';
import type { TaskStore } from '../store/task-store.js';

export interface TaskServiceOptions {
  store: TaskStore;
  logs: LogStore;
  queues: JobQueues;
  /** `maxRetries` when the producer gives none (DESIGN §2: 1). */
  defaultMaxRetries?: number;
  /** The window an attempt gets at claim when the task names none: learned or configured. */
  maxAgeFor: (task: Task) => Promise<number>;
  /** Redacts secrets from a batch of log lines (joined by newlines) before they are stored. Default: `redact`. */
  redactLine?: (line: string) => string;
  /** Called after a completion was written (learning, incident healing); errors are the caller's to log. Default: none. */
  onCompleted?: Array<(task: Task, now: number) => Promise<void>>;
  /** Checks and completes a claim before any task is taken (its runner's host); throws InvalidFieldError to refuse it. Default: as given. */
  resolveClaim?: (claim: ClaimBody) => Promise<ClaimBody>;
  /** Refuses a claim before it takes a task (throws, e.g. InvalidFieldError for a logRef outside LOG_ROOTS). Default: none. */
  checkClaim?: (claim: ClaimBody) => Promise<void>;
}

/** A claimed task and its attempt's lease: the only time the lease is ever given out. */
export type ClaimedTask = Task & { lease: string };

export interface CreateResult {
  task: Pick<Task, 'id' | 'status'>;
  created: boolean;
}

const MAX_CLAIM_TRIES = 100;
/** How many of the oldest claimable tasks a claim that lost a race picks from. */
const CLAIM_SPREAD = 32;

/**
 * The task lifecycle as producers and runners see it (DESIGN §2, §9), shared by the HTTP API and
 * the typed producer and runner clients that talk to Redis directly.
 */
export class TaskService {
  readonly store: TaskStore;
  private readonly logs: LogStore;
  private readonly queues: JobQueues;
  private readonly defaultMaxRetries: number;
  private readonly maxAgeFor: (task: Task) => Promise<number>;
  private readonly redactLine: (line: string) => string;
  private readonly onCompleted: Array<(task: Task, now: number) => Promise<void>>;
  private readonly resolveClaim: (claim: ClaimBody) => Promise<ClaimBody>;
  private readonly checkClaim?: (claim: ClaimBody) => Promise<void>;

  constructor(options: TaskServiceOptions) {
    this.store = options.store;
    this.logs = options.logs;
    this.queues = options.queues;
    this.defaultMaxRetries = options.defaultMaxRetries ?? 1;
    this.maxAgeFor = options.maxAgeFor;
    this.redactLine = options.redactLine ?? redact;
    this.onCompleted = options.onCompleted ?? [];
    this.resolveClaim = options.resolveClaim ?? (async (c) => c);
    this.checkClaim = options.checkClaim;
  }

  async create(body: CreateTaskBody, extra: Partial<Task> = {}): Promise<CreateResult> {
    const { store } = this;
    const now = store.clock();
    const id = store.newId();
    const task: Task = {
      id,
      kind: body.kind,
      status: 'ASSIGNED',
      attempt: 1,
      maxRetries: body.maxRetries ?? this.defaultMaxRetries,
      maxAgeMinutes: body.maxAgeMinutes,
      extensions: 0,
      fencedRunners: [],
      payload: body.payload,
      context: {},
      expectedOutputChars: body.expectedOutputChars,
      idempotencyKey: body.idempotencyKey,
      dedupKey: body.dedupKey,
      history: [{ from: 'PENDING', to: 'ASSIGNED', at: now, by: 'api', reason: 'queued for a runner' }],
      createdAt: now,
      updatedAt: now,
      ...extra,
    };
    const guards = { idempotencyKey: body.idempotencyKey, dedupKey: body.dedupKey };
    let result = await store.insert(task, guards);
    if (!result.created && body.dedupKey) {
      // A fingerprint admits a new task once its last one ended for good (not open, not completed).
      const existing = await store.get(result.existingId);
      const idemHolder = body.idempotencyKey ? await store.idempotencyHolder(body.idempotencyKey) : null;
      if (existing && idemHolder === null && endedForGood(existing)) {
        await store.releaseFingerprint(body.kind, body.dedupKey, existing.id);
        result = await store.insert(task, guards);
      }
    }
    if (!result.created) {
      const existing = await store.get(result.existingId);
      return { task: { id: result.existingId, status: existing?.status ?? 'PENDING' }, created: false };
    }
    await this.offer(task);
    return { task: { id, status: task.status }, created: true };
  }

  /** Puts an ASSIGNED task on the assigned queue for BullMQ-native runners and the dashboard. */
  async offer(task: Task): Promise<void> {
    const delay = Math.max(0, (task.healHint?.notBefore ?? 0) - this.store.clock());
    await this.queues.enqueue('assigned', { taskId: task.id, attempt: task.attempt }, { delay });
  }

  /** The oldest claimable task of the given kinds, now IN_PROGRESS for this runner; undefined when none. */
  async claim(asked: ClaimBody): Promise<ClaimedTask | undefined> {
    const claim = await this.resolveClaim(asked);
    await this.checkClaim?.(claim);
    const { store } = this;
    const { lease, leaseHash } = newLease();
    const kinds = claim.kinds?.length ? claim.kinds : await store.claimableKinds();
    for (let tries = 0; tries < MAX_CLAIM_TRIES; tries++) {
      // Uncontended, the oldest. Once a race for it is lost, a random one of the oldest few:
      // many runners claiming at once would otherwise all race for the same task, round after
      // round, and most would give up with work still waiting.
      const candidates = await store.oldestClaimable(kinds, tries === 0 ? 1 : CLAIM_SPREAD);
      if (candidates.length === 0) return undefined;
      const candidate = candidates[Math.floor(Math.random() * candidates.length)]!;
      const current = await store.get(candidate);
      if (!current || current.status !== 'ASSIGNED') continue; // claimed since the index was read
      const maxAge = await this.maxAgeFor(current);
      try {
        const claimed = await store.mutate(candidate, (task, now) => decideClaim(task, claim, now, maxAge, leaseHash));
        await this.queues.queue(QUEUE.assigned).remove(assignedJobId(claimed.id, claimed.attempt)).catch(() => 0);
        return { ...claimed, lease };
      } catch (err) {
        if (err instanceof ConflictError || err instanceof NotFoundError) continue;
        throw err;
      }
    }
    throw new ConflictError('too many runners are claiming at once; try again', 'contention');
  }

  /**
   * Claims the task a pointer job names, at the attempt it names, in one CAS through the same host
   * resolution, guard and decision as `claim`; undefined when the task is gone or no longer ASSIGNED
   * at that attempt (its job is then stale and just ends).
   */
  async claimById(id: string, attempt: number, asked: ClaimBody): Promise<ClaimedTask | undefined> {
    const claim = await this.resolveClaim(asked);
    await this.checkClaim?.(claim);
    const { store } = this;
    const current = await store.get(id);
    if (!current || current.status !== 'ASSIGNED' || current.attempt !== attempt) return undefined;
    const { lease, leaseHash } = newLease();
    const maxAge = await this.maxAgeFor(current);
    const after = await store.mutate(id, (task, now) => decideClaimById(task, attempt, claim, now, maxAge, leaseHash));
    // Kept unchanged (moved on between the read and the CAS): no lease of this claim was written.
    return after.leaseHash === leaseHash ? { ...after, lease } : undefined;
  }

  async heartbeat(id: string, body: HeartbeatBody): Promise<Task> {
    return this.store.mutate(id, (task, now) => decideHeartbeat(task, body, now));
  }

  /**
   * Lines of the current attempt's runner, refused once the attempt ended. The check and the append
   * are two steps: a line checked while the attempt was live may land just as it ends, but only
   * from the lease holder.
   */
  async appendLog(id: string, body: LogBody): Promise<void> {
    const refused = checkLease(await this.store.mustGet(id), body.lease);
    if (refused) throw refused;
    // Redacted as one text, not line by line: a private key printed whole spans many lines, and
    // only its BEGIN and END lines say what the base64 lines between them are.
    await this.logs.append(id, this.redactLine(body.lines.join('\n')).split('\n'));
  }

  /** A page of the task's stored log (redacted when it was appended); NotFoundError for an unknown task. */
  async readLog(id: string, query: LogQuery): Promise<LogPage> {
    await this.store.mustGet(id);
    return this.logs.page(id, query.cursor, query.limit);
  }

  async complete(id: string, body: CompleteBody): Promise<Task> {
    const task = await this.store.mutate(id, (t, now) => decideComplete(t, body, now));
    const now = this.store.clock();
    // The completion stands whatever a hook does: learning and healing are best effort.
    await Promise.allSettled(this.onCompleted.map((hook) => hook(task, now)));
    return task;
  }

  /** A runner's own failure report: fenced at once, then diagnosed and recovered like a reaped one. */
  async fail(id: string, body: FailBody): Promise<Task> {
    const task = await this.store.mutate(id, (t, now) => decideRunnerFail(t, body, now));
    await this.queues.enqueue(
      'diagnose',
      diagnoseJob(task, {
        reason: 'runner reported failure',
        source: 'runner',
        probe: {
          runtimeState: 'unknown',
          processState: 'dead',
          evidence: ['the runner reported its own failure'],
          exitCode: body.exitCode,
          signal: body.signal,
        },
        seenAt: this.store.clock(),
      }),
    );
    return task;
  }

  async cancel(id: string, reason = 'cancelled by request'): Promise<Task> {
    return this.store.mutate(id, (task, now) => decideCancel(task, 'api', reason, now));
  }

  /** GET /tasks: a page newest first, every filter combined, and where the next page starts. */
  async list(query: ListTasksQuery): Promise<{ tasks: Task[]; nextCursor?: string }> {
    const page = await this.store.listPage(query);
    return { tasks: page.tasks, nextCursor: page.nextCursor && encodeListCursor(page.nextCursor) };
  }
}
