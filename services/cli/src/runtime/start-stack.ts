import type { Server } from 'node:http';
import type { Worker } from 'bullmq';
import { collectDefaultMetrics, Registry } from 'prom-client';
import {
  ConfigError,
  QUEUE,
  RecoveryRegistry,
  bindHost,
  createCore,
  configuredLogRoots,
  createLogger,
  hostProbeQueue,
  redact,
  unsafeBindReason,
  type Config,
  type Core,
  type Logger,
  type ProbeResult,
  type ProbeTarget,
} from '@smart-reap/shared';
import { HostWatcher, ProberRegistration, StopJobHandler, proberMetrics, startProbeWorkers, type RunnerStopperLookup, type SweepStats } from '@smart-reap/prober/service';
import { FileLogSource, LiveLogReader, LiveWatcher, PodLogSource, RecoveryApplier, TmuxPaneLogSource, defaultLogSources, diagnoserMetrics, startDiagnoseWorker } from '@smart-reap/diagnoser';
import {
  Escalator,
  IncidentResolver,
  ProbeScheduler,
  Readiness,
  SupervisionTracker,
  VerdictApplier,
  closeServer,
  createApp,
  createQueueBoard,
  listen,
  reaperMetrics,
  redisPingCheck,
  registerGlobalGauges,
  startDecideWorker,
  startIntakeWorker,
  startReassignWorker,
  unsupervisedNotice,
  type QueueBoard,
  type Resolution,
  type TickStats,
} from '@smart-reap/reaper';
import { closeAll, within, type Closable } from './graceful-shutdown.js';
import { DataLossWatch } from './redis-durability.js';

export const SERVICE_NAMES = ['reaper', 'prober', 'diagnoser'] as const;
/** What closing the queues may take after the parts are closed; part of the second a stop gets beyond SHUTDOWN_GRACE_MS. */
const CORE_CLOSE_MS = 300;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface ProbeWiring {
  probe: (target: ProbeTarget, now: number) => Promise<ProbeResult>;
  stopperFor: RunnerStopperLookup;
}

export interface StackOptions {
  config: Config;
  redisUrl: string;
  services: readonly ServiceName[];
  /** Default: a pino logger at LOG_LEVEL. */
  logger?: Logger;
  /** Default Date.now; every part of the stack reads this one clock. */
  clock?: () => number;
  /** The probe adapters and stoppers; the defaults are the real ones for every runtime type. */
  probes?: ProbeWiring;
  /** Host to bind the HTTP port to. Default HOST, else 127.0.0.1 without API_TOKEN and 0.0.0.0 with it. */
  host?: string;
  /** Observers for benchmarks and tests. */
  onTick?: (stats: TickStats) => void;
  /** Told each host-watcher sweep's figures (benchmarks). */
  onSweep?: (stats: SweepStats) => void;
  onProbe?: (target: ProbeTarget, result: ProbeResult, durationMs: number) => void;
}

export interface Stack {
  core: Core;
  port: number;
  /** The address the HTTP port is bound to, as the socket reports it. */
  address: string;
  url: string;
  registry: Registry;
  readiness: Readiness;
  scheduler?: ProbeScheduler;
  close(): Promise<void>;
}

/**
 * Composes the chosen services in one process around one core: `reaper start` runs all three,
 * `--only` one. Every process serves health and metrics; the reaper also serves the API.
 */
