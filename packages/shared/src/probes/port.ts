import type { AxisState, Reporter, RuntimeRef, RuntimeType } from '../schemas/task.js';

/** What a probe needs to know about one task's runner. */
export interface ProbeTarget {
  taskId: string;
  runtime: RuntimeRef;
  pid?: number;
  pidStartTime?: string;
  host?: string;
  /** The process reporting the runner's exit, if the claim named one (`process` runners). */
  reporter?: Reporter;
}

export interface ProbeContext {
  /** Aborted when the probe's budget (PROBE_TIMEOUT_MS) runs out. */
  signal: AbortSignal;
  now: number;
}

/** Both axes of DESIGN §3, stamped independently, with what was seen. */
export interface ProbeResult {
  runtimeState: AxisState;
  processState: AxisState;
  evidence: string[];
  exitCode?: number;
  signal?: string;
  /** For a pid claimed without a start time: the start time it has now, to hold it to from here on. */
  pinnedPidStartTime?: string;
}

/** One runtime type's way to look at a runner. Must not throw for a dead runner: that is `dead`. */
export interface ProbeAdapter {
  readonly type: RuntimeType;
  probe(target: ProbeTarget, ctx: ProbeContext): Promise<ProbeResult>;
}

export interface StopResult {
  stopped: boolean;
  evidence: string[];
}

/** Stops a stuck runner where it lives, after checking it is still the runner that was claimed. */
export interface RunnerStopper {
  readonly type: RuntimeType;
  stop(target: ProbeTarget, signal: AbortSignal): Promise<StopResult>;
}
