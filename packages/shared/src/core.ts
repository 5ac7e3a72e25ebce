import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { JobQueues } from './queues/job-queues.js';
import { createRedisClient, waitForReady } from './redis/client.js';
import { Keys } from './redis/keys.js';
import type { Task } from './schemas/task.js';
import { EventLog } from './store/event-log.js';
import { LogStore } from './store/log-store.js';
import { TaskStore, type Clock } from './store/task-store.js';
import { TaskService } from './tasks/task-service.js';
import { claimGuard } from './tasks/claim-guard.js';
import { KindStatsStore } from './learning/kind-stats.js';
import { IncidentTracker, type Incident } from './incidents/incident-tracker.js';
import { ProberRegistry } from './store/prober-registry.js';
import { claimHostResolver } from './tasks/claim-host-resolver.js';

/** The Redis-backed parts every service composes: one set per process. */
export interface Core {
  config: Config;
  keys: Keys;
  /** Fail-fast connection for request paths. */
  redis: Redis;
  /** Connection for BullMQ queues and workers (waits out outages). */
  bullRedis: Redis;
  store: TaskStore;
  logs: LogStore;
  events: EventLog;
  queues: JobQueues;
  tasks: TaskService;
  kindStats: KindStatsStore;
  incidents: IncidentTracker;
  /** Which probers are up, and the probe queue each serves. */
  probers: ProberRegistry;
  /** Resolves once the fail-fast connection is up (it refuses commands before that). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export interface CoreOptions {
  config: Config;
  redisUrl: string;
  logger?: Logger;
  clock?: Clock;
  redactLine?: (line: string) => string;
  onCompleted?: Array<(task: Task, now: number) => Promise<void>>;
  onIncidentOpened?: (incident: Incident) => Promise<void>;
}

/** DESIGN §2: needsAttention is cleared when the work completes, through continuations too. */
async function clearAncestorsAttention(store: TaskStore, task: Task, now: number): Promise<void> {
  for (let id = task.parentId, depth = 0; id && depth < 10; depth++) {
    const parent = await store.mutate(id, (p) => (p.needsAttention ? { write: { ...p, needsAttention: null, updatedAt: now } } : { keep: true }));
    id = parent.parentId;
  }
}

function outputLength(output: unknown): number {
  if (output === undefined || output === null) return 0;
  return typeof output === 'string' ? output.length : JSON.stringify(output).length;
}

export function createCore(options: CoreOptions): Core {
  const { config } = options;
  const keys = new Keys(config.KEY_PREFIX);
  const redis = createRedisClient({ url: options.redisUrl, role: 'producer', logger: options.logger });
  const bullRedis = createRedisClient({ url: options.redisUrl, role: 'worker', logger: options.logger });
  const store = new TaskStore(redis, keys, { clock: options.clock });
  const logs = new LogStore(redis, keys);
  const events = new EventLog(redis, keys, { clock: options.clock });
  const queues = new JobQueues(bullRedis, keys);
  const kindStats = new KindStatsStore(redis, keys, {
    defaultMaxAgeMinutes: config.DEFAULT_MAX_AGE_MINUTES,
    minMaxAgeMinutes: config.MIN_MAX_AGE_MINUTES,
  });
  const incidents = new IncidentTracker(redis, keys, { onOpened: options.onIncidentOpened });
  const probers = new ProberRegistry(redis, keys);
  // Learned per kind, as claim.lua learns it for the one-step claim (from the same durations and settings).
  const maxAgeFor = (t: Task) => kindStats.maxAgeFor(t);
  const tasks = new TaskService({
    store,
    logs,
    queues,
    maxAgeFor,
    claimWindow: { defaultMaxAgeMinutes: config.DEFAULT_MAX_AGE_MINUTES, minMaxAgeMinutes: config.MIN_MAX_AGE_MINUTES },
    redactLine: options.redactLine,
    resolveClaim: claimHostResolver(probers, store.clock),
    checkClaim: claimGuard(config),
    onCompleted: [
      (t, now) => kindStats.recordCompletion(t, now, outputLength(t.output)),
      async (t, now) => void (await incidents.recordHealthy(t, now)),
      (t, now) => clearAncestorsAttention(store, t, now),
      ...(options.onCompleted ?? []),
    ],
  });
  return {
    config,
    keys,
    redis,
    bullRedis,
    store,
    logs,
    events,
    queues,
    tasks,
    kindStats,
    incidents,
    probers,
    ready: () => waitForReady(redis),
    async close() {
      await queues.close();
      redis.disconnect();
      bullRedis.disconnect();
    },
  };
}
