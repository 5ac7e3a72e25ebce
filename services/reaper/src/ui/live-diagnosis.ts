import { z } from 'zod';
import { CrashTypeSchema, type Task } from '@smart-reap/shared';

/** DESIGN §12's `context.live_diagnosis`, read defensively: the console shows it only when it has this shape. */
const LiveDiagnosisSchema = z.object({
  crashType: CrashTypeSchema,
  summary: z.string(),
  evidence: z.array(z.string()).default([]),
  since: z.union([z.number(), z.string()]).optional(),
  repeats: z.number().optional(),
});
export type LiveDiagnosis = z.infer<typeof LiveDiagnosisSchema>;

export function liveDiagnosisOf(task: Task): LiveDiagnosis | undefined {
  const parsed = LiveDiagnosisSchema.safeParse(task.context.live_diagnosis);
  return parsed.success ? parsed.data : undefined;
}
