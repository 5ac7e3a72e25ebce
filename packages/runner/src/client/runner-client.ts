import { RunnerApiError } from './runner-api-error.js';
import { TaskSchema, type ClaimBody, type Progress, type Snapshot, type Task, type TaskStatus } from '@smart-reap/shared';
import { ApiTransport, type ApiTransportOptions } from './api-transport.js';

export interface RunnerClientOptions extends ApiTransportOptions {
  /** This runner's id: every call names it, and the API fences by it. */
  runnerId: string;
}

export type ClaimRequest = Omit<ClaimBody, 'runnerId'>;

export interface FailReport {
  error?: string;
  exitCode?: number;
  signal?: string;
  snapshot?: Snapshot;
}

export interface HeartbeatAnswer {
  id: string;
  status: TaskStatus;
  deadline?: number;
}

export interface HeartbeatLoopOptions {
  /** Time between beats, counted from the end of the previous one. Default 30 000 ms (DESIGN §2). */
  intervalMs?: number;
  /**
   * Read before every beat. What it returns is sent when it is not the object the API last
   * accepted, so an unchanged (possibly large) partial output is not sent again and again.
   */
  progress?: () => Progress | undefined;
  /** The API answered 409: the runner was reaped or the task ended. Beating has stopped; stop the work. */
  onFenced: (err: RunnerApiError) => void;
  /** A beat failed otherwise (not reached, timed out, 5xx): the next interval beats again. */
  onError?: (err: unknown) => void;
}

/** Stops the beat; resolves once no beat is in flight, so a report sent after it never races one. */
export type StopHeartbeat = () => Promise<void>;

/**
 * The runner side of the HTTP API (DESIGN §9) for one runner id. It keeps the lease each claim
 * returned and sends it (header `Reaper-Lease`) with every call for that task, so a caller never
 * handles it; the lease is forgotten once the task is completed or failed through this client.
 */
export class RunnerClient {
  readonly runnerId: string;
  private readonly http: ApiTransport;
  private readonly beats = new Map<string, StopHeartbeat>();
  private readonly leases = new Map<string, string>();

  constructor(options: RunnerClientOptions) {
    this.runnerId = options.runnerId;
    this.http = new ApiTransport(options);
  }

  /** The oldest waiting task of the kinds asked, now IN_PROGRESS for this runner; undefined when there is none (204). */
  async claim(request: ClaimRequest): Promise<Task | undefined> {
    const answer = await this.http.request('POST', '/tasks/claim', { ...request, runnerId: this.runnerId });
    if (answer.status === 204) return undefined;
    const task = TaskSchema.parse(answer.body);
    const lease = (answer.body as { lease?: unknown }).lease;
    if (typeof lease === 'string') this.leases.set(task.id, lease);
    return task;
  }

  async heartbeat(taskId: string, progress?: Progress, snapshot?: Snapshot): Promise<HeartbeatAnswer> {
    const answer = await this.forTask('heartbeat', taskId, { runnerId: this.runnerId, progress, snapshot });
    return answer.body as HeartbeatAnswer;
  }

  /** Appends lines to the task's log stream; the API takes up to 1000 lines of up to 64 KiB each per call. */
  async log(taskId: string, lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    await this.forTask('log', taskId, { lines });
  }

  /** Ends the task's heartbeat first: a beat landing after the completion would read as fenced. */
  async complete(taskId: string, output?: unknown): Promise<{ id: string; status: TaskStatus }> {
    await this.beats.get(taskId)?.();
    const answer = await this.forTask('complete', taskId, { runnerId: this.runnerId, output });
    this.leases.delete(taskId);
    return answer.body as { id: string; status: TaskStatus };
  }

  /** A runner that knows its work failed; the API fences it at once and diagnoses the task. */
  async fail(taskId: string, report: FailReport = {}): Promise<{ id: string; status: TaskStatus }> {
    await this.beats.get(taskId)?.();
    const answer = await this.forTask('fail', taskId, { runnerId: this.runnerId, ...report });
    this.leases.delete(taskId);
    return answer.body as { id: string; status: TaskStatus };
  }

  /** The lease of a task claimed through this client and not yet completed or failed through it. */
  leaseOf(taskId: string): string | undefined {
    return this.leases.get(taskId);
  }

  /** A call for a claimed task, with the lease its claim returned (none for a task not claimed here: the API refuses it). */
  private forTask(route: 'heartbeat' | 'log' | 'complete' | 'fail', taskId: string, body: unknown) {
    const lease = this.leases.get(taskId);
    return this.http.request('POST', `/tasks/${encodeURIComponent(taskId)}/${route}`, body, lease ? { 'reaper-lease': lease } : {});
  }

  /**
   * Beats for a task until stopped, fenced, or completed or failed through this client. Beats are
   * never concurrent: the next is scheduled when the previous has answered.
   */
  startHeartbeat(taskId: string, options: HeartbeatLoopOptions): StopHeartbeat {
    const intervalMs = options.intervalMs ?? 30_000;
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let inFlight: Promise<void> | undefined;
    let accepted: Progress | undefined;

    const beat = async (): Promise<void> => {
      const latest = options.progress?.();
      const fresh = latest !== undefined && latest !== accepted ? latest : undefined;
      try {
        await this.heartbeat(taskId, fresh);
        if (fresh) accepted = fresh;
      } catch (err) {
        if (stopped) return;
        if (err instanceof RunnerApiError && err.isFenced) {
          stopped = true;
          this.forget(taskId, stop);
          options.onFenced(err);
          return;
        }
        options.onError?.(err);
      }
    };
    const schedule = (): void => {
      if (stopped) return;
      timer = setTimeout(() => {
        inFlight = beat().finally(() => {
          inFlight = undefined;
          schedule();
        });
      }, intervalMs);
    };
    const stop: StopHeartbeat = async () => {
      stopped = true;
      clearTimeout(timer);
      this.forget(taskId, stop);
      await inFlight;
    };

    void this.beats.get(taskId)?.();
    this.beats.set(taskId, stop);
    schedule();
    return stop;
  }

  private forget(taskId: string, stop: StopHeartbeat): void {
    if (this.beats.get(taskId) === stop) this.beats.delete(taskId);
  }
}
