/**
 * The API's settings in bench/throughput. PORT 0: a free port. The probe interval is an hour so
 * that the IN_PROGRESS tasks the bench holds (up to 50 000, no prober running) do not turn the
 * measurement into one of probe rounds; every fresh claim is still probed at once, as deployed.
 */
export const THROUGHPUT_CONFIG = { PORT: 0, LOG_LEVEL: 'warn', PROBE_INTERVAL_MS: 3_600_000 } as const;
