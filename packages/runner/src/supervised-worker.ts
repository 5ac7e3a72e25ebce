import { hostname } from 'node:os';
import { DelayedError, type ConnectionOptions, type Job, type Worker, type WorkerOptions } from 'bullmq';
import {
  CompleteBodySchema,
  ConflictError,
  ProgressSchema,
  QUEUE,
  configWith,
  createCore,
  startJobWorker,
  type JobData,
  readProcessStartTime,
  type ClaimBody,
  type Core,
  type Progress,
  type Task,
} from '@smart-reap/shared';

/** What a supervised processor gets besides BullMQ's `(job, token)`. */
export interface SupervisedContext {
  /** The task as claimed (IN_PROGRESS, this worker's attempt). */
  task: Task;
  /** The attempt's lease: only this worker holds it. */
  lease: string;
  /** Aborts when the attempt is fenced (a beat came back 409): its work no longer counts. */
  signal: AbortSignal;
}

export type SupervisedProcessor<Payload = any, Result = any> = (
  job: Job<Payload, Result>,
  token: string | undefined,
  context: SupervisedContext,
) => Promise<Result>;

export interface SupervisedWorkerOptions extends Omit<WorkerOptions, 'prefix' | 'connection'> {
  /** BullMQ's connection (options or an ioredis instance); smart-reap's tasks are read and written over the same server. */
  connection: ConnectionOptions;
  /** The reaper's `KEY_PREFIX`. Default `sr`. */
  keyPrefix?: string;
  /** Only tasks of these kinds; a pointer job of another kind is put back for other workers. Default: all. */
  kinds?: string[];
  /** Default `<host>-<pid>`. */
  runnerId?: string;
  /** Default 30 000. */
  heartbeatMs?: number;
  /** The node (host) this process runs on, as the probers name it. Default NODE_NAME, else the hostname. */
  nodeName?: string;
}

/** How long a pointer job of a kind this worker does not take waits before another worker sees it. */
const OTHER_KIND_DELAY_MS = 1000;
/** FailBody's bound on `error`. */
const MAX_ERROR_CHARS = 64 * 1024;

function isFenced(err: unknown): boolean {
  return err instanceof ConflictError && err.code === 'runner_fenced';
}

/** The redis:// URL of a BullMQ connection, for the task store beside the queue. */
export function redisUrlOf(connection: ConnectionOptions): string {
  const o: Record<string, any> = 'options' in connection && typeof (connection as any).duplicate === 'function' ? (connection as any).options : connection;
  const auth = o.password ? `${encodeURIComponent(o.username ?? '')}:${encodeURIComponent(o.password)}@` : '';
  return `${o.tls ? 'rediss' : 'redis'}://${auth}${o.host ?? '127.0.0.1'}:${o.port ?? 6379}/${o.db ?? 0}`;
}

/** The runtime a claim names for this process: its pod under the downward API, else the process itself. */
export function runtimeOfThisProcess(env: NodeJS.ProcessEnv): ClaimBody['runtime'] {
  if (env.POD_NAME && env.POD_NAMESPACE) return { type: 'kubernetes', ref: `${env.POD_NAMESPACE}/${env.POD_NAME}` };
  return { type: 'process', ref: '' };
}

