import { UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import {
  JobQueues,
  Keys,
  QUEUE,
  diagnoseJob,
  intakeBody,
  hostProbeQueue,
  jobProcessor,
  planJob,
  probeQueueFor,
  startJobWorker,
  type FamilyOf,
  type JobData,
  type JobHandlers,
  type RuntimeType,
} from '../../src/index.js';

const target = (type: RuntimeType, host?: string) => ({ taskId: 't1', runtime: { type, ref: 'r' }, host });
const stop = (type: RuntimeType, host?: string): JobData<'stop'> => ({ taskId: 't1', attempt: 2, target: target(type, host), reason: 'stuck', seenAt: 5 });
const probe = (...targets: Array<ReturnType<typeof target>>): JobData<'probe'> => ({ round: 1000, targets: targets.map((t) => ({ ...t, attempt: 1 })) });
const death = { reason: 'dead', source: 'reaper' as const, probe: { runtimeState: 'dead' as const, processState: 'dead' as const, evidence: [] }, seenAt: 7 };

/** The issues of the ZodError `fn` throws, as `path: message`. */
function refusal(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ZodError);
    return (err as ZodError).issues.map((i) => i.path.join('.'));
  }
  throw new Error('was not refused');
}

describe('job routing', () => {
  it('sends probes and stops of process and tmux runners to their host, the others to the shared probe queue', () => {
    expect(probeQueueFor(target('process', 'node-a'))).toBe('probe-node-a');
    expect(probeQueueFor(target('tmux', 'node-b'))).toBe('probe-node-b');
    for (const t of ['kubernetes', 'http', 'heartbeat'] as const) expect(probeQueueFor(target(t, 'node-a')), t).toBe(QUEUE.probe);
    expect(probeQueueFor(target('process'))).toBe('probe-unknown-host');
    // BullMQ queue names cannot hold ':'.
    expect(hostProbeQueue('box:1 a')).toBe('probe-box_1_a');
  });

  it('routes a stop job where its runner lives', () => {
    expect(planJob('stop', stop('process', 'node-a')).queue).toBe('probe-node-a');
    expect(planJob('stop', stop('tmux', 'node-b')).queue).toBe('probe-node-b');
    expect(planJob('stop', stop('kubernetes', 'node-a')).queue).toBe(QUEUE.probe);
    expect(planJob('stop', stop('http')).queue).toBe(QUEUE.probe);
  });

  it('routes a probe job by its targets, and refuses a batch that spans probe queues', () => {
    expect(planJob('probe', probe(target('process', 'node-a'), target('tmux', 'node-a')), { batch: 0 }).queue).toBe('probe-node-a');
    expect(planJob('probe', probe(target('http'), target('kubernetes')), { batch: 0 }).queue).toBe(QUEUE.probe);
    expect(refusal(() => planJob('probe', probe(target('process', 'node-a'), target('process', 'node-b')), { batch: 0 }))).toEqual(['targets']);
    expect(refusal(() => planJob('probe', probe(target('process', 'node-a'), target('http')), { batch: 0 }))).toEqual(['targets']);
  });

  it('sends the fixed jobs to their own queues', () => {
    expect(planJob('assigned', { taskId: 't1', attempt: 1 }, { delay: 0 }).queue).toBe(QUEUE.assigned);
    expect(planJob('task', { kind: 'etl' }).queue).toBe(QUEUE.tasks);
    expect(planJob('reassign', { taskId: 't1', attempt: 1 }, { delay: 0 }).queue).toBe(QUEUE.reassign);
    expect(planJob('diagnose', diagnoseJob({ id: 't1', attempt: 1 }, death)).queue).toBe(QUEUE.diagnose);
    expect(planJob('decide', { round: 1, queue: 'probe-node-a', results: [] }).queue).toBe(QUEUE.decide);
  });
});

