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
  /** Graceful budget for all parts together: the config's SHUTDOWN_GRACE_MS, so no default here. */
  graceMs: number;
  /** How long the forced closes get, all together, once the grace ran out. Default 500 ms. */
  forceMs?: number;
  /** Default Date.now. */
  clock?: () => number;
}

/** ShutdownOptions with every default applied, once. */
type ShutdownSettings = Required<Omit<ShutdownOptions, 'beforeClose'>> & Pick<ShutdownOptions, 'beforeClose'>;

function shutdownSettings(o: ShutdownOptions): ShutdownSettings {
  return { ...o, forceMs: o.forceMs ?? 500, clock: o.clock ?? Date.now };
}

export interface ShutdownReport {
  /** Parts closed by force after their graceful close failed or overran. */
  forced: string[];
  /** Parts that did not finish closing even by force: left to the process's exit. */
  abandoned: string[];
}

/**
 * Closes parts in order, each gracefully within the shared budget; once the budget is spent, the
 * part that overran and every part after it are closed by force, together, within `forceMs`.
 * Whatever still has not closed is abandoned, and the caller goes on (to disconnect its Redis
 * clients and exit): with Redis away, BullMQ's `close()` waits forever on a QUIT that cannot be
 * sent, and `close(true)` after it returns that same pending promise, so nothing here may be
 * awaited without a bound.
 */
export async function closeAll(parts: Closable[], options: ShutdownOptions): Promise<ShutdownReport> {
  const o = shutdownSettings(options);
  const { clock } = o;
  o.beforeClose?.();
  const deadline = clock() + o.graceMs;
  const forced: string[] = [];
  let rest = parts;
  while (rest.length > 0) {
    const [part, ...after] = rest as [Closable, ...Closable[]];
    const remaining = deadline - clock();
    if (remaining <= 0) break;
    const result = await within(part.close(false), remaining);
    if (result === 'closed') {
      rest = after;
      continue;
    }
    o.logger.warn({ part: part.name, result: result === 'timeout' ? 'timeout' : result.message }, 'closing by force');
    if (result !== 'timeout') {
      // It failed fast: force it and go on gracefully with the others.
      forced.push(part.name);
      await within(part.close(true), o.forceMs);
      rest = after;
      continue;
    }
    break;
  }
  if (rest.length === 0) return { forced, abandoned: [] };
  const pending = new Set(rest.map((p) => p.name));
  forced.push(...pending);
  await within(
    Promise.all(rest.map((p) => p.close(true).then(() => pending.delete(p.name), () => pending.delete(p.name)))),
    o.forceMs,
  );
  const abandoned = [...pending];
  if (abandoned.length > 0) o.logger.warn({ parts: abandoned }, 'not closed even by force: leaving them to the exit');
  return { forced, abandoned };
}

/** `closed`, the error it failed with, or `timeout` once `ms` have passed. */
export async function within(work: Promise<unknown>, ms: number): Promise<'closed' | 'timeout' | Error> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, ms));
  });
  try {
    return await Promise.race([work.then(() => 'closed' as const, (err: unknown) => (err instanceof Error ? err : new Error(String(err)))), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
