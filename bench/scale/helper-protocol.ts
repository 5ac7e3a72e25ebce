/** What bench/scale/main.ts and its helper processes say to each other, and the config they share. */
export const BEAT_MS = 30_000;
export const SCALE_CONFIG = { KEY_PREFIX: 'scale', PORT: 0, LOG_LEVEL: 'silent', PROBE_CONCURRENCY: 256, HEARTBEAT_GRACE_MS: 90_000 } as const;

export type ToHelper = { type: 'measure'; on: boolean } | { type: 'report' } | { type: 'beat'; ids: string[]; leases: string[] } | { type: 'stop' };
export type FromHelper =
  | { type: 'ready' }
  /** The host watcher's sweeps while measuring: the gaps between two sweep starts, and their durations (ms). */
  | { type: 'sweeps'; gaps: number[]; durations: number[]; watched: number; fullProbes: number };
