import { z } from 'zod';

/** DESIGN §5: exactly these strings. */
export const CRASH_TYPES = [
  'oom',
  'segfault',
  'panic',
  'unhandled_exception',
  'rate_limited',
  'provider_overloaded',
  'auth_error',
  'context_overflow',
  'network_error',
  'disk_full',
  'killed',
  'timeout',
  'unknown',
] as const;
export const CrashTypeSchema = z.enum(CRASH_TYPES);
export type CrashType = z.infer<typeof CrashTypeSchema>;

export const DECISIONS = ['resume', 'reassign', 'fail', 'escalate'] as const;
export const DecisionSchema = z.enum(DECISIONS);
export type Decision = z.infer<typeof DecisionSchema>;

const axis = z.enum(['alive', 'dead', 'unknown']);

/** DESIGN §6: `context.reap_diagnosis`, the failed-task diagnostics contract. */
export const DiagnosisSchema = z.object({
  version: z.literal(1),
  crashType: CrashTypeSchema,
  confidence: z.number().min(0).max(1),
  summary: z.string(),
  evidence: z.array(z.string()),
  logTail: z.string(),
  logTailBytes: z.number().int().nonnegative(),
  exitCode: z.number().int().optional(),
  signal: z.string().optional(),
  runtimeState: axis,
  processState: axis,
  heartbeatAgeMs: z.number().nonnegative().nullable(),
  partialOutputRatio: z.number().min(0).max(1),
  decision: DecisionSchema,
  retryable: z.boolean(),
  attempt: z.number().int().positive(),
  diagnosedAt: z.string().datetime(),
});
export type Diagnosis = z.infer<typeof DiagnosisSchema>;
