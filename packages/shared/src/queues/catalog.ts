import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import { CreateTaskBodySchema } from '../schemas/api.js';
import { AxisStateSchema, ReporterSchema, RuntimeRefSchema, type RuntimeRef, type Task } from '../schemas/task.js';

/** BullMQ queue names (no ':' allowed). Host-local probes go to `probe-<host>`. */
export const QUEUE = {
  /** The intake: plain BullMQ producers add `task` jobs here (DESIGN §9); the reaper turns each into a task. */
  tasks: 'tasks',
  /** One pointer job per ASSIGNED attempt, smart-reap's own: kept apart from the intake so its worker never sees them. */
  assigned: 'assigned',
  probe: 'probe',
  diagnose: 'diagnose',
  reassign: 'reassign',
  /** Probe results on their way from probers to the reaper's decide step (one job per probe job). */
  decide: 'decide',
} as const;

/** A kind of queue: each fixed queue is its own, and the shared `probe` queue and every host's share one. */
export type QueueFamily = (typeof QUEUE)[keyof typeof QUEUE];
export type HostProbeQueue = `probe-${string}`;
export type ProbeQueue = typeof QUEUE.probe | HostProbeQueue;
export type QueueName = QueueFamily | HostProbeQueue;
export type FamilyOf<Q extends QueueName> = Q extends HostProbeQueue ? typeof QUEUE.probe : Q;

