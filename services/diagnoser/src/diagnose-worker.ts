import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  DEFAULT_MAX_FINGERPRINT_ATTEMPTS,
  QUEUE,
  SHORT_WORKER_LOCKS,
  applyTransition,
  decideRecovery,
  startJobWorker,
  isRetryable,
  partialOutputRatio,
  redact,
  type Config,
  type Diagnosis,
  type IncidentTracker,
  type JobData,
  type Keys,
  type Logger,
  type RecoveryStrategy,
  type Task,
  type TaskStore,
} from '@smart-reap/shared';
import { buildDiagnosis, LOG_TAIL_BYTES } from './build-diagnosis.js';
import type { DiagnoserMetrics } from './diagnoser-metrics.js';
import { hostMemoryEvidenceReader, type HostMemoryEvidenceReader } from './host-memory-evidence.js';
import { readLogTail, type LogSources } from './log-sources/read-log-tail.js';
import type { RecoveryApplier } from './recovery-applier.js';

export interface DiagnoseWorkerOptions {
  connection: Redis;
  keys: Keys;
  store: TaskStore;
  sources: LogSources;
  strategies: RecoveryStrategy[];
  applier: RecoveryApplier;
  metrics: DiagnoserMetrics;
  logger: Logger;
  config: Pick<Config, 'RESUME_MIN_RATIO' | 'BACKOFF_BASE_MS'>;
  /** Where deaths are counted per scope, to open incidents. Default: none are counted. */
  incidents?: IncidentTracker;
  /** Attempts in all that one fingerprint may take across retries and continuations (DESIGN §8). Default 3. */
  maxFingerprintAttempts?: number;
  /** The median output length of the kind's completed tasks, to measure partial output against. */
  medianOutputChars?: (kind: string) => Promise<number | undefined>;
  /** Default Date.now. */
  clock?: () => number;
  /** The jitter of backoff delays. Default Math.random. */
  random?: () => number;
  /** Budget to read a log tail from any one source. Default 5000 ms. */
  readTimeoutMs?: number;
  /** What the host says about memory at a death. Default: the pinned cgroup's counter and `dmesg`. */
  hostMemory?: HostMemoryEvidenceReader;
  /** Deaths diagnosed at once. Default 8. */
  concurrency?: number;
}

const retryable = isRetryable;

/**
 * What a diagnose job returns, so Bull Board shows each death's verdict beside its job. Only the
 * diagnosis's redacted parts: the summary is redacted when it is built (buildDiagnosis, and here
 * for the last-resort one). `skipped` when the job found nothing of its attempt to diagnose.
 */
export type DiagnoseResult =
  | { crashType: Diagnosis['crashType']; summary: string; confidence: number; recovery: Diagnosis['decision'] }
  | { skipped: string };

function resultOf(d: Diagnosis): DiagnoseResult {
  return { crashType: d.crashType, summary: d.summary, confidence: d.confidence, recovery: d.decision };
}

/**
 * Diagnoser workers (DESIGN §5–§7): load what is known (the log tail, the partial output, the
 * fingerprint's attempts), classify, let decideRecovery choose, and carry out its choice.
 * Every failure is caught at this boundary: the task ends FAILED with a diagnosis that says what
 * went wrong, and the worker goes on.
 */
