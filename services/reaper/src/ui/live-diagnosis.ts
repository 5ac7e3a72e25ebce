import { z } from 'zod';
import type { Task } from '@smart-reap/shared';

/**
 * DESIGN §12's `context.live_diagnosis`, read defensively: the console shows it only when it has
 * this shape. Its cause is shown as written (escaped), even one outside the crash taxonomy.
 */
const LiveDiagnosisSchema = z.object({
  crashType: z.string().min(1).max(100),
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