/** `job.updateProgress(ratio | {ratio, partialOutput})` as a task's progress; anything else is BullMQ's alone. */
export function progressOf(value: unknown): Progress | undefined {
  const parsed = ProgressSchema.safeParse(typeof value === 'number' ? { ratio: value } : value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * A drop-in for BullMQ's `Worker` whose jobs are smart-reap tasks: it consumes the `assigned`
 * queue, claims each task by id in the same handler that holds the job's lock (the task's CAS is
 * the truth: a task claimed elsewhere is not run twice), registers this process so the prober can
 * see it die, beats, maps progress, and completes or fails the task with the processor's outcome.
 */
export class SupervisedWorker<Payload = any, Result = any> {
  readonly worker: Worker;
  private readonly core: Core;
  private readonly runnerId: string;
  private readonly heartbeatMs: number;
  private readonly nodeName: string;
  private readonly kinds?: string[];

  constructor(processor: SupervisedProcessor<Payload, Result>, options: SupervisedWorkerOptions) {
    const { keyPrefix = 'sr', kinds, runnerId, heartbeatMs = 30_000, nodeName, connection, ...workerOptions } = options;
    if (!Number.isInteger(heartbeatMs) || heartbeatMs <= 0) throw new Error(`heartbeatMs must be a positive integer (ms), got ${heartbeatMs}`);
    this.nodeName = nodeName ?? process.env.NODE_NAME ?? hostname();
    this.runnerId = runnerId ?? `${hostname()}-${process.pid}`;
    this.heartbeatMs = heartbeatMs;
    this.kinds = kinds?.length ? kinds : undefined;
    this.core = createCore({ config: configWith({ KEY_PREFIX: keyPrefix }), redisUrl: redisUrlOf(connection) });
    // The catalog's worker: a pointer job whose data does not parse fails for good, naming the field.
    this.worker = startJobWorker(QUEUE.assigned, { assigned: (data, job, token) => this.handle(data, job, token, processor) }, {
      ...workerOptions,
      connection,
      prefix: this.core.keys.bullPrefix(),
    });
  }

  async close(force = false): Promise<void> {
    await this.worker.close(force);
    await this.core.close();
  }

  private async handle({ taskId, attempt }: JobData<'assigned'>, job: Job, token: string | undefined, processor: SupervisedProcessor<Payload, Result>): Promise<unknown> {
    const { tasks, store } = this.core;
    const offered = await store.get(taskId);
    // Claimed over HTTP, cancelled or reassigned since the job was put: it moved on, nothing to run.
    // (Read first so that a stale job of another kind ends here rather than being put back forever.)
    if (!offered || offered.status !== 'ASSIGNED' || offered.attempt !== attempt) return undefined;
    if (this.kinds && !this.kinds.includes(offered.kind)) {
      await job.moveToDelayed(Date.now() + OTHER_KIND_DELAY_MS, token);
      throw new DelayedError();
    }
    // The CAS decides: the read above may be stale by now.
    const claimed = await tasks.claimById(taskId, attempt, await this.claimBody());
    if (!claimed) return undefined;
    const { lease, ...task } = claimed;
    const fenced = new AbortController();
    const beat = async (progress?: Progress) => {
      try {
        await tasks.heartbeat(taskId, { runnerId: this.runnerId, lease, progress });
      } catch (err) {
        if (isFenced(err)) fenced.abort(err);
        else this.worker.emit('error', err as Error);
      }
    };
    const timer = setInterval(() => void beat(), this.heartbeatMs);
    // The processor sees the task's payload as the job's data, and its progress lands on the task.
    const view: Job = Object.create(job, {
      data: { value: task.payload, enumerable: true },
      updateProgress: {
        value: async (value: number | object) => {
          await job.updateProgress(value);
          const progress = progressOf(value);
          if (progress) await beat(progress);
        },
      },
    });
    let output: Result;
    try {
      try {
        output = await processor(view, token, { task, lease, signal: fenced.signal });
        CompleteBodySchema.parse({ runnerId: this.runnerId, lease, output });
      } catch (err) {
        if (!fenced.signal.aborted) await this.failQuietly(taskId, lease, err);
        throw err;
      }
    } finally {
      clearInterval(timer);
    }
    if (!fenced.signal.aborted) {
      await tasks.complete(taskId, { runnerId: this.runnerId, lease, output }).catch((err) => {
        // Fenced between the last beat and now: the attempt ended, its output counts for nothing.
        if (!isFenced(err)) throw err;
      });
    }
    return output;
  }

  private async failQuietly(taskId: string, lease: string, err: unknown): Promise<void> {
    const error = (err instanceof Error ? (err.stack ?? err.message) : String(err)).slice(0, MAX_ERROR_CHARS);
    await this.core.tasks.fail(taskId, { runnerId: this.runnerId, lease, error }).catch((e) => {
      // Fenced meanwhile: the attempt is already someone else's to diagnose.
      if (!isFenced(e)) throw e;
    });
  }

  private async claimBody(): Promise<ClaimBody> {
    const runtime = runtimeOfThisProcess(process.env);
    if (runtime.type === 'kubernetes') return { runnerId: this.runnerId, runtime, host: this.nodeName };
    return { runnerId: this.runnerId, runtime, pid: process.pid, pidStartTime: await readProcessStartTime(process.pid), host: this.nodeName };
  }
}
