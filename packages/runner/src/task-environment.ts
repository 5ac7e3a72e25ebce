import type { Task } from '@smart-reap/shared';

/**
 * The longest value put inline in the command's environment. Linux refuses an exec whose
 * environment holds any one string over 128 KiB (MAX_ARG_STRLEN), so a larger payload or partial
 * output is handed on in a file only (its `…_FILE` variable is always set).
 */
export const MAX_INLINE_ENV_CHARS = 64 * 1024;

export interface TaskEnvironmentContext {
  runnerId: string;
  apiUrl: string;
  /** The lease the claim returned: the command needs it to report for itself. */
  lease: string;
  /** The run's private directory: the files below are written there. */
  dir: string;
}

export interface TaskEnvironment {
  /** Variables added to the command's environment. */
  vars: Record<string, string>;
  /** Files to write before release (mode 0600), by absolute path; their paths are in `vars`. */
  files: Record<string, string>;
}

interface ContinuationPayload {
  parentPayload?: unknown;
  partialOutput?: unknown;
  partialOutputRatio?: unknown;
  resumeFrom?: unknown;
}

/** The shape `resume-partial` gives a continuation's payload (DESIGN §7). */
function asContinuation(payload: unknown): ContinuationPayload | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  return 'parentPayload' in payload && 'partialOutput' in payload ? (payload as ContinuationPayload) : undefined;
}

/**
 * What the command learns of its task, with no change to it:
 * - `REAPER_TASK_ID`, `REAPER_TASK_KIND`, `REAPER_TASK_ATTEMPT`, `REAPER_TASK_MAX_RETRIES`,
 *   `REAPER_RUNNER_ID`, `REAPER_API_URL` and `REAPER_TASK_LEASE` (so a program that can may
 *   report progress itself; the lease goes as header `Reaper-Lease`);
 * - `REAPER_TASK_PAYLOAD` (JSON) and `REAPER_TASK_PAYLOAD_FILE`, when the task has a payload. For a
 *   continuation it is the original work's payload, unwrapped from the continuation's envelope;
 * - for a continuation: `REAPER_TASK_PARENT_ID`, `REAPER_PARTIAL_OUTPUT` and
 *   `REAPER_PARTIAL_OUTPUT_FILE` (the output handed on), `REAPER_PARTIAL_OUTPUT_RATIO`,
 *   `REAPER_RESUME_FROM` (the parent's diagnosis summary);
 * - `REAPER_HEAL_HINT` (JSON) when the reaper attached one (a bigger runtime, a fallback provider…).
 * A value longer than MAX_INLINE_ENV_CHARS is left out inline; its file still holds it.
 */
export function taskEnvironment(task: Task, ctx: TaskEnvironmentContext): TaskEnvironment {
  const vars: Record<string, string> = {
    REAPER_TASK_ID: task.id,
    REAPER_TASK_KIND: task.kind,
    REAPER_TASK_ATTEMPT: String(task.attempt),
    REAPER_TASK_MAX_RETRIES: String(task.maxRetries),
    REAPER_RUNNER_ID: ctx.runnerId,
    REAPER_API_URL: ctx.apiUrl,
    REAPER_TASK_LEASE: ctx.lease,
  };
  const files: Record<string, string> = {};
  const handOn = (name: string, fileName: string, value: string): void => {
    const path = `${ctx.dir}/${fileName}`;
    files[path] = value;
    vars[`${name}_FILE`] = path;
    if (value.length <= MAX_INLINE_ENV_CHARS && !value.includes('\0')) vars[name] = value;
  };

  let payload = task.payload;
  const continuation = task.parentId !== undefined ? asContinuation(payload) : undefined;
  if (continuation) {
    // A continuation of a continuation wraps its parent's envelope: the work is the innermost payload.
    payload = continuation.parentPayload;
    for (let inner = asContinuation(payload); inner; inner = asContinuation(payload)) payload = inner.parentPayload;
    vars.REAPER_TASK_PARENT_ID = task.parentId!;
    handOn('REAPER_PARTIAL_OUTPUT', 'partial-output.txt', typeof continuation.partialOutput === 'string' ? continuation.partialOutput : '');
    if (typeof continuation.partialOutputRatio === 'number') vars.REAPER_PARTIAL_OUTPUT_RATIO = String(continuation.partialOutputRatio);
    if (typeof continuation.resumeFrom === 'string') vars.REAPER_RESUME_FROM = continuation.resumeFrom.replaceAll('\0', '').slice(0, MAX_INLINE_ENV_CHARS);
  }
  if (payload !== undefined) handOn('REAPER_TASK_PAYLOAD', 'payload.json', JSON.stringify(payload));
  if (task.healHint) vars.REAPER_HEAL_HINT = JSON.stringify(task.healHint);
  return { vars, files };
}
