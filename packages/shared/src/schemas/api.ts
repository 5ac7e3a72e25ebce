import { constants } from 'node:os';
import { z } from 'zod';
import { boundedJson } from './json-bounds.js';
import { CrashTypeSchema } from './diagnosis.js';
import { decodeListCursor } from './list-cursor.js';
import { MemoryCgroupPinSchema, ProgressSchema, ReporterSchema, RuntimeRefSchema, SnapshotSchema, TaskSchema, TaskStatusSchema } from './task.js';

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
    // decodeListCursor's own first check, said here too so that the OpenAPI document shows the form.
    .regex(/^[A-Za-z0-9_-]{3,400}$/, 'not a cursor this API returned: pass nextCursor unchanged')
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

export const IncidentsQuerySchema = z.object({ open: z.stringbool().optional().meta({ description: 'true/false (also 1/0, yes/no, on/off): only open incidents, or only resolved ones' }) });

/** `by`: who resolves it (an operator's name), recorded as `resolvedBy: operator:<by>`. */
export const ResolveIncidentBodySchema = z.strictObject({ by: z.string().min(1).max(200).regex(/^[^\s]+$/, 'no spaces').optional() }).default({});

/** `POST /tasks/:id/retry`: who asked and why, both recorded in the task's history. */
export const OperatorRetryBodySchema = z
  .strictObject({
    by: z.string().min(1).max(200).default('operator'),
    reason: z.string().min(1).max(500).default('retry requested by an operator'),
  })
  .default({ by: 'operator', reason: 'retry requested by an operator' });

/**
 * `GET /tasks/:id/log`: a page of the task's stored log, oldest first. `cursor` is the id of the
 * last line already read (the page starts after it); without one the page starts at the oldest
 * line still kept.
 */
export const LogQuerySchema = z.object({
  cursor: z
    .string()
    .regex(/^\d{1,20}-\d{1,20}$/, 'a line id as a page returned it (<ms>-<seq>)')
    .optional()
    .meta({ description: 'the nextCursor of the previous page' }),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type LogQuery = z.infer<typeof LogQuerySchema>;

export const LogLineSchema = z.object({
  /** The line's id in the task's log stream (a cursor). */
  id: z.string(),
  /** When the API stored it, ms since the epoch. */
  at: z.number(),
  /** As stored: redacted when it was written. */
  line: z.string(),
});
export type LogLine = z.infer<typeof LogLineSchema>;

/** `nextCursor`: the id of the page's last line, to ask for the lines after it; the given cursor again when the page is empty. */
export const LogPageSchema = z.object({ lines: z.array(LogLineSchema), nextCursor: z.string().optional() });
export type LogPage = z.infer<typeof LogPageSchema>;

// The answers of the routes, as the OpenAPI document describes them (the API builds these
// objects; the route tests parse what it sends with these schemas).

/** A task as the API serves it: the lease hashes are never served. */
export const TaskViewSchema = TaskSchema.omit({ leaseHash: true, endedLeaseHashes: true });
export type TaskView = z.infer<typeof TaskViewSchema>;

export const FieldIssueSchema = z.object({ field: z.string(), reason: z.string() });
export const BadRequestBodySchema = z.looseObject({ error: z.string(), issues: z.array(FieldIssueSchema) });
export const ErrorBodySchema = z.object({ error: z.string() });
export const ForbiddenBodySchema = z.object({
  error: z.string(),
  code: z.enum(['lease_missing', 'lease_invalid', 'runner_mismatch']),
  issues: z.array(FieldIssueSchema),
});
export const ConflictBodySchema = z.object({ error: z.string(), code: z.enum(['transition_not_allowed', 'runner_fenced', 'contention']) });

export const IncidentSchema = z.object({
  id: z.string(),
  cause: CrashTypeSchema,
  scope: z.string(),
  openedAt: z.number(),
  tasks: z.array(z.string()),
  healthyCompletions: z.number(),
  resolvedAt: z.number().optional(),
  resolvedBy: z.string().optional(),
});
