/** One prober's registration: the probe queue it takes from, and until when it vouches for it. */
export interface ProberEntry {
  /** The probe queue served: `probe-<host>` for a host prober, `probe` for a shared one. */
  queue: string;
  /** The runner host (NODE_NAME) a host prober serves; absent for a shared one. */
  host?: string;
  /** One prober process: replicas serving the same queue register apart. */
  instance: string;
  /** Epoch ms; the prober renews before this, so a later `now` means it is gone. */
  expiresAt: number;
}

/** What one scheduler tick knows about who takes probes: read once per tick. */
export interface ProberSnapshot {
  entries: readonly ProberEntry[];
  /** Probe queues paused in BullMQ (Bull Board's pause, `queue.pause()`): nobody takes from them. */
  pausedQueues: ReadonlySet<string>;
  now: number;
}

export type QueueSupervision = { served: true } | { served: false; reason: string };

/**
 * Is anyone taking the probes of this queue? Not when it is paused, nor when no prober's
 * registration for it is live. A task on an unserved queue is unsupervised: its probes would only
 * pile up, and nothing seen (or not seen) there may reap it.
 */
export function queueSupervision(queue: string, s: ProberSnapshot): QueueSupervision {
  if (s.pausedQueues.has(queue)) return { served: false, reason: `probe queue ${queue} is paused: no prober takes from it` };
  const mine = s.entries.filter((e) => e.queue === queue);
  if (mine.some((e) => e.expiresAt > s.now)) return { served: true };
  if (mine.length === 0) return { served: false, reason: `no prober is registered for probe queue ${queue}` };
  const last = Math.max(...mine.map((e) => e.expiresAt));
  return { served: false, reason: `the prober of probe queue ${queue} is gone: its registration expired at ${new Date(last).toISOString()}` };
}

/** The runner hosts some live prober serves, each once. */
export function liveProberHosts(entries: readonly ProberEntry[], now: number): string[] {
  return [...new Set(entries.filter((e) => e.host !== undefined && e.expiresAt > now).map((e) => e.host!))].sort();
}
