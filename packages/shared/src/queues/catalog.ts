import { z } from 'zod';
import { AxisStateSchema, ReporterSchema, RuntimeRefSchema } from '../schemas/task.js';

/** BullMQ queue names (no ':' allowed). Host-local probes go to `probe-<host>`. */
export const QUEUE = {
  tasks: 'tasks',
  probe: 'probe',
  diagnose: 'diagnose',
  reassign: 'reassign',
  /** Probe results on their way from probers to the reaper's decide step (one job per probe job). */
  decide: 'decide',
} as const;

/** The jobId of a task's reassign job: one per attempt, so a replayed diagnosis makes no second one. */
export function reassignJobId(taskId: string, attempt: number): string {
  return `reassign-${taskId}-a${attempt}`;
}

export function hostProbeQueue(host: string): string {
  return `probe-${host.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

export const ProbeTargetSchema = z.object({
  taskId: z.string(),
  runtime: RuntimeRefSchema,
  pid: z.number().int().optional(),
  pidStartTime: z.string().optional(),
  host: z.string().optional(),
  heartbeatAt: z.number().optional(),
  reporter: ReporterSchema.optional(),
});

/** The typed job catalog: each queue's payloads, validated at add() and parsed in the processor. */
export const JobSchemas = {
  /** A task waiting for a runner; BullMQ-native runners take it from here, the API claim removes it. */
  task: z.object({ taskId: z.string(), attempt: z.number().int().positive() }),
  /** One probe round for a batch of tasks, each probed under its own budget. */
  probe: z.object({ round: z.number(), targets: z.array(ProbeTargetSchema.extend({ attempt: z.number().int().positive() })).min(1) }),
  /** Stop a stuck runner where it lives (same host queues as probes). */
  stop: z.object({
    taskId: z.string(),
    attempt: z.number().int().positive(),
    target: ProbeTargetSchema,
    reason: z.string(),
    seenAt: z.number(),
  }),
  diagnose: z.object({
    taskId: z.string(),
    attempt: z.number().int().positive(),
    reason: z.string(),
    source: z.enum(['reaper', 'runner']),
    probe: z.object({
      runtimeState: AxisStateSchema,
      processState: AxisStateSchema,
      evidence: z.array(z.string()),
      exitCode: z.number().int().optional(),
      signal: z.string().optional(),
    }),
    /** When the death was first seen, for the detection-latency metric. */
    seenAt: z.number(),
    /** The truth table's reading when the log says nothing more: stuck (timeout) or lost (unknown). */
    hint: z.enum(['timeout', 'unknown']).optional(),
  }),
  reassign: z.object({ taskId: z.string(), attempt: z.number().int().positive() }),
  decide: z.object({
    round: z.number(),
    queue: z.string(),
    results: z.array(
      z.object({
        taskId: z.string(),
        attempt: z.number().int().positive(),
        host: z.string(),
        runtimeState: AxisStateSchema,
        processState: AxisStateSchema,
        evidence: z.array(z.string()),
        exitCode: z.number().int().optional(),
        signal: z.string().optional(),
        /** The start time the host prober read for a pid claimed without one, at first sight. */
        pinnedPidStartTime: z.string().regex(/^\d+$/).optional(),
        probedAt: z.number(),
      }),
    ),
  }),
} as const;

export type JobName = keyof typeof JobSchemas;
export type JobData<N extends JobName> = z.infer<(typeof JobSchemas)[N]>;
export type ProbeTargetJob = z.infer<typeof ProbeTargetSchema>;
export type ProbeResultJob = JobData<'decide'>['results'][number];
