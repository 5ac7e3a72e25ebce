import { constants } from 'node:os';
import { z } from 'zod';
import { boundedJson } from './json-bounds.js';
import { CrashTypeSchema } from './diagnosis.js';
import { decodeListCursor } from './list-cursor.js';
import { MemoryCgroupPinSchema, ProgressSchema, ReporterSchema, RuntimeRefSchema, SnapshotSchema, TaskStatusSchema } from './task.js';

const kindSchema = z.string().min(1).max(200).regex(/^[^\s:{}]+$/, 'no spaces, colons or braces');

export const CreateTaskBodySchema = z.strictObject({
  kind: kindSchema,
  payload: boundedJson().optional(),
  maxRetries: z.number().int().min(0).max(20).optional(),
  maxAgeMinutes: z.number().positive().max(7 * 24 * 60).optional(),
  expectedOutputChars: z.number().int().positive().optional(),
  idempotencyKey: z.string().min(1).max(200).optional(),
  dedupKey: z.string().min(1).max(200).optional(),
});
export type CreateTaskBody = z.infer<typeof CreateTaskBodySchema>;

export const ListTasksQuerySchema = z.object({
  status: TaskStatusSchema.optional(),
  kind: kindSchema.optional(),
  /** Tasks whose diagnosis (`context.reap_diagnosis`) names this crash type. */
  crashType: CrashTypeSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** The `nextCursor` of the previous page. */
  cursor: z
    .string()
    .transform((s, ctx) => {
      const cursor = decodeListCursor(s);
      if (!cursor) ctx.addIssue({ code: 'custom', message: 'not a cursor this API returned: pass nextCursor unchanged' });
      return cursor ?? z.NEVER;
    })
    .optional(),
});
export type ListTasksQuery = z.infer<typeof ListTasksQuerySchema>;

export const ClaimBodySchema = z.strictObject({
  runnerId: z.string().min(1).max(200),
  kinds: z.array(kindSchema).max(50).optional(),
  runtime: RuntimeRefSchema,
  pid: z.number().int().positive().optional(),
  // Clock ticks since boot, as /proc/<pid>/stat gives it: anything else would read as a reused pid.
  pidStartTime: z.string().regex(/^\d{1,20}$/, 'digits only: the start time in clock ticks, field 22 of /proc/<pid>/stat').optional(),
  host: z.string().min(1).max(253).optional(),
  logRef: z.string().max(2048).optional(),
  /** `process` runners: the process that reports the runner's exit (see ReporterSchema). */
  reporter: ReporterSchema.optional(),
  /** `process` runners: the command's memory cgroup and its OOM-kill count at the claim. */
  memoryCgroup: MemoryCgroupPinSchema.optional(),
});
export type ClaimBody = z.infer<typeof ClaimBodySchema>;

/**
 * The lease a claim returned. Optional here so that a missing one is refused with 403 by the
 * domain (checkLease) rather than 400: the route also takes it from the Reaper-Lease header.
 */
const leaseSchema = z.string().max(200).optional();

export const HeartbeatBodySchema = z.strictObject({
  runnerId: z.string().min(1),
  lease: leaseSchema,
  progress: ProgressSchema.optional(),
  snapshot: SnapshotSchema.optional(),
});
export type HeartbeatBody = z.infer<typeof HeartbeatBodySchema>;

export const LogBodySchema = z.strictObject({
  lease: leaseSchema,
  lines: z.array(z.string().max(64 * 1024)).min(1).max(1000),
});

export const CompleteBodySchema = z.strictObject({
  runnerId: z.string().min(1),
  lease: leaseSchema,
  /** Bounded in size like progress.partialOutput. */
  output: boundedJson(1_000_000).optional(),
});
export type CompleteBody = z.infer<typeof CompleteBodySchema>;

/** The signal names this platform knows (SIGKILL, SIGSEGV, …). */
const SIGNAL_NAMES = Object.keys(constants.signals) as [string, ...string[]];

export const FailBodySchema = z.strictObject({
  runnerId: z.string().min(1),
  lease: leaseSchema,
  error: z.string().max(64 * 1024).optional(),
  exitCode: z.number().int().min(0).max(255).optional(),
  signal: z.enum(SIGNAL_NAMES).optional(),
  snapshot: SnapshotSchema.optional(),
});
export type FailBody = z.infer<typeof FailBodySchema>;
export type LogBody = z.infer<typeof LogBodySchema>;

export const CancelBodySchema = z.strictObject({ reason: z.string().max(500).optional() }).default({});

export const EventsQuerySchema = z.object({
  taskId: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const IncidentsQuerySchema = z.object({ open: z.stringbool().optional() });

/** `by`: who resolves it (an operator's name), recorded as `resolvedBy: operator:<by>`. */
export const ResolveIncidentBodySchema = z.strictObject({ by: z.string().min(1).max(200).regex(/^[^\s]+$/, 'no spaces').optional() }).default({});

/** `POST /tasks/:id/retry`: who asked and why, both recorded in the task's history. */
export const OperatorRetryBodySchema = z
  .strictObject({
    by: z.string().min(1).max(200).default('operator'),
    reason: z.string().min(1).max(500).default('retry requested by an operator'),
  })
  .default({ by: 'operator', reason: 'retry requested by an operator' });
