import { z } from 'zod';
import { CrashTypeSchema, DiagnosisSchema } from './diagnosis.js';

export const TASK_STATUSES = ['PENDING', 'ASSIGNED', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export const TaskStatusSchema = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof TaskStatusSchema>;

export const RUNTIME_TYPES = ['process', 'tmux', 'kubernetes', 'http', 'heartbeat'] as const;
export const RuntimeTypeSchema = z.enum(RUNTIME_TYPES);
export type RuntimeType = z.infer<typeof RuntimeTypeSchema>;

/** Where the runner lives: a tmux session name, `namespace/pod[/container]`, a health URL, … */
export const RuntimeRefSchema = z.object({
  type: RuntimeTypeSchema,
  ref: z.string().max(2048).default(''),
});
export type RuntimeRef = z.infer<typeof RuntimeRefSchema>;

/**
 * The process that reports a runner's exit for it (`reaper run` itself): while it lives, a runner
 * pid found gone is an exit being reported, read `unknown` for a short grace rather than a death.
 */
export const ReporterSchema = z.strictObject({
  pid: z.number().int().positive(),
  /** Its start time, as for the runner (digits: clock ticks since boot on Linux). */
  pidStartTime: z.string().regex(/^\d{1,20}$/, 'digits only: the process start time in clock ticks'),
});
export type Reporter = z.infer<typeof ReporterSchema>;

/**
 * The runner's memory cgroup, pinned while it lived (`reaper run` reads its command's at the claim):
 * the OOM-kill counter's file and its count then. After the death, a higher count says the kernel's
 * OOM killer took something in that cgroup (issue #14, DESIGN §5).
 */
/** What a pin may name: a counter file under the cgroup mount, no way out of it. */
export const MEMORY_CGROUP_FILE = /^\/sys\/fs\/cgroup\/(?:(?!\.\.)[\w.@:+-]+\/)*memory\.(?:events|oom_control)$/;

export const MemoryCgroupPinSchema = z.strictObject({
  file: z.string().max(4096).regex(MEMORY_CGROUP_FILE, 'a memory.events or memory.oom_control file under /sys/fs/cgroup'),
  oomKills: z.number().int().nonnegative(),
});

export const RunnerSchema = z.object({
  runnerId: z.string().min(1).max(200),
  runtime: RuntimeRefSchema,
  pid: z.number().int().positive().optional(),
  /** Process start time as the runner's host reports it (clock ticks since boot on Linux). */
  pidStartTime: z.string().max(64).optional(),
  /** Set when the runner gave a pid but no start time: the host prober read it when it first saw the pid. */
  pidStartTimePinned: z.literal('first-probe').optional(),
  host: z.string().max(253).optional(),
  logRef: z.string().max(2048).optional(),
  reporter: ReporterSchema.optional(),
  memoryCgroup: MemoryCgroupPinSchema.optional(),
  claimedAt: z.number(),
});
export type Runner = z.infer<typeof RunnerSchema>;

export const ProgressSchema = z.object({
  ratio: z.number().min(0).max(1),
  partialOutput: z.string().max(1_000_000).optional(),
});
export type Progress = z.infer<typeof ProgressSchema>;

export const HistoryEntrySchema = z.object({
  from: TaskStatusSchema,
  to: TaskStatusSchema,
  at: z.number(),
  by: z.string(),
  reason: z.string(),
});
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

export const AXIS_STATES = ['alive', 'dead', 'unknown'] as const;
export const AxisStateSchema = z.enum(AXIS_STATES);
export type AxisState = z.infer<typeof AxisStateSchema>;

/** The latest probe's stamp and the counters the truth table needs across rounds. */
export const ProbeStampSchema = z.object({
  runtimeState: AxisStateSchema,
  processState: AxisStateSchema,
  at: z.number(),
  evidence: z.array(z.string()).default([]),
  exitCode: z.number().int().optional(),
  signal: z.string().optional(),
  unknownRounds: z.number().int().nonnegative().default(0),
  contradictionRounds: z.number().int().nonnegative().default(0),
  /** Set while the mass-death breaker holds this task's death as inconclusive. */
  heldUntil: z.number().optional(),
});
export type ProbeStamp = z.infer<typeof ProbeStampSchema>;

export const SnapshotSchema = z.object({
  turns: z.number().int().nonnegative().optional(),
  costUsd: z.number().nonnegative().optional(),
  tokens: z.number().int().nonnegative().optional(),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

export const HealHintSchema = z.object({
  maxAgeMinutes: z.number().positive().optional(),
  provider: z.string().optional(),
  memory: z.string().optional(),
  notBefore: z.number().optional(),
  reason: z.string().optional(),
});
export type HealHint = z.infer<typeof HealHintSchema>;

/**
 * DESIGN §12: a loop on one cause seen while the runner lives (domain/live-loop.ts). Evidence is
 * redacted as a reap diagnosis's is; `detectedAt` says which needsAttention the loop set, so
 * clearing it clears only that one.
 */
export const LiveDiagnosisSchema = z.object({
  crashType: CrashTypeSchema,
  summary: z.string(),
  evidence: z.array(z.string()),
  /** When the loop's first error was written (epoch ms). */
  since: z.number(),
  repeats: z.number().int().positive(),
  /** The attempt it was seen in. */
  attempt: z.number().int().positive(),
  detectedAt: z.number(),
});
export type LiveDiagnosis = z.infer<typeof LiveDiagnosisSchema>;

export const TaskSchema = z.object({
  id: z.string(),
  kind: z.string(),
  status: TaskStatusSchema,
  attempt: z.number().int().positive(),
  maxRetries: z.number().int().nonnegative(),
  /** The producer's own value; when absent the learned or configured default applies at claim. */
  maxAgeMinutes: z.number().positive().optional(),
  /** The window the current attempt got at claim (the task's own, or learned, or the default). */
  effectiveMaxAgeMinutes: z.number().positive().optional(),
  deadline: z.number().optional(),
  extensions: z.number().int().nonnegative(),
  runner: RunnerSchema.optional(),
  /** Runner ids that were reaped or cancelled (a record: what refuses their later calls is the lease). */
  fencedRunners: z.array(z.string()).default([]),
  /** sha256 of the current attempt's lease (DESIGN §9); never served. */
  leaseHash: z.string().optional(),
  /** sha256 of earlier attempts' leases, so their late calls get 409 rather than 403; never served. */
  endedLeaseHashes: z.array(z.string()).optional(),
  heartbeatAt: z.number().optional(),
  progress: ProgressSchema.optional(),
  payload: z.unknown().optional(),
  output: z.unknown().optional(),
  context: z
    .object({
      reap_diagnosis: DiagnosisSchema.optional(),
      live_diagnosis: LiveDiagnosisSchema.optional(),
      snapshot: SnapshotSchema.optional(),
    })
    .catchall(z.unknown())
    .default({}),
  parentId: z.string().optional(),
  continuationId: z.string().optional(),
  expectedOutputChars: z.number().int().positive().optional(),
  needsAttention: z.object({ reason: z.string(), at: z.number() }).nullable().optional(),
  idempotencyKey: z.string().optional(),
  dedupKey: z.string().optional(),
  healHint: HealHintSchema.optional(),
  /** What the runner said when it reported its own failure. */
  failure: z
    .object({ error: z.string().optional(), exitCode: z.number().int().optional(), signal: z.string().optional() })
    .optional(),
  probe: ProbeStampSchema.optional(),
  /** Set when the reaper (or the runner's own fail report) took the attempt down: probing stops, diagnosis follows. */
  reap: z.object({ at: z.number(), by: z.string(), reason: z.string() }).optional(),
  lastEscalatedAt: z.number().optional(),
  /** Set while no prober takes this task's probes (its host's prober is gone, or its probe queue is paused); cleared when one does again. */
  supervision: z.object({ state: z.literal('unsupervised'), since: z.number(), reason: z.string(), queue: z.string() }).optional(),
  history: z.array(HistoryEntrySchema),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Task = z.infer<typeof TaskSchema>;
