/**
 * bench/scale: BENCH_TASKS (default 10 000) IN_PROGRESS tasks supervised by smart-reap on this
 * machine, in the split layout as deployed: the reaper (API, scheduler, decide) in this process,
 * the prober (its host watcher included) with the diagnoser in a second, the beating fleet in a
 * third. Then BullMQ holding the same number of active jobs (workers renewing their locks) on a
 * Redis of its own, in the same run.
 *
 * The fleet: half the tasks are heartbeat runtimes, half process runtimes on this host. 100 000
 * real processes cannot run here, so the process tasks share SHARED_PIDS real long-lived
 * processes, each claimed with its pid and start time (the watcher reads /proc once per distinct
 * pid, as it would for one pid per task, and checks every target against it); VICTIMS more tasks
 * each have a process of their own, SIGKILLed one by one spread over the window. Every runner beats
 * every 30 s, as `reaper run` does.
 *
 * Measured over the window: Redis commands (INFO commandstats) and Redis CPU (INFO cpu, sys+user)
 * per task per minute for both, the scheduler tick p99, how soon each SIGKILL is reaped, false
 * reaps (any other task taken down), and whether every task's state was known within its
 * interval: the stale-heartbeat range is read every tick, and the host watcher sweeps every target.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { configWith, createLogger, startPrivateRedis, type ClaimBody, type Task } from '@smart-reap/shared';
import { startStack } from '@smart-reap/cli';
import { BEAT_MS, SCALE_CONFIG, type FromHelper, type ToHelper } from './helper-protocol.js';

const TASKS = Number(process.env.BENCH_TASKS ?? 10_000);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 60_000);
const SHARED_PIDS = 20;
const VICTIMS = 10;
const PROCESS_TASKS = Math.floor(TASKS / 2);
const HEARTBEAT_TASKS = TASKS - PROCESS_TASKS;

interface Helper {
  send(m: ToHelper): void;
  next(type: FromHelper['type']): Promise<FromHelper>;
  stop(): Promise<void>;
}

/** A helper process (see helper-process.ts), once it says it is ready. */
async function startHelper(role: 'prober' | 'fleet', redisUrl: string): Promise<Helper> {
  const child = fork(new URL('./helper-process.ts', import.meta.url).pathname, [role, redisUrl], { execArgv: ['--import', 'tsx', '--max-old-space-size=4096'] });
  const waiting: Array<{ type: FromHelper['type']; resolve: (m: FromHelper) => void }> = [];
  child.on('message', (m: FromHelper) => {
    const i = waiting.findIndex((w) => w.type === m.type);
    if (i >= 0) waiting.splice(i, 1)[0]!.resolve(m);
  });
  const next = (type: FromHelper['type']) => new Promise<FromHelper>((resolve) => waiting.push({ type, resolve }));
  await next('ready');
  return {
    send: (m) => void child.send(m),
    next,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send({ type: 'stop' } satisfies ToHelper);
      }),
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(p * s.length) - 1)] ?? NaN;
};
const startTime = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Redis's own account: commands called (scripts' inner calls included) and CPU seconds (sys + user). */
async function redisCost(redis: Redis): Promise<{ cmds: number; cpuMs: number }> {
  const [commandstats, cpu] = await Promise.all([redis.info('commandstats'), redis.info('cpu')]);
  let cmds = 0;
  for (const m of commandstats.matchAll(/calls=(\d+)/g)) cmds += Number(m[1]);
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(cpu)?.[1] ?? NaN);
  return { cmds, cpuMs: (field('used_cpu_sys') + field('used_cpu_user')) * 1000 };
}

async function inBatches<T>(n: number, size: number, f: (i: number) => Promise<T>): Promise<void> {
  for (let i = 0; i < n; i += size) await Promise.all(Array.from({ length: Math.min(size, n - i) }, (_, j) => f(i + j)));
}

function liveProcess(): ChildProcess {
  return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
}

