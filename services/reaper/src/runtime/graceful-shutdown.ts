import type { Logger } from '@smart-reap/shared';

export interface Closable {
  name: string;
  /** Finish or release in-flight work. `force` means: stop waiting. */
  close(force: boolean): Promise<unknown>;
}

export interface ShutdownOptions {
  logger: Logger;
  /** Before closing, e.g. mark /readyz 503 so traffic drains. */
  beforeClose?: () => void;
  /** Graceful budget before closing by force. Default 8000 ms (exit within Kubernetes' 10 s). */
  graceMs?: number;
}

/**
 * Closes parts in order, each gracefully within the shared budget and then by force: BullMQ's
 * `close()` waits forever on a stuck job unless told otherwise.
 */
export async function closeAll(parts: Closable[], o: ShutdownOptions): Promise<void> {
  o.beforeClose?.();
  const deadline = Date.now() + (o.graceMs ?? 8000);
  for (const part of parts) {
    const remaining = Math.max(100, deadline - Date.now());
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), remaining);
    });
    const result = await Promise.race([part.close(false).then(() => 'closed' as const, (err: Error) => err), timedOut]);
    clearTimeout(timer);
    if (result !== 'closed') {
      o.logger.warn({ part: part.name, result: result === 'timeout' ? 'timeout' : (result as Error).message }, 'closing by force');
      await part.close(true).catch(() => undefined);
    }
  }
}
