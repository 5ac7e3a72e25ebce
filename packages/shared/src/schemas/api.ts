import { z } from 'zod';
import { ProgressSchema, RuntimeRefSchema, SnapshotSchema, TaskStatusSchema } from './task.js';

const kindSchema = z.string().min(1).max(200).regex(/^[^\s:{}]+$/, 'no spaces, colons or braces');

export const CreateTaskBodySchema = z.strictObject({
  kind: kindSchema,
  payload: z.unknown().optional(),
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
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const ClaimBodySchema = z.strictObject({
  runnerId: z.string().min(1).max(200),
  kinds: z.array(kindSchema).max(50).optional(),
  runtime: RuntimeRefSchema,
  pid: z.number().int().positive().optional(),
  pidStartTime: z.string().max(64).optional(),
  host: z.string().min(1).max(253).optional(),
  logRef: z.string().max(2048).optional(),
});
export type ClaimBody = z.infer<typeof ClaimBodySchema>;

export const HeartbeatBodySchema = z.strictObject({
  runnerId: z.string().min(1),
  progress: ProgressSchema.optional(),
  snapshot: SnapshotSchema.optional(),
});
export type HeartbeatBody = z.infer<typeof HeartbeatBodySchema>;

export const LogBodySchema = z.strictObject({
  lines: z.array(z.string().max(64 * 1024)).min(1).max(1000),
});

export const CompleteBodySchema = z.strictObject({
  runnerId: z.string().min(1),
  output: z.unknown().optional(),
});

export const FailBodySchema = z.strictObject({
  runnerId: z.string().min(1),
  error: z.string().max(64 * 1024).optional(),
  exitCode: z.number().int().optional(),
  signal: z.string().max(32).optional(),
  snapshot: SnapshotSchema.optional(),
});
export type FailBody = z.infer<typeof FailBodySchema>;

export const CancelBodySchema = z.strictObject({ reason: z.string().max(500).optional() }).default({});

export const EventsQuerySchema = z.object({
  taskId: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const IncidentsQuerySchema = z.object({ open: z.stringbool().optional() });

/** `POST /tasks/:id/retry`: who asked and why, both recorded in the task's history. */
export const OperatorRetryBodySchema = z
  .strictObject({
    by: z.string().min(1).max(200).default('operator'),
    reason: z.string().min(1).max(500).default('retry requested by an operator'),
  })
  .default({ by: 'operator', reason: 'retry requested by an operator' });
