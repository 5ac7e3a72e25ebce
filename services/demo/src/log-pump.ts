/** Most lines one log call carries (the API takes up to 1000). */
const BATCH = 500;

/**
 * Ships a runner's output lines to the task's log in order, as they come: one call in flight at a
 * time, everything that arrived meanwhile in the next. Lines pushed before `open()` wait for it
 * (the task is known only once the claim answered).
 */
export class LogPump {
  private readonly queue: string[] = [];
  private sending: Promise<void> | undefined;
  private opened = false;

  constructor(
    private readonly send: (lines: string[]) => Promise<void>,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  open(): void {
    this.opened = true;
    this.kick();
  }

  push(line: string): void {
    this.queue.push(line);
    this.kick();
  }

  /** Resolves once every line pushed so far was sent (or failed). */
  async flush(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private kick(): void {
    if (!this.opened || this.sending || this.queue.length === 0) return;
    this.sending = this.drain().finally(() => {
      this.sending = undefined;
      this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, BATCH);
      try {
        await this.send(batch);
      } catch (err) {
        this.onError(err);
      }
    }
  }
}