describe('job ids and options', () => {
  it('gives each attempt one id per job, so a replayed step adds nothing new', () => {
    expect(planJob('assigned', { taskId: 't1', attempt: 3 }, { delay: 0 }).opts.jobId).toBe('t1-a3');
    // A producer's job: its id is its idempotency key, so the data's own key is its id; BullMQ numbers the others.
    expect(planJob('task', { kind: 'etl', idempotencyKey: 'batch-7' }).opts.jobId).toBe('batch-7');
    expect(planJob('task', { kind: 'etl' }).opts.jobId).toBeUndefined();
    expect(planJob('reassign', { taskId: 't1', attempt: 3 }, { delay: 0 }).opts.jobId).toBe('reassign-t1-a3');
    expect(planJob('stop', stop('process', 'node-a')).opts.jobId).toBe('stop-t1-a2');
    expect(planJob('diagnose', diagnoseJob({ id: 't1', attempt: 3 }, death)).opts.jobId).toBe('diag-t1-a3');
    expect(planJob('probe', probe(target('http')), { batch: 4 }).opts.jobId).toBe('r1000-4');
    const result = { taskId: 't9', attempt: 1, host: 'h', runtimeState: 'alive' as const, processState: 'alive' as const, evidence: [], probedAt: 1 };
    expect(planJob('decide', { round: 1000, queue: 'probe-h', results: [result] }).opts.jobId).toBe('probe-h-1000-t9');
    expect(planJob('decide', { round: 1000, queue: 'probe-h', results: [] }).opts.jobId).toBe('probe-h-1000-empty');
  });

  it('builds the same diagnose job for a runner report, a verdict and a stop of one attempt', () => {
    const task = { id: 't1', attempt: 2 };
    const runner = diagnoseJob(task, { ...death, source: 'runner' });
    const stopped = diagnoseJob({ id: stop('process').taskId, attempt: stop('process').attempt }, { ...death, hint: 'timeout' });
    expect(runner).toMatchObject({ taskId: 't1', attempt: 2, source: 'runner' });
    expect(stopped).toMatchObject({ taskId: 't1', attempt: 2, hint: 'timeout' });
    expect(new Set([runner, stopped, diagnoseJob(task, death)].map((d) => planJob('diagnose', d).opts.jobId))).toEqual(new Set(['diag-t1-a2']));
  });

  it('carries each job its options', () => {
    expect(planJob('assigned', { taskId: 't1', attempt: 1 }, { delay: 250 }).opts).toEqual({ jobId: 't1-a1', delay: 250 });
    expect(planJob('reassign', { taskId: 't1', attempt: 1 }, { delay: 900 }).opts).toEqual({
      jobId: 'reassign-t1-a1',
      delay: 900,
      attempts: 20,
      backoff: { type: 'exponential', delay: 500 },
    });
    expect(planJob('stop', stop('tmux', 'h')).opts).toMatchObject({ attempts: 3, backoff: { type: 'exponential', delay: 1000 } });
    expect(planJob('probe', probe(target('http')), { batch: 0 }).opts).toMatchObject({ removeOnComplete: true, removeOnFail: { count: 100 } });
    expect(planJob('decide', { round: 1, queue: 'probe', results: [] }).opts).toMatchObject({ removeOnComplete: true, removeOnFail: { count: 100 } });
  });
});

describe('enqueue', () => {
  // Refused before any queue is touched: this connection would throw at the first command.
  const queues = new JobQueues({} as Redis, new Keys('unit'));

  it('refuses data its schema does not accept, naming the field', async () => {
    const bad = { ...diagnoseJob({ id: 't1', attempt: 0 }, death) };
    await expect(queues.enqueue('diagnose', bad)).rejects.toBeInstanceOf(ZodError);
    await expect(queues.enqueue('diagnose', bad)).rejects.toSatisfy((e: ZodError) => e.issues.some((i) => i.path.join('.') === 'attempt'));
    const noRuntime = { ...stop('process', 'h'), target: { taskId: 't1' } } as unknown as JobData<'stop'>;
    expect(refusal(() => planJob('stop', noRuntime))).toEqual(['target.runtime']);
    expect(queues.known()).toEqual([]);
  });

  it('adds the data as the schema parsed it (unknown fields dropped)', () => {
    const planned = planJob('reassign', { taskId: 't1', attempt: 1, extra: 'x' } as JobData<'reassign'>, { delay: 0 });
    expect(planned.data).toEqual({ taskId: 't1', attempt: 1 });
  });
});