export function hostProbeQueue(host: string): HostProbeQueue {
  return `probe-${host.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

/** The probe queue that sees a runner: `process` and `tmux` runners only from their own host, the others from anywhere. */
export function probeQueueFor(target: { runtime: Pick<RuntimeRef, 'type'>; host?: string }): ProbeQueue {
  const local = target.runtime.type === 'process' || target.runtime.type === 'tmux';
  return local ? hostProbeQueue(target.host ?? 'unknown-host') : QUEUE.probe;
}

/** The jobId of a task's pointer job on the assigned queue: one per attempt. */
export function assignedJobId(taskId: string, attempt: number): string {
  return `${taskId}-a${attempt}`;
}

/** The jobId of a task's reassign job: one per attempt, so a replayed diagnosis makes no second one. */
export function reassignJobId(taskId: string, attempt: number): string {
  return `reassign-${taskId}-a${attempt}`;
}

export const ProbeTargetSchema = z.object({
  taskId: z.string(),
  runtime: RuntimeRefSchema,
  pid: z.number().int().optional(),
  pidStartTime: z.string().optional(),
  host: z.string().optional(),
  reporter: ReporterSchema.optional(),
});

/** The typed job catalog: each queue's payloads, validated at enqueue and parsed before a handler sees them. */
export const JobSchemas = {
  /** A producer's task, as the POST /tasks body: the intake worker creates it (the job id is its idempotency key). */
  task: CreateTaskBodySchema,
  /** A task waiting for a runner; BullMQ-native runners take it from here, the API claim removes it. */
  assigned: z.object({ taskId: z.string(), attempt: z.number().int().positive() }),
  /** One probe round for a batch of tasks, each probed under its own budget. */
  probe: z
    .object({ round: z.number(), targets: z.array(ProbeTargetSchema.extend({ attempt: z.number().int().positive() })).min(1) })
    // The job is routed by its first target: a batch mixing hosts would probe some runners from the wrong one.
    .refine((d) => {
      const first = d.targets[0] && probeQueueFor(d.targets[0]);
      return d.targets.every((t) => probeQueueFor(t) === first);
    }, { message: 'all targets of one probe job must be seen from the same probe queue', path: ['targets'] }),
  /** Stop a stuck runner where it lives (same host queues as probes). */
  stop: z.object({
    taskId: z.string(),
    attempt: z.number().int().positive(),
    target: ProbeTargetSchema,
    reason: z.string(),
    seenAt: z.number(),
    /** Why it is stopped: stuck past its deadline (the default), or looping while alive under LIVE_LOOP_POLICY `stop`. */
    why: z.enum(['stuck', 'live_loop']).optional(),
  }),
  diagnose: z.object({
    taskId: z.string(),
    attempt: z.number().int().positive(),
    reason: z.string(),
    source: z.enum(['reaper', 'runner']),
    probe: z.object({
      runtimeState: AxisStateSchema,
      processState: AxisStateSchema,
      evidence: z.array(z.string()),
      exitCode: z.number().int().optional(),
      signal: z.string().optional(),
    }),
    /** When the death was first seen, for the detection-latency metric. */
    seenAt: z.number(),
    /** The truth table's reading when the log says nothing more: stuck (timeout) or lost (unknown); or stopped for a live loop, whose cause the live diagnosis names. */
    hint: z.enum(['timeout', 'unknown', 'live_loop']).optional(),
  }),
  reassign: z.object({ taskId: z.string(), attempt: z.number().int().positive() }),
  decide: z.object({
    round: z.number(),
    queue: z.string(),
    /** A host watcher's sweep lists only targets not alive: how many more it saw alive on that host (the mass-death breaker's round). */
    alsoAlive: z.number().int().nonnegative().optional(),
    results: z.array(
      z.object({
        taskId: z.string(),
        attempt: z.number().int().positive(),
        host: z.string(),
        runtimeState: AxisStateSchema,
        processState: AxisStateSchema,
        evidence: z.array(z.string()),
        exitCode: z.number().int().optional(),
        signal: z.string().optional(),
        /** The start time the host prober read for a pid claimed without one, at first sight. */
        pinnedPidStartTime: z.string().regex(/^\d+$/).optional(),
        probedAt: z.number(),
      }),
    ),
  }),
} as const;

export type JobName = keyof typeof JobSchemas;
export type JobData<N extends JobName> = z.infer<(typeof JobSchemas)[N]>;
export type ProbeTargetJob = z.infer<typeof ProbeTargetSchema>;
export type ProbeResultJob = JobData<'decide'>['results'][number];

/** Which family of queues takes each job: the handler map of a worker on that family must cover exactly these. */
export const JOB_FAMILY = {
  task: QUEUE.tasks,
  assigned: QUEUE.assigned,
  probe: QUEUE.probe,
  stop: QUEUE.probe,
  diagnose: QUEUE.diagnose,
  reassign: QUEUE.reassign,
  decide: QUEUE.decide,
} as const satisfies Record<JobName, QueueFamily>;

/** The jobs a queue family takes. */
export type JobsOf<F extends QueueFamily> = { [N in JobName]: (typeof JOB_FAMILY)[N] extends F ? N : never }[JobName];
type QueueOf<F extends QueueFamily> = F extends typeof QUEUE.probe ? ProbeQueue : F;

/** What a job needs besides its data: how long a task or reassign waits, a probe job's number within its round. */
export interface JobExtras {
  assigned: { delay: number };
  reassign: { delay: number };
  probe: { batch: number };
}
type ExtraOf<N extends JobName> = N extends keyof JobExtras ? JobExtras[N] : undefined;
/** The arguments after the data that `enqueue` takes for a job: its extras, or nothing. */
export type JobExtraArgs<N extends JobName> = N extends keyof JobExtras ? [extra: JobExtras[N]] : [];

export interface JobSpec<N extends JobName> {
  /** The queue the job goes to, from its data: probes and stops go to the queue that sees their runner. */
  queue: (data: JobData<N>) => QueueOf<(typeof JOB_FAMILY)[N]>;
  /** Deterministic where a replay must find the job it made, so a step run twice enqueues once; undefined lets BullMQ number it. */
  jobId: (data: JobData<N>, extra: ExtraOf<N>) => string | undefined;
  options: (extra: ExtraOf<N>) => Omit<JobsOptions, 'jobId'>;
}

/** Each job's routing, id and options; queues add their defaults (removeOnComplete 1000, removeOnFail 5000) to what a job leaves unset. */
export const JOBS: { [N in JobName]: JobSpec<N> } = {
  task: {
    queue: () => QUEUE.tasks,
    // The intake takes the job id as the idempotency key: one named by the data is the same key.
    jobId: (d) => d.idempotencyKey,
    options: () => ({}),
  },
  assigned: {
    queue: () => QUEUE.assigned,
    jobId: (d) => assignedJobId(d.taskId, d.attempt),
    options: ({ delay }) => ({ delay }),
  },
  probe: {
    queue: (d) => probeQueueFor(d.targets[0]!),
    jobId: (d, { batch }) => `r${d.round}-${batch}`,
    // A round is worth nothing once the next one is due: never kept, never replayed.
    options: () => ({ removeOnComplete: true, removeOnFail: { count: 100 } }),
  },
  stop: {
    queue: (d) => probeQueueFor(d.target),
    jobId: (d) => `stop-${d.taskId}-a${d.attempt}`,
    options: () => ({ attempts: 3, backoff: { type: 'exponential', delay: 1000 } }),
  },
  diagnose: {
    queue: () => QUEUE.diagnose,
    // One diagnosis per attempt, whoever saw it die first: the reaper, a stop, or the runner's own report.
    jobId: (d) => `diag-${d.taskId}-a${d.attempt}`,
    options: () => ({}),
  },
  reassign: {
    queue: () => QUEUE.reassign,
    jobId: (d) => reassignJobId(d.taskId, d.attempt),
    options: ({ delay }) => ({ delay, attempts: 20, backoff: { type: 'exponential', delay: 500 } }),
  },
  decide: {
    queue: () => QUEUE.decide,
    jobId: (d) => `${d.queue}-${d.round}-${d.results[0]?.taskId ?? 'empty'}`,
    options: () => ({ removeOnComplete: true, removeOnFail: { count: 100 } }),
  },
};

export interface PlannedJob<N extends JobName> {
  queue: QueueName;
  name: N;
  data: JobData<N>;
  opts: JobsOptions;
}

/** A job as it will be added: data checked by its schema (a ZodError names the field), routed, with its id and options. */
export function planJob<N extends JobName>(name: N, data: JobData<N>, ...[extra]: JobExtraArgs<N>): PlannedJob<N> {
  const spec: JobSpec<N> = JOBS[name];
  const parsed = JobSchemas[name].parse(data) as JobData<N>;
  const x = extra as ExtraOf<N>;
  return { queue: spec.queue(parsed), name, data: parsed, opts: { ...spec.options(x), jobId: spec.jobId(parsed, x) } };
}

/** A death as its witness saw it: the reaper's probe, a stop's outcome, or the runner's own report. */
export type DeathReport = Omit<JobData<'diagnose'>, 'taskId' | 'attempt'>;

/** The one diagnose job for a dying attempt, whoever reports it. */
export function diagnoseJob(task: Pick<Task, 'id' | 'attempt'>, death: DeathReport): JobData<'diagnose'> {
  return { taskId: task.id, attempt: task.attempt, ...death };
}
