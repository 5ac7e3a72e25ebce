import { LiveDiagnosisSchema, type LiveDiagnosis, type Task } from '@smart-reap/shared';

/**
 * DESIGN §12's `context.live_diagnosis`, read defensively with the schema the live watcher writes
 * it by: a task stored before the field existed, or written by hand, shows no live diagnosis
 * rather than a broken page.
 */
export function liveDiagnosisOf(task: Task): LiveDiagnosis | undefined {
  const parsed = LiveDiagnosisSchema.safeParse(task.context.live_diagnosis);
  return parsed.success ? parsed.data : undefined;
}
