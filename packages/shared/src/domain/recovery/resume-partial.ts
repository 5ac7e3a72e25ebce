import type { RecoveryStrategy } from './recovery-strategy.js';

/**
 * A continuation that keeps the partial output, when enough was done and the cause lets a new
 * attempt succeed. A context overflow is no case for a plain retry, but a continuation that starts
 * from the partial output may fit.
 */
export const resumePartial: RecoveryStrategy = {
  name: 'resume-partial',
  recover(task, diagnosis, ctx) {
    if (ctx.partialOutputRatio < ctx.resumeMinRatio) return undefined;
    if (!ctx.retryable(diagnosis.crashType) && diagnosis.crashType !== 'context_overflow') return undefined;
    return {
      decision: 'resume',
      reason: `resumed from ${Math.round(ctx.partialOutputRatio * 100)} % partial output after ${diagnosis.crashType}`,
      continuation: {
        kind: task.kind,
        payload: {
          parentPayload: task.payload,
          partialOutput: task.progress?.partialOutput ?? '',
          partialOutputRatio: ctx.partialOutputRatio,
          resumeFrom: diagnosis.summary,
        },
        maxRetries: task.maxRetries,
        expectedOutputChars: task.expectedOutputChars,
        healHint: ctx.healHint,
      },
    };
  },
};
