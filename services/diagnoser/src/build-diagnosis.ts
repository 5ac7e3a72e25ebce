import {
  classify,
  redact,
  tailText,
  withHostMemoryEvidence,
  type Decision,
  type HostMemoryEvidence,
  type Diagnosis,
  type JobData,
  type Task,
} from '@smart-reap/shared';

export const LOG_TAIL_BYTES = 4096;

type Classification = ReturnType<typeof classify>;

export interface DiagnosisInput {
  task: Task;
  job: JobData<'diagnose'>;
  rawTail: Buffer;
  /** Notes on sources that could not be read. */
  problems: string[];
  now: number;
  partialOutputRatio: number;
  retryable: (c: Diagnosis['crashType']) => boolean;
  /** What the host says about memory at the death (the pinned cgroup's OOM kills, the kernel log). */
  hostMemory?: HostMemoryEvidence;
}

export interface DiagnosisDraft {
  classification: Classification;
  /** The diagnosis without its decision, which recovery decides next. */
  diagnosis: (decision: Decision) => Diagnosis;
}

/**
 * Classifies the redacted tail with the probe's and the runner's evidence. Nothing unredacted
 * leaves this function: the tail, the evidence and the summary are all redacted.
 */
export function buildDiagnosis(input: DiagnosisInput): DiagnosisDraft {
  const { task, job, now } = input;
  const failure = task.failure;
  const exitCode = job.probe.exitCode ?? failure?.exitCode;
  const signal = job.probe.signal ?? failure?.signal;
  const text = tailText(input.rawTail, LOG_TAIL_BYTES).text;
  // The runner's own error line is the freshest evidence of all: it goes last, where the final death is read.
  const withReport = failure?.error ? `${text}${text && !text.endsWith('\n') ? '\n' : ''}${failure.error}\n` : text;
  const redactedTail = tailText(Buffer.from(redact(withReport), 'utf8'), LOG_TAIL_BYTES);
  const probeEvidence = [...job.probe.evidence, ...input.problems.map((p) => `log source ${p}`)].map(redact);
  const fromText = withProbeHint(classify({ tail: redactedTail.text, exitCode, signal, probeEvidence }), job, task);
  const classification = withHostMemoryEvidence(fromText, { exitCode, signal }, input.hostMemory ?? {});
  const heartbeatAt = task.heartbeatAt ?? task.runner?.claimedAt;
  return {
    classification,
    diagnosis: (decision) => ({
      version: 1,
      crashType: classification.crashType,
      confidence: classification.confidence,
      summary: redact(classification.summary),
      // With no log line to point at, what the probe saw is what the verdict stands on.
      evidence: (classification.evidence.length ? classification.evidence : probeEvidence.slice(0, 5)).map(redact),
      logTail: redactedTail.text,
      logTailBytes: redactedTail.bytes,
      exitCode,
      signal,
      runtimeState: job.probe.runtimeState,
      processState: job.probe.processState,
      heartbeatAgeMs: heartbeatAt === undefined ? null : Math.max(0, now - heartbeatAt),
      partialOutputRatio: input.partialOutputRatio,
      decision,
      retryable: input.retryable(classification.crashType),
      attempt: task.attempt,
      diagnosedAt: new Date(now).toISOString(),
    }),
  };
}

/**
 * DESIGN §4: a runner stopped as stuck is a `timeout` unless the log says more; the classifier
 * alone cannot know that the reaper stopped it.
 */
function withProbeHint(c: Classification, job: JobData<'diagnose'>, task: Task): Classification {
  // DESIGN §12: a runner stopped for a live loop died of that loop, whatever its last line (the
  // stop's own SIGTERM, say); its live evidence, redacted when written, is the diagnosis's.
  const live = task.context.live_diagnosis;
  if (job.hint === 'live_loop' && live) {
    return {
      crashType: live.crashType,
      confidence: 0.9,
      summary: redact(`Stopped by LIVE_LOOP_POLICY: ${live.summary}`),
      evidence: live.evidence.map(redact),
      // The provider's retry-after, when the tail said one for this very cause.
      ...(c.crashType === live.crashType && c.retryAfterMs !== undefined ? { retryAfterMs: c.retryAfterMs } : {}),
    };
  }
  if (c.crashType !== 'unknown' || job.hint !== 'timeout') return c;
  return {
    ...c,
    crashType: 'timeout',
    confidence: 0.8,
    summary: 'Stuck: alive but silent past its deadline and every extension; stopped by the reaper',
    evidence: job.probe.evidence.slice(0, 5),
  };
}
