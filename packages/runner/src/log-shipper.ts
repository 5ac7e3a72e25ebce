import { isTransient } from './api-failure.js';

export interface LogShipperOptions {
  /** How long a line may wait for others before it is sent. Default 200 ms. */
  flushMs?: number;
  /** Pause before a batch that could not be sent is tried again. Default 1000 ms. */
  retryMs?: number;
  /** Lines per call. Default 1000, the API's limit. */
  maxBatchLines?: number;
  /** Characters per call, so a body stays far under the API's 2 MB limit even escaped. Default 256 Ki. */
  maxBatchChars?: number;
  /** Lines kept while the API cannot be reached; the oldest beyond are dropped and counted. Default 10 000. */
  maxBufferedLines?: number;
  /** A batch failed: retried when `willRetry`, else (refused by the API) dropped. */
  onError?: (err: unknown, willRetry: boolean) => void;
}

/**
 * Sends lines to a task's log in batches, one call at a time, in order. A batch that fails for a
 * passing reason is kept and tried again; memory stays bounded when the API is away for long.
 */
export class LogShipper {
  private readonly flushMs: number;
  private readonly retryMs: number;
  private readonly maxBatchLines: number;
  private readonly maxBatchChars: number;
  private readonly maxBufferedLines: number;
  private queue: string[] = [];
  private droppedSinceSent = 0;
  private lost = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private lastFailed = false;
  private discarded = false;

  constructor(
    private readonly send: (lines: string[]) => Promise<void>,
    private readonly options: LogShipperOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 200;
    this.retryMs = options.retryMs ?? 1000;
    this.maxBatchLines = options.maxBatchLines ?? 1000;
    this.maxBatchChars = options.maxBatchChars ?? 256 * 1024;
    this.maxBufferedLines = options.maxBufferedLines ?? 10_000;
  }

  /** Lines that never reached the API: dropped while it was away, refused, or left at close. */
  get lostLines(): number {
    return this.lost;
  }

  push(line: string): void {
    if (this.discarded) return;
    this.queue.push(line);
    const over = this.queue.length - this.maxBufferedLines;
    if (over > 0) {
      this.queue.splice(0, over);
      this.droppedSinceSent += over;
      this.lost += over;
    }
    this.schedule(this.flushMs);
  }

  /** Sends what is buffered, trying again on passing failures until `deadlineMs` has passed; what is left then is lost. */
  async close(deadlineMs: number): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const until = Date.now() + deadlineMs;
    for (;;) {
      await this.pump();
      clearTimeout(this.timer);
      this.timer = undefined;
      if (this.queue.length === 0 || this.discarded) return;
      if (Date.now() + this.retryMs > until) break;
      await new Promise((r) => setTimeout(r, this.retryMs));
    }
    this.lost += this.queue.length;
    this.queue = [];
  }

  /** Sends nothing more: the task is no longer this runner's (its log may be another attempt's by now). */
  discard(): void {
    this.discarded = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.sending || this.discarded) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pump();
    }, delayMs);
  }

  private pump(): Promise<void> {
    this.sending ??= this.drain().finally(() => {
      this.sending = undefined;
      if (this.queue.length > 0) this.schedule(this.lastFailed ? this.retryMs : this.flushMs);
    });
    return this.sending;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.discarded) {
      const batch = this.takeBatch();
      try {
        await this.send(batch);
        this.lastFailed = false;
      } catch (err) {
        const willRetry = isTransient(err);
        this.options.onError?.(err, willRetry);
        if (!willRetry) {
          this.lost += batch.length;
          continue;
        }
        this.lastFailed = true;
        if (!this.discarded) this.queue.unshift(...batch);
        return;
      }
    }
  }

  /** The oldest lines that fit one call; a note first when lines were dropped since the last send. */
  private takeBatch(): string[] {
    const batch: string[] = [];
    let chars = 0;
    if (this.droppedSinceSent > 0) {
      batch.push(`[reaper run] ${this.droppedSinceSent} lines of output were dropped while the API could not be reached`);
      this.droppedSinceSent = 0;
    }
    let n = 0;
    while (n < this.queue.length && batch.length < this.maxBatchLines) {
      const line = this.queue[n]!;
      if (batch.length > 0 && chars + line.length > this.maxBatchChars) break;
      batch.push(line);
      chars += line.length;
      n++;
    }
    this.queue.splice(0, n);
    return batch;
  }
}