describe('handler maps', () => {
  const job = (name: string, data: unknown) => ({ name, data }) as Job;

  it('gives each job to its own handler with the data its schema parsed', async () => {
    const seen: string[] = [];
    const run = jobProcessor(hostProbeQueue('node-a'), {
      probe: async (d) => seen.push(`probe ${d.round}`),
      stop: async (d) => seen.push(`stop ${d.taskId} ${d.target.runtime.type}`),
    });
    await run(job('stop', { ...stop('process', 'node-a'), junk: 1 }));
    await run(job('probe', probe(target('process', 'node-a'))));
    expect(seen).toEqual(['stop t1 process', 'probe 1000']);
  });

  it('refuses a job whose data its schema does not accept, and a job the queue does not take', async () => {
    const run = jobProcessor(QUEUE.reassign, { reassign: async () => 'ok' });
    // Bad data fails for good (no retry would make it valid), naming the field and the reason.
    await expect(run(job('reassign', { taskId: 't1' }))).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(run(job('reassign', { taskId: 't1' }))).rejects.toThrow(/^invalid "reassign" job: attempt: /);
    await expect(run(job('diagnose', diagnoseJob({ id: 't1', attempt: 1 }, death)))).rejects.toThrow(/no handler for "diagnose" jobs on reassign/);
    await expect(run(job('toString', {}))).rejects.toThrow(/no handler/);
  });

  it('does not compile without a handler for every job of the queue', () => {
    // @ts-expect-error a probe queue also takes stop jobs: a map without one does not compile
    const incomplete: JobHandlers<FamilyOf<'probe-node-a'>> = { probe: async () => undefined };
    const neverStarted = () =>
      // @ts-expect-error the shared probe queue is the same family: stop is missing here too
      startJobWorker(QUEUE.probe, { probe: async () => undefined }, { connection: {} as Redis });
    // @ts-expect-error a handler for a job the queue never takes is refused as well
    const extra: JobHandlers<'reassign'> = { reassign: async () => undefined, diagnose: async () => undefined };
    expect([incomplete, neverStarted, extra]).toHaveLength(3);
  });
});

describe('intake jobs (DESIGN §9)', () => {
  it("make the POST /tasks body keyed by the job id, unless the data names its own key", () => {
    expect(intakeBody({ kind: 'etl', payload: { day: 1 } }, '42')).toEqual({ kind: 'etl', payload: { day: 1 }, idempotencyKey: '42' });
    expect(intakeBody({ kind: 'etl', idempotencyKey: 'batch-7' }, '42')).toEqual({ kind: 'etl', idempotencyKey: 'batch-7' });
  });

  it('fail a job whose data is not a valid POST /tasks body for good, naming the field', async () => {
    const run = jobProcessor(QUEUE.tasks, { task: async (d) => d.kind });
    expect(await run({ name: 'task', id: '1', data: { kind: 'etl' } } as Job)).toBe('etl');
    await expect(run({ name: 'task', data: { kind: 'has space' } } as Job)).rejects.toThrow(/^invalid "task" job: kind: no spaces, colons or braces$/);
    await expect(run({ name: 'task', data: {} } as Job)).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(run({ name: 'task', data: { kind: 'etl', extra: 1 } } as Job)).rejects.toThrow(/extra/);
    await expect(run({ name: 'assigned', data: { taskId: 't1', attempt: 1 } } as Job)).rejects.toThrow(/no handler for "assigned" jobs on tasks/);
  });
});
