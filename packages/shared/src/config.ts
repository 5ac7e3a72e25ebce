import { hostname } from 'node:os';
import { z } from 'zod';
import { unsafeBindReason } from './domain/bind-address.js';
import { parseLiveLoopPolicy } from './domain/live-loop.js';
import { ConfigError } from './errors/config-error.js';

const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().nonnegative();
/** A comma-separated list; unset (or only commas) stays undefined so the caller's default applies. */
const commaList = (item: z.ZodString) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(item).min(1))
    .optional();

/** Every setting of DESIGN §11, with its documented default. */
export const ConfigSchema = z
  .object({
    REDIS_URL: z.string().url().optional(),
    KEY_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only (it becomes a hash tag)')
      .default('sr'),
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    API_TOKEN: z.string().min(1).optional(),
    TICK_MS: positiveInt.default(250),
    PROBE_INTERVAL_MS: positiveInt.default(1000),
    PROBE_TIMEOUT_MS: positiveInt.default(2000),
    PROBE_CONCURRENCY: positiveInt.default(32),
    HEARTBEAT_GRACE_MS: positiveInt.default(90_000),
    DEFAULT_MAX_AGE_MINUTES: z.coerce.number().positive().default(30),
    MIN_MAX_AGE_MINUTES: z.coerce.number().positive().default(1),
    MAX_EXTENSIONS: nonNegativeInt.default(2),
    RESUME_MIN_RATIO: z.coerce.number().min(0).max(1).default(0.2),
    RECOVERY_STRATEGIES: z
      .string()
      .default('resume-partial,fail-and-reassign')
      .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^[a-z][a-z0-9-]*$/)).min(1)),
    BACKOFF_BASE_MS: nonNegativeInt.default(1000),
    MASS_DEATH_HOLD_MS: nonNegativeInt.default(60_000),
    DRY_RUN: z.stringbool().default(false),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ESCALATION_WEBHOOK_URL: z.string().url().optional(),
    /** Added to DESIGN §11: the runner host a prober serves (`probe-<host>`); the node name in a DaemonSet. */
    NODE_NAME: z.string().regex(/^[A-Za-z0-9._-]+$/).default(hostname()),
    /** Added to DESIGN §11: which probe queues a prober takes from: its host's, the shared one, or both. */
    PROBER_QUEUES: z
      .string()
      .default('local,shared')
      .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
      .pipe(z.array(z.enum(['local', 'shared'])).min(1)),
    /** Added to DESIGN §11: how long a prober's registration holds; it renews every third of it. */
    PROBER_TTL_MS: positiveInt.min(300).default(15_000),
    /** Added (issue 13): how often a host's watcher sweeps its process and tmux targets (cheap /proc reads); it sends only changes, and a summary every PROBE_INTERVAL_MS. */
    WATCH_INTERVAL_MS: positiveInt.default(250),
    /** Added (issue 13): how often a host-watched runner still gets a probe round from the scheduler (the safety net), while its host's summaries are fresh. */
    SAFETY_NET_INTERVAL_MS: positiveInt.default(30_000),
    /** Added (issue 10): how long a stop may take gracefully before parts are closed by force and the process exits. */
    SHUTDOWN_GRACE_MS: positiveInt.default(10_000),
    /** Added (issue 10): the folder `reaper start` keeps its data in (the private Redis's files in DATA_DIR/redis), relative to the working folder. */
    DATA_DIR: z.string().min(1).default('.smart-reap'),
    /** Folders a file `logRef` must lie in (after symlinks and `..`); default `<DATA_DIR>/logs` and `<os temp>/smart-reap`. */
    LOG_ROOTS: commaList(z.string().min(1)),
    /** Host patterns an `http` runtime ref may target (`127.0.0.1`, `*.svc.cluster.local`, `localhost:8080`); unset: any. */
    HTTP_PROBE_ALLOW: commaList(z.string().regex(/^(\*|(\*\.)?[A-Za-z0-9._-]+(:\d{1,5})?|\[[0-9A-Fa-f:.]+\](:\d{1,5})?)$/, 'host, *.domain, host:port or [v6]:port')),
    /** Address the HTTP port binds; default 127.0.0.1 without API_TOKEN, 0.0.0.0 with one. */
    HOST: z.string().min(1).optional(),
    /** Bull Board may pause, clean, retry and remove; default read-only (a paused probe queue stops supervision). */
    BOARD_WRITE: z.stringbool().default(false),
    /** The longest an open incident holds a retry in its scope; then the retry goes anyway. */
    INCIDENT_MAX_HOLD_MS: positiveInt.default(900_000),
    /** Live diagnosis (DESIGN §12): how often the logs of IN_PROGRESS runners are read for loops. */
    LIVE_LOOP_SCAN_MS: positiveInt.min(100).default(5000),
    /** Lines of one cause, with no progress between, that make a loop. */
    LIVE_LOOP_REPEATS: positiveInt.min(2).default(5),
    /** …spread over at least this long (first to last). */
    LIVE_LOOP_WINDOW_MS: positiveInt.default(15_000),
    /** Per cause `escalate` (the default) or `stop`: `auth_error=stop,rate_limited=escalate`; unset: every cause escalates. */
    LIVE_LOOP_POLICY: z
      .string()
      .transform((text, ctx) => {
        const parsed = parseLiveLoopPolicy(text);
        if (parsed.ok) return parsed.policy;
        ctx.addIssue({ code: 'custom', message: parsed.reason });
        return z.NEVER;
      })
      .optional(),
    /** A `stop` cause's runner is stopped once its loop has lasted this long. */
    LIVE_LOOP_STOP_AFTER_MS: positiveInt.default(60_000),
  })
  .refine((c) => c.MIN_MAX_AGE_MINUTES <= c.DEFAULT_MAX_AGE_MINUTES * 3, {
    path: ['MIN_MAX_AGE_MINUTES'],
    message: 'must not exceed 3 × DEFAULT_MAX_AGE_MINUTES',
  })
  .superRefine((c, ctx) => {
    const reason = c.HOST === undefined ? undefined : unsafeBindReason(c.HOST, c.API_TOKEN);
    if (reason) ctx.addIssue({ code: 'custom', path: ['HOST'], message: reason });
  });

export type Config = z.infer<typeof ConfigSchema>;

/** Empty strings count as unset, so `FOO=` in a compose file falls back to the default. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<string, string>> = {}): Config {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(ConfigSchema.shape ?? {})) {
    const v = overrides[key] ?? env[key];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return parsed.data;
}

/** A config for tests and embedding: defaults plus the given values, validated the same way. */
export function configWith(values: Partial<Record<keyof Config, string | number | boolean>>): Config {
  const asStrings: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined) asStrings[k] = String(v);
  return loadConfig({}, asStrings);
}