export async function startStack(o: StackOptions): Promise<Stack> {
  const { config } = o;
  // Checked before anything starts: an open API on the network is refused, not logged.
  const host = o.host ?? bindHost(config);
  const unsafe = unsafeBindReason(host, config.API_TOKEN);
  if (unsafe) throw new ConfigError(unsafe);
  const logger = o.logger ?? createLogger('smart-reap', config.LOG_LEVEL);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'smart_reap_' });
  const metrics = reaperMetrics(registry);
  let escalator: Escalator | undefined;
  const core = createCore({
    config,
    redisUrl: o.redisUrl,
    logger,
    clock: o.clock,
    redactLine: redact,
    // One escalation per incident, not one per task.
    onIncidentOpened: async (i) => {
      await core.events.append({ type: 'incident', reason: `incident opened: ${i.tasks.length} ${i.cause} deaths in ${i.scope}; reassignment there paused`, evidence: i.tasks });
      await escalator?.emit(undefined, 'incident', `incident ${i.id}: ${i.cause} in ${i.scope} (${i.tasks.length} tasks)`, i.tasks);
    },
  });
  await core.ready();
  escalator = new Escalator({ events: core.events, logger, metrics, webhookUrl: config.ESCALATION_WEBHOOK_URL, dryRun: config.DRY_RUN });
  const readiness = new Readiness();
  readiness.add(redisPingCheck(core.redis));
  const workers: Worker[] = [];
  const closables: Closable[] = [];
  const has = (s: ServiceName) => o.services.includes(s);
  let scheduler: ProbeScheduler | undefined;
  let board: QueueBoard | undefined;

  if (has('reaper')) {
    const applier = new VerdictApplier({ store: core.store, queues: core.queues, events: core.events, escalator, metrics, logger, dryRun: config.DRY_RUN });
    workers.push(startDecideWorker({ connection: core.bullRedis, keys: core.keys, store: core.store, applier, escalator, metrics, logger, config, clock: o.clock }));
    workers.push(startIntakeWorker({ connection: core.bullRedis, keys: core.keys, tasks: core.tasks, logger }));
    workers.push(
      startReassignWorker({
        connection: core.bullRedis,
        keys: core.keys,
        store: core.store,
        tasks: core.tasks,
        events: core.events,
        metrics,
        logger,
        dryRun: config.DRY_RUN,
        incidents: core.incidents,
        incidentMaxHoldMs: config.INCIDENT_MAX_HOLD_MS,
        clock: o.clock,
      }),
    );
    scheduler = new ProbeScheduler({
      redis: core.redis,
      keys: core.keys,
      queues: core.queues,
      config,
      logger,
      probers: core.probers,
      supervision: new SupervisionTracker({ store: core.store, escalator, logger, dryRun: config.DRY_RUN }),
      clock: o.clock,
      onTick: (s) => {
        metrics.tickDuration.observe(s.durationMs / 1000);
        metrics.probesScheduled.inc(s.probed);
        o.onTick?.(s);
      },
    });
    board = createQueueBoard(core.queues, { write: config.BOARD_WRITE });
    registerGlobalGauges(registry, core.redis, core.keys, core.queues, core.incidents);
    readiness.addNotice(unsupervisedNotice(core.store));
    const b = board;
    closables.push({ name: 'board', close: async () => b.stop() });
    const s = scheduler;
    closables.push({ name: 'scheduler', close: () => s.stop() });
    const watch = new DataLossWatch({ redis: core.redis, keys: core.keys, events: core.events, lost: metrics.dataLoss, logger, clock: o.clock });
    await watch.start();
    closables.push({ name: 'data-loss watch', close: () => watch.stop() });
  }

  if (has('prober')) {
    const wiring = o.probes ?? (await defaultProbeWiring(config));
    const observeProbe = proberMetrics(registry);
    const serves = [
      ...(config.PROBER_QUEUES.includes('local') ? [{ queue: hostProbeQueue(config.NODE_NAME), host: config.NODE_NAME }] : []),
      ...(config.PROBER_QUEUES.includes('shared') ? [{ queue: QUEUE.probe }] : []),
    ];
    const queueNames = serves.map((s) => s.queue);
    workers.push(
      ...startProbeWorkers({
        connection: core.bullRedis,
        keys: core.keys,
        queues: core.queues,
        queueNames,
        probe: wiring.probe,
        stops: new StopJobHandler({ stopperFor: wiring.stopperFor, queues: core.queues, logger }),
        logger,
        concurrency: config.PROBE_CONCURRENCY,
        staleRoundMs: Math.max(5 * config.PROBE_INTERVAL_MS, 10_000),
        nodeName: config.NODE_NAME,
        clock: o.clock,
        onProbe: (target, result, ms) => {
          observeProbe(target, result, ms);
          o.onProbe?.(target, result, ms);
        },
      }),
    );
    // Registered before the API serves: a claim on this host must find its prober.
    const registration = new ProberRegistration({ registry: core.probers, serves, ttlMs: config.PROBER_TTL_MS, logger, clock: o.clock });
    await registration.start();
    core.redis.on('ready', () => registration.renewNow());
    closables.push({ name: 'prober registration', close: () => registration.stop() });
    if (config.PROBER_QUEUES.includes('local')) {
      const watcher = new HostWatcher({
        redis: core.redis,
        keys: core.keys,
        queues: core.queues,
        logger,
        nodeName: config.NODE_NAME,
        probe: wiring.probe,
        sweepMs: config.WATCH_INTERVAL_MS,
        reportMs: config.PROBE_INTERVAL_MS,
        concurrency: config.PROBE_CONCURRENCY,
        clock: o.clock,
        onSweep: o.onSweep,
      });
      await watcher.start();
      closables.push({ name: 'host watcher', close: () => watcher.stop() });
    }
  }

  // Ticks start once this process's own prober is registered: its host's tasks are not unsupervised.
  scheduler?.start();

  if (has('diagnoser')) {
    const strategies = new RecoveryRegistry().resolve(config.RECOVERY_STRATEGIES);
    const applier = new RecoveryApplier({ store: core.store, tasks: core.tasks, queues: core.queues, events: core.events });
    const dMetrics = diagnoserMetrics(registry);
    // The client is loaded on first use: stacks without pod runners never touch it.
    const pods = (await import('@smart-reap/prober')).createKubePodApi();
    workers.push(
      startDiagnoseWorker({
        connection: core.bullRedis,
        keys: core.keys,
        store: core.store,
        sources: defaultLogSources(core.logs, configuredLogRoots(config), pods),
        strategies,
        applier,
        metrics: dMetrics,
        incidents: core.incidents,
        medianOutputChars: async (kind) => (await core.kindStats.stats(kind)).medianOutputChars,
        logger,
        config,
        clock: o.clock,
      }),
    );
    const pane = new TmuxPaneLogSource();
    const pod = new PodLogSource(pods);
    const live = new LiveWatcher({
      redis: core.redis,
      keys: core.keys,
      store: core.store,
      events: core.events,
      queues: core.queues,
      reader: new LiveLogReader({
        redis: core.redis,
        keys: core.keys,
        file: new FileLogSource(configuredLogRoots(config)),
        pane: (t, max, signal) => pane.read(t, max, signal),
        pod: (t, max, signal) => pod.readCurrent(t, max, signal),
      }),
      logger,
      escalate: (taskId, reason, evidence) => escalator!.emit(taskId, 'live_loop', reason, evidence),
      loops: dMetrics.liveLoops,
      settings: {
        repeats: config.LIVE_LOOP_REPEATS,
        windowMs: config.LIVE_LOOP_WINDOW_MS,
        stopAfterMs: config.LIVE_LOOP_STOP_AFTER_MS,
        policy: config.LIVE_LOOP_POLICY ?? {},
      },
      scanMs: config.LIVE_LOOP_SCAN_MS,
      dryRun: config.DRY_RUN,
      clock: o.clock,
    });
    live.start();
    readiness.add(async () => (live.isRunning() ? undefined : 'live-loop watcher not running'));
    closables.push({ name: 'live-loop watcher', close: () => live.stop() });
  }

  readiness.add(async () => {
    const stopped = workers.filter((w) => !w.isRunning()).map((w) => w.name);
    return stopped.length ? `workers not running: ${stopped.join(', ')}` : undefined;
  });
  // close(true) after an unfinished close() returns the same pending promise (BullMQ memoizes
  // it): forcing a worker means dropping its connections, which fails what close() waits on.
  for (const w of workers) closables.push({ name: `worker ${w.name}`, close: (force) => (force ? Promise.all([w.disconnect(), w.close(true)]) : w.close()) });

  const app = createApp({
    tasks: has('reaper') ? core.tasks : undefined,
    events: has('reaper') ? core.events : undefined,
    readiness,
    registry,
    logger,
    apiToken: config.API_TOKEN,
    kindStats: has('reaper') ? core.kindStats : undefined,
    incidents: has('reaper') ? core.incidents : undefined,
    resolveIncident: has('reaper') ? resolver(core, o.clock) : undefined,
    board: board?.router,
  });
  const { server, port, address } = await listen(app, config.PORT, host);
  const url = `http://${urlHost(address)}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    core,
    port,
    address,
    url,
    registry,
    readiness,
    scheduler,
    close() {
      closing ??= (async () => {
        await closeAll(
          [...closables, { name: 'http', close: (force) => closeServer(server as Server, force) }],
          { logger, beforeClose: () => readiness.markShuttingDown(), graceMs: config.SHUTDOWN_GRACE_MS },
        );
        // Queues over a Redis that is away wait as long as it is away: bounded, then the clients are dropped.
        if ((await within(core.close(), CORE_CLOSE_MS)) !== 'closed') logger.warn('queues not closed in time: dropping the Redis connections');
        core.redis.disconnect();
        core.bullRedis.disconnect();
      })();
      return closing;
    },
  };
}

function resolver(core: Core, clock?: () => number): (id: string, by: string | undefined) => Promise<Resolution | undefined> {
  const r = new IncidentResolver({ incidents: core.incidents, store: core.store, queues: core.queues, events: core.events, clock });
  return (id, by) => r.resolve(id, by);
}

/** Where this process reaches its own port: loopback for a wildcard bind. */
function urlHost(address: string): string {
  if (address === '0.0.0.0' || address === '::') return '127.0.0.1';
  return address.includes(':') ? `[${address}]` : address;
}

async function defaultProbeWiring(config: Config): Promise<ProbeWiring> {
  const { createDefaultProbeWiring } = await import('@smart-reap/prober');
  return createDefaultProbeWiring(config);
}
