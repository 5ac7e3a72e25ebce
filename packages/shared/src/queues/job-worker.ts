import { UnrecoverableError, Worker, type Job, type WorkerOptions } from 'bullmq';
import type { ZodError } from 'zod';
import { JOB_FAMILY, JobSchemas, type FamilyOf, type JobData, type JobName, type JobsOf, type QueueFamily, type QueueName } from './catalog.js';

/** One handler for every job its queue takes, each given the data its schema parsed. */
export type JobHandlers<F extends QueueFamily> = {
  [N in JobsOf<F>]: (data: JobData<N>, job: Job, token?: string) => Promise<unknown>;
};

type AnyHandler = (data: unknown, job: Job, token?: string) => Promise<unknown>;

/** The processor behind `startJobWorker`: picks the job's handler by name and gives it the parsed data. */
export function jobProcessor<Q extends QueueName>(queue: Q, handlers: JobHandlers<FamilyOf<Q>>): (job: Job, token?: string) => Promise<unknown> {
  const byName = handlers as unknown as Partial<Record<JobName, AnyHandler>>;
  return async (job, token) => {
    const name = job.name as JobName;
    const handler = Object.hasOwn(JOB_FAMILY, name) && Object.hasOwn(byName, name) ? byName[name] : undefined;
    // Only a hand-made job (the board, a script) gets here: retrying it would not make it known.
    if (!handler) throw new UnrecoverableError(`no handler for "${job.name}" jobs on ${queue}`);
    const parsed = JobSchemas[name].safeParse(job.data);
    // Data that does not validate will not on a retry either: failed at once, naming each field and why.
    if (!parsed.success) throw new UnrecoverableError(`invalid "${job.name}" job: ${issuesText(parsed.error)}`);
    return handler(parsed.data, job, token);
  };
}

/** A ZodError's issues as `field: reason`, joined; `(data)` for the job data as a whole. */
function issuesText(err: ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || '(data)'}: ${i.message}`).join('; ');
}

/**
 * A worker on one queue that dispatches by job name. The handler map's type is the queue's full
 * set of jobs, so a queue that gains a job does not compile until its workers handle it.
 */
export function startJobWorker<Q extends QueueName>(queue: Q, handlers: JobHandlers<FamilyOf<Q>>, opts: WorkerOptions): Worker {
  return new Worker(queue, jobProcessor(queue, handlers), opts);
}