async function smartReap() {
  const redis = await startPrivateRedis();
  const stats = new Redis(redis.url);
  const ticks: number[] = [];
  const tickStarts: number[] = [];
  let measuring = false;
  const config = configWith(SCALE_CONFIG);
  const prober = await startHelper('prober', redis.url);
  const stack = await startStack({
    config,
    redisUrl: redis.url,
    services: ['reaper'],
    logger: createLogger('bench', 'silent'),
    host: '127.0.0.1',
    onTick: (s) => {
      if (!measuring) return;
      ticks.push(s.durationMs);
      tickStarts.push(Date.now() - s.durationMs);
    },
  });
  const { tasks } = stack.core;

  console.log(`creating and claiming ${TASKS} tasks (${HEARTBEAT_TASKS} heartbeat, ${PROCESS_TASKS - VICTIMS} process on ${SHARED_PIDS} shared pids, ${VICTIMS} victims)…`);
  const t0 = Date.now();
  const children: ChildProcess[] = [];
  const shared = Array.from({ length: SHARED_PIDS }, () => liveProcess());
  const victims = Array.from({ length: VICTIMS }, () => liveProcess());
  children.push(...shared, ...victims);
  await sleep(300);
  const sharedStarts = shared.map((c) => startTime(c.pid!));
  const ids: string[] = [];
  const leases: string[] = [];
  // The fleet beats from the first claims on: a setup longer than the heartbeat grace must not leave the first tasks silent.
  const fleet = await startHelper('fleet', redis.url);
  let sent = 0;
  const sendClaimed = () => {
    const upTo = ids.length;
    if (upTo > sent) fleet.send({ type: 'beat', ids: ids.slice(sent, upTo), leases: leases.slice(sent, upTo) });
    sent = upTo;
  };
  const claimAs = async (i: number, body: ClaimBody) => {
    const { task: { id } } = await tasks.create({ kind: 'agent' });
    const claimed = await tasks.claimById(id, 1, body);
    ids[i] = claimed!.id;
    leases[i] = claimed!.lease;
  };
  await inBatches(TASKS - VICTIMS, 200, (i) => {
    if (i % 2000 === 0) sendClaimed();
    if (i < HEARTBEAT_TASKS) return claimAs(i, { runnerId: `r-${i}`, kinds: ['agent'], runtime: { type: 'heartbeat', ref: '' } });
    const p = (i - HEARTBEAT_TASKS) % SHARED_PIDS;
    return claimAs(i, { runnerId: `r-${i}`, kinds: ['agent'], runtime: { type: 'process', ref: '' }, pid: shared[p]!.pid, pidStartTime: sharedStarts[p], host: config.NODE_NAME });
  });
  const victimIds: string[] = [];
  for (let v = 0; v < VICTIMS; v++) {
    const i = TASKS - VICTIMS + v;
    const pid = victims[v]!.pid!;
    await claimAs(i, { runnerId: `r-${i}`, kinds: ['agent'], runtime: { type: 'process', ref: '' }, pid, pidStartTime: startTime(pid), host: config.NODE_NAME });
    victimIds.push(ids[i]!);
  }
  sendClaimed();
  console.log(`  ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  await sleep(5000); // first rounds done, the watcher's targets loaded, beats spread
  const before = await redisCost(stats);
  measuring = true;
  prober.send({ type: 'measure', on: true });
  const started = Date.now();

  // The victims die one by one, spread over the window; each is watched until it is reaped.
  const detections: number[] = [];
  const detected = new Set<string>();
  const killedAt = new Map<string, number>();
  const spacing = WINDOW_MS / (VICTIMS + 1);
  const watchVictims = (async () => {
    while (Date.now() - started < WINDOW_MS + 10_000 && detections.length < VICTIMS) {
      const pending = victimIds.filter((id) => killedAt.has(id) && !detected.has(id));
      if (pending.length) {
        for (const t of await stack.core.store.getMany(pending)) {
          if (t.reap) {
            detected.add(t.id);
            detections.push(t.reap.at - killedAt.get(t.id)!);
          }
        }
      }
      await sleep(10);
    }
  })();
  for (let v = 0; v < VICTIMS; v++) {
    await sleep(Math.max(0, started + spacing * (v + 1) - Date.now()));
    killedAt.set(victimIds[v]!, Date.now());
    victims[v]!.kill('SIGKILL');
  }
  await sleep(Math.max(0, started + WINDOW_MS - Date.now()));
  measuring = false;
  prober.send({ type: 'measure', on: false });
  const elapsedMin = (Date.now() - started) / 60_000;
  const after = await redisCost(stats);
  await watchVictims;
  prober.send({ type: 'report' });
  const sweeps = await prober.next('sweeps');

  // False reaps: any task but a victim taken down by the reaper.
  const reaped: Task[] = [];
  for (let i = 0; i < ids.length; i += 1000) {
    for (const t of await stack.core.store.getMany(ids.slice(i, i + 1000))) if ((t.reap || t.status !== 'IN_PROGRESS' || t.attempt !== 1) && !victimIds.includes(t.id)) reaped.push(t);
  }
  const tickGaps = tickStarts.slice(1).map((t, i) => t - tickStarts[i]!);

  for (const c of children) c.kill('SIGKILL');
  await Promise.all([fleet.stop(), prober.stop()]);
  await stack.close();
  stats.disconnect();
  await redis.stop();
  const sw = sweeps.type === 'sweeps' ? sweeps : { gaps: [], durations: [], watched: 0, fullProbes: 0 };
  return {
    tickP50: pct(ticks, 0.5),
    tickP99: pct(ticks, 0.99),
    ticks: ticks.length,
    tickGapP99: pct(tickGaps, 0.99),
    sweepGapP99: pct(sw.gaps, 0.99),
    sweepGapMax: sw.gaps.reduce((m, g) => Math.max(m, g), 0),
    sweepP99: pct(sw.durations, 0.99),
    watched: sw.watched,
    sweeps: sw.durations.length,
    fullProbes: sw.fullProbes,
    cmdsPerTaskMin: (after.cmds - before.cmds) / TASKS / elapsedMin,
    cpuMsPerTaskMin: (after.cpuMs - before.cpuMs) / TASKS / elapsedMin,
    detections,
    falseReaps: reaped.length,
    // By runtime and reason: a false reap must say which judgement took a live runner down.
    falseReapCauses: Object.entries(
      reaped.reduce<Record<string, number>>((by, t) => {
        const key = `${t.runner?.runtime.type ?? 'none'}: ${t.reap?.reason ?? t.status}`;
        by[key] = (by[key] ?? 0) + 1;
        return by;
      }, {}),
    )
      .map(([cause, n]) => `${n} × ${cause}`)
      .join('; '),
    intervalMs: config.PROBE_INTERVAL_MS,
  };
}

/** Jobs per BullMQ worker process-equivalent (its concurrency). */
const BULLMQ_JOBS_PER_WORKER = 5000;

/** BullMQ at its defaults holding the same number of active jobs, its workers renewing their locks: its own supervision cost. */
async function bullmq() {
  const redis = await startPrivateRedis();
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const stats = new Redis(redis.url);
  const queue = new Queue('scale', { connection });
  await inBatches(TASKS, 1000, (i) => queue.add('job', { i }));
  let active = 0;
  let lockErrors = 0;
  // Several workers, as a fleet would run them: one worker renews all its locks in one script, and
  // at 100 000 active jobs that script outlasts Redis's 5 s busy limit (seen: BUSY, every lock lost).
  const workers = Array.from({ length: Math.ceil(TASKS / BULLMQ_JOBS_PER_WORKER) }, () => {
    const worker = new Worker(
      'scale',
      async () => {
        active++;
        await new Promise(() => undefined);
      },
      { connection, concurrency: BULLMQ_JOBS_PER_WORKER },
    );
    worker.on('error', () => lockErrors++);
    return worker;
  });
  while (active < TASKS) await sleep(100);
  await sleep(3000);
  const before = await redisCost(stats);
  const started = Date.now();
  await sleep(WINDOW_MS);
  const after = await redisCost(stats);
  const elapsedMin = (Date.now() - started) / 60_000;
  await Promise.all(workers.map((w) => w.close(true)));
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  connection.disconnect();
  stats.disconnect();
  await redis.stop();
  return { cmdsPerTaskMin: (after.cmds - before.cmds) / TASKS / elapsedMin, cpuMsPerTaskMin: (after.cpuMs - before.cpuMs) / TASKS / elapsedMin, workers: workers.length, lockErrors };
}

const sr = await smartReap();
const bq = await bullmq();
const detectionP99 = pct(sr.detections, 0.99);
const knownInInterval = sr.tickGapP99 <= sr.intervalMs && sr.sweepGapP99 <= sr.intervalMs && sr.watched >= PROCESS_TASKS - VICTIMS;
console.log('');
console.log(`bench/scale: ${TASKS} IN_PROGRESS tasks (${HEARTBEAT_TASKS} heartbeat runtimes, ${PROCESS_TASKS} process runtimes on this host: ${PROCESS_TASKS - VICTIMS} sharing ${SHARED_PIDS} real pids, ${VICTIMS} with their own, SIGKILLed spread over the window), all beating every ${BEAT_MS / 1000} s, ${WINDOW_MS / 1000} s window, 2 cores`);
console.log('layout: reaper, prober (host watcher) + diagnoser, and the beating fleet in three processes, as deployed; BullMQ on a Redis of its own in the same run');
console.log('| figure | smart-reap | BullMQ (same number of active jobs, lock renewal) |');
console.log('| --- | --- | --- |');
console.log(`| scheduler tick p50 / p99 (${sr.ticks} ticks) | ${sr.tickP50.toFixed(1)} / ${sr.tickP99.toFixed(1)} ms | — |`);
console.log(`| stale-heartbeat range read: gap between two ticks p99 | ${sr.tickGapP99.toFixed(0)} ms (interval ${sr.intervalMs} ms) | — |`);
console.log(`| host watcher: targets, sweeps, sweep p99, gap between sweeps p99 / max, full probes | ${sr.watched}, ${sr.sweeps}, ${sr.sweepP99.toFixed(1)} ms, ${sr.sweepGapP99.toFixed(0)} / ${sr.sweepGapMax.toFixed(0)} ms, ${sr.fullProbes} | — |`);
console.log(`| Redis commands per task per minute (heartbeats included) | ${sr.cmdsPerTaskMin.toFixed(2)} | ${bq.cmdsPerTaskMin.toFixed(2)} |`);
console.log(`| Redis CPU per task per minute | ${sr.cpuMsPerTaskMin.toFixed(3)} ms | ${bq.cpuMsPerTaskMin.toFixed(3)} ms |`);
console.log(`| SIGKILLed process reaped after (${sr.detections.length} of ${VICTIMS}) | ${[...sr.detections].sort((a, b) => a - b).join(', ')} ms | 30–60 s (stalled check; see bench/detection) |`);
console.log(`| false reaps | ${sr.falseReaps}${sr.falseReapCauses ? ` (${sr.falseReapCauses})` : ''} | — |`);
console.log(`bullmq: redis_cmds_per_task_min=${bq.cmdsPerTaskMin.toFixed(2)} redis_cpu_ms_per_task_min=${bq.cpuMsPerTaskMin.toFixed(3)} workers=${bq.workers} (concurrency ${BULLMQ_JOBS_PER_WORKER} each) lock_renewal_errors=${bq.lockErrors}`);
const targets = [
  ['every task known within its interval', knownInInterval],
  ['tick p99 ≤ 100 ms', sr.tickP99 <= 100],
  ['Redis commands ≤ half of BullMQ', sr.cmdsPerTaskMin <= bq.cmdsPerTaskMin / 2],
  ['Redis CPU ≤ half of BullMQ', sr.cpuMsPerTaskMin <= bq.cpuMsPerTaskMin / 2],
  ['SIGKILL found p99 ≤ 1 s', sr.detections.length === VICTIMS && detectionP99 <= 1000],
  ['0 false reaps', sr.falseReaps === 0],
] as const;
console.log(`targets: ${targets.map(([name, ok]) => `${name}: ${ok ? 'met' : 'NOT met'}`).join('; ')}`);
console.log(
  `scale: tasks=${TASKS} tick_p99_ms=${sr.tickP99.toFixed(1)} redis_cmds_per_task_min=${sr.cmdsPerTaskMin.toFixed(2)} redis_cpu_ms_per_task_min=${sr.cpuMsPerTaskMin.toFixed(3)} bullmq_cmds_per_task_min=${bq.cmdsPerTaskMin.toFixed(2)} detection_p99_ms=${sr.detections.length === VICTIMS ? detectionP99.toFixed(0) : 'NaN'} false_reaps=${sr.falseReaps}`,
);
process.exit(0);
