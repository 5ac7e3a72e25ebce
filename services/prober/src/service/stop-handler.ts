import { diagnoseJob, liveLoopDeath, stuckDeath, type JobData, type JobQueues, type Logger, type RunnerStopper, type RuntimeType } from '@smart-reap/shared';

export type RunnerStopperLookup = (type: RuntimeType) => RunnerStopper | undefined;

export interface StopJobHandlerOptions {
  stopperFor: RunnerStopperLookup;
  queues: JobQueues;
  logger: Logger;
  /** Budget for one stop, grace before SIGKILL included. Default 15 000 ms. */
  timeoutMs?: number;
}

/**
 * Stops a stuck runner (or one looping under LIVE_LOOP_POLICY `stop`) where it lives, then hands the task to the diagnoser: the diagnosis reads
 * the log after the runner is gone, so the tail is final.
 */
export class StopJobHandler {
  constructor(private readonly o: StopJobHandlerOptions) {}

  async handle(job: JobData<'stop'>): Promise<void> {
    const stopper = this.o.stopperFor(job.target.runtime.type);
    let evidence: string[];
    if (!stopper) {
      evidence = [`no stopper for ${job.target.runtime.type} runtimes: the runner is fenced only`];
    } else {
      try {
        const res = await stopper.stop(job.target, AbortSignal.timeout(this.o.timeoutMs ?? 15_000));
        evidence = res.evidence;
      } catch (err) {
        evidence = [`stop failed: ${(err as Error).message}`];
      }
    }
    const live = job.why === 'live_loop';
    this.o.logger.info({ taskId: job.taskId, runtime: job.target.runtime.type }, live ? 'stopped looping runner' : 'stopped stuck runner');
    await this.o.queues.enqueue('diagnose', diagnoseJob({ id: job.taskId, attempt: job.attempt }, live ? liveLoopDeath(job, evidence) : stuckDeath(job, evidence)));
  }
}