export function startDiagnoseWorker(o: DiagnoseWorkerOptions): Worker {
  const clock = o.clock ?? Date.now;
  const random = o.random ?? Math.random;
  const hostMemory = o.hostMemory ?? hostMemoryEvidenceReader();

  const diagnose = async (job: JobData<'diagnose'>): Promise<DiagnoseResult> => {
    const task = await o.store.get(job.taskId);
    if (!task || task.status !== 'IN_PROGRESS' || task.attempt !== job.attempt || !task.reap) return { skipped: 'the attempt is no longer waiting for a diagnosis' };
    const now = clock();
    try {
      const tail = await readLogTail(task, o.sources, LOG_TAIL_BYTES, AbortSignal.timeout(o.readTimeoutMs ?? 5000));
      const ratio = partialOutputRatio(task, await o.medianOutputChars?.(task.kind));
      const memory = await hostMemory.read(task, AbortSignal.timeout(o.readTimeoutMs ?? 5000));
      const draft = buildDiagnosis({ task, job, rawTail: tail.bytes, problems: tail.problems, now, partialOutputRatio: ratio, retryable, hostMemory: memory });
      const fingerprintAttempts = task.dedupKey ? await o.store.fingerprintAttempts(task.kind, task.dedupKey) : 0;
      const { outcome, attention } = decideRecovery(
        task,
        draft.diagnosis('fail'),
        { fingerprintAttempts, partialOutputRatio: ratio, retryAfterMs: draft.classification.retryAfterMs },
        {
          strategies: o.strategies,
          resumeMinRatio: o.config.RESUME_MIN_RATIO,
          backoffBaseMs: o.config.BACKOFF_BASE_MS,
          maxFingerprintAttempts: o.maxFingerprintAttempts ?? DEFAULT_MAX_FINGERPRINT_ATTEMPTS,
          retryable,
          random,
        },
        now,
      );
      const diagnosis = draft.diagnosis(outcome.decision);
      const wrote = await o.applier.apply(task, outcome, diagnosis, now, attention);
      if (!wrote) return { skipped: 'the task moved on while it was diagnosed; nothing was written' };
      await o.incidents?.recordDeath(task, diagnosis.crashType, now);
      o.metrics.reaps.inc({ crash_type: diagnosis.crashType, decision: diagnosis.decision });
      o.metrics.detectionLatency.observe(Math.max(0, clock() - job.seenAt) / 1000);
      o.logger.info(
        { taskId: task.id, kind: task.kind, attempt: task.attempt, crashType: diagnosis.crashType, decision: diagnosis.decision, snapshot: task.context.snapshot ?? {} },
        'attempt diagnosed and recovered',
      );
      return resultOf(diagnosis);
    } catch (err) {
      o.metrics.diagnoseFailures.inc();
      o.logger.error({ taskId: task.id, err: (err as Error).message }, 'diagnosis failed; failing the attempt with what is known');
      return resultOf(await failWithBareDiagnosis(o.store, task, job, err as Error, now));
    }
  };

  const worker = startJobWorker(QUEUE.diagnose, { diagnose }, {
    connection: o.connection,
    prefix: o.keys.bullPrefix(),
    concurrency: o.concurrency ?? 8,
    ...SHORT_WORKER_LOCKS,
  });
  worker.on('error', (err) => o.logger.warn({ err: err.message }, 'diagnose worker error'));
  return worker;
}

/** The last resort: FAILED with a diagnosis saying why recovery could not run. */
async function failWithBareDiagnosis(store: TaskStore, task: Task, job: JobData<'diagnose'>, err: Error, now: number): Promise<Diagnosis> {
  // An error's message may quote what it failed on (a URL with a password, a header).
  const reason = redact(`diagnosis or recovery failed: ${err.message.split('\n')[0]}`);
  const diagnosis: Diagnosis = {
    version: 1,
    crashType: 'unknown',
    confidence: 0,
    summary: reason,
    evidence: job.probe.evidence,
    logTail: '',
    logTailBytes: 0,
    exitCode: job.probe.exitCode,
    signal: job.probe.signal,
    runtimeState: job.probe.runtimeState,
    processState: job.probe.processState,
    heartbeatAgeMs: task.heartbeatAt === undefined ? null : Math.max(0, now - task.heartbeatAt),
    partialOutputRatio: 0,
    decision: 'fail',
    retryable: false,
    attempt: task.attempt,
    diagnosedAt: new Date(now).toISOString(),
  };
  await store.mutate(task.id, (t) => {
    if (t.status !== 'IN_PROGRESS' || t.attempt !== task.attempt) return { keep: true };
    return {
      write: applyTransition(t, { to: 'FAILED', by: 'diagnoser', reason }, now, {
        context: { ...t.context, reap_diagnosis: diagnosis },
        needsAttention: { reason, at: now },
      }),
    };
  });
  return diagnosis;
}
