export interface ParentWatchOptions {
  /** Between looks. Default 1000 ms. */
  intervalMs?: number;
  /** The current parent pid. Default: process.ppid (read afresh each time). */
  parentPid?: () => number;
}

/**
 * Calls `onGone` once when this process's parent changes, i.e. the process that started it died
 * and the process was adopted (by init or a subreaper). `pnpm -s reaper start` is pnpm → sh →
 * node, and pnpm does not forward a SIGTERM it gets: without this, killing pnpm would leave the
 * service (and its private Redis) running with no one to stop them. The timer does not keep the
 * process alive. Returns a function that stops the watch.
 */
export function watchParent(onGone: (was: number, now: number) => void, o: ParentWatchOptions = {}): () => void {
  const parentPid = o.parentPid ?? (() => process.ppid);
  const first = parentPid();
  const timer = setInterval(() => {
    const now = parentPid();
    if (now === first) return;
    clearInterval(timer);
    onGone(first, now);
  }, o.intervalMs ?? 1000);
  timer.unref();
  return () => clearInterval(timer);
}
