/**
 * bench/scale: 10 000 IN_PROGRESS tasks (heartbeat runtimes beating every 30 s, and a few real
 * processes) supervised by smart-reap on this machine. Prints tick duration p50/p99, probes per
 * second, the largest gap between two probes of one task, Redis commands per supervised task per
 * minute, and the detection time of a process killed among them; then the same cost figure for
 * BullMQ holding the same number of active jobs at its defaults.
 *
 * BENCH_SCALE_LAYOUT=split (default) runs the reaper, the prober (with the diagnoser) and the
 * beating fleet as three processes, as they are deployed; `one` runs all of them on one event loop,
 * as `reaper start` does on a laptop.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { configWith, createLogger, startPrivateRedis, type ClaimBody } from '@smart-reap/shared';
import { startStack } from '@smart-reap/cli';
import { BEAT_MS, SCALE_CONFIG, type FromHelper, type ToHelper } from './helper-protocol.js';
import { ProbeGaps } from './probe-gaps.js';

const TASKS = Number(process.env.BENCH_TASKS ?? 10_000);
const PROCESSES = 5;
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 60_000);
const LAYOUT = process.env.BENCH_SCALE_LAYOUT === 'one' ? 'one' : 'split';

interface Helper {
  send(m: ToHelper): void;
  next(type: FromHelper['type']): Promise<FromHelper>;
  stop(): Promise<void>;
}

/** A helper process (see helper-process.ts), once it says it is ready. */
async function startHelper(role: 'prober' | 'fleet', redisUrl: string): Promise<Helper> {
  const child = fork(new URL('./helper-process.ts', import.meta.url).pathname, [role, redisUrl], { execArgv: ['--import', 'tsx'] });
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

async function totalCommands(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  let total = 0;
  for (const m of info.matchAll(/calls=(\d+)/g)) total += Number(m[1]);
  return total;
}

async function inBatches<T>(n: number, size: number, f: (i: number) => Promise<T>): Promise<void> {
  for (let i = 0; i < n; i += size) await Promise.all(Array.from({ length: Math.min(size, n - i) }, (_, j) => f(i + j)));
}

async function smartReap() {
  const redis = await startPrivateRedis();
  const stats = new Redis(redis.url);
  const ticks: number[] = [];
  const recorder = new ProbeGaps();
  let measuring = false;
  const config = configWith(SCALE_CONFIG);
  const prober = LAYOUT === 'split' ? await startHelper('prober', redis.url) : undefined;
  const stack = await startStack({
    config,
    redisUrl: redis.url,
    services: prober ? ['reaper'] : ['reaper', 'prober', 'diagnoser'],
    logger: createLogger('bench', 'silent'),
    host: '127.0.0.1',
    onTick: (s) => measuring && ticks.push(s.durationMs),
    onProbe: (t) => recorder.record(t.taskId),
  });
  const { tasks } = stack.core;

  console.log(`creating and claiming ${TASKS} tasks…`);
  const t0 = Date.now();
  const ids: string[] = [];
  const leases: string[] = [];
  await inBatches(TASKS - PROCESSES, 200, async (i) => {
    await tasks.create({ kind: 'agent' });
    const body: ClaimBody = { runnerId: `hb-${i}`, kinds: ['agent'], runtime: { type: 'heartbeat', ref: '' } };
    const claimed = await tasks.claim(body);
    ids[i] = claimed!.id;
    leases[i] = claimed!.lease;
  });
  const children: ChildProcess[] = [];
  const procTasks: string[] = [];
  for (let i = 0; i < PROCESSES; i++) {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    children.push(child);
    await tasks.create({ kind: 'proc' });
    const claimed = await tasks.claim({ runnerId: `p-${i}`, kinds: ['proc'], runtime: { type: 'process', ref: '' }, pid: child.pid, pidStartTime: startTime(child.pid!), host: config.NODE_NAME });
    procTasks.push(claimed!.id);
  }
  console.log(`  ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  // The fleet beats every 30 s, spread over the interval, as real runners would.
  const fleet = LAYOUT === 'split' ? await startHelper('fleet', redis.url) : undefined;
  fleet?.send({ type: 'beat', ids, leases });
  let beats = 0;
  const beatTimer = fleet
    ? undefined
    : setInterval(() => {
        const slice = Math.ceil(ids.length / (BEAT_MS / 100));
        const start = (beats * slice) % ids.length;
        beats++;
        for (let i = start; i < Math.min(ids.length, start + slice); i++) void tasks.heartbeat(ids[i]!, { runnerId: `hb-${i}`, lease: leases[i] }).catch(() => undefined);
      }, 100);

  await new Promise((r) => setTimeout(r, 3000)); // settle into phase-aligned rounds
  const beforeCmds = await totalCommands(stats);
  const elu0 = performance.eventLoopUtilization();
  measuring = recorder.measuring = true;
  prober?.send({ type: 'measure', on: true });
  const started = Date.now();
  await new Promise((r) => setTimeout(r, WINDOW_MS / 2));
  const killedAt = Date.now();
  children[0]!.kill('SIGKILL');
  let detectedMs = NaN;
  for (;;) {
    const t = await stack.core.store.mustGet(procTasks[0]!);
    if (t.reap) {
      detectedMs = t.reap.at - killedAt;
      break;
    }
    if (Date.now() - killedAt > 30_000) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  await new Promise((r) => setTimeout(r, Math.max(0, started + WINDOW_MS - Date.now())));
  measuring = recorder.measuring = false;
  const elu = performance.eventLoopUtilization(elu0).utilization;
  prober?.send({ type: 'measure', on: false });
  const elapsedMin = (Date.now() - started) / 60_000;
  const cmds = (await totalCommands(stats)) - beforeCmds;
  let { probes, gaps } = recorder;
  if (prober) {
    prober.send({ type: 'report' });
    const report = await prober.next('probes');
    if (report.type === 'probes') ({ probes, gaps } = report);
  }
  clearInterval(beatTimer);
  for (const c of children) c.kill('SIGKILL');
  await Promise.all([fleet?.stop(), prober?.stop()]);
  await stack.close();
  stats.disconnect();
  await redis.stop();
  return {
    tickP50: pct(ticks, 0.5),
    tickP99: pct(ticks, 0.99),
    ticks: ticks.length,
    probesPerSec: probes / (elapsedMin * 60),
    gapP99: pct(gaps, 0.99),
    gapMax: gaps.reduce((m, g) => Math.max(m, g), 0),
    cmdsPerTaskMin: cmds / TASKS / elapsedMin,
    detectedMs,
    elu,
  };
}

/** BullMQ at its defaults holding the same number of active jobs: its own supervision cost. */
async function bullmq() {
  const redis = await startPrivateRedis();
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const stats = new Redis(redis.url);
  const queue = new Queue('scale', { connection });
  await inBatches(TASKS, 1000, (i) => queue.add('job', { i }));
  let active = 0;
  const worker = new Worker('scale', async () => {
    active++;
    await new Promise(() => undefined);
  }, { connection, concurrency: TASKS });
  while (active < TASKS) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 3000));
  const before = await totalCommands(stats);
  const started = Date.now();
  await new Promise((r) => setTimeout(r, WINDOW_MS));
  const cmds = (await totalCommands(stats)) - before;
  const perTaskMin = cmds / TASKS / ((Date.now() - started) / 60_000);
  await worker.close(true);
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  connection.disconnect();
  stats.disconnect();
  await redis.stop();
  return { cmdsPerTaskMin: perTaskMin };
}

const sr = await smartReap();
const bq = await bullmq();
console.log('');
console.log(`bench/scale: ${TASKS} IN_PROGRESS tasks (${TASKS - PROCESSES} heartbeat runtimes beating every 30 s, ${PROCESSES} real processes), ${WINDOW_MS / 1000} s window, 2 cores`);
console.log(
  LAYOUT === 'split'
    ? 'layout: reaper, prober+diagnoser and the beating fleet in three processes, as deployed (BENCH_SCALE_LAYOUT=one: all on one event loop)'
    : 'layout: reaper, prober, diagnoser and the beating fleet on one event loop, as `reaper start` runs them',
);
console.log('| figure | smart-reap | BullMQ defaults |');
console.log('| --- | --- | --- |');
console.log(`| scheduler tick p50 / p99 (${sr.ticks} ticks) | ${sr.tickP50.toFixed(1)} / ${sr.tickP99.toFixed(1)} ms | — |`);
console.log(`| event-loop utilisation of the process running the scheduler | ${(sr.elu * 100).toFixed(0)} % | — |`);
console.log(`| probes per second | ${sr.probesPerSec.toFixed(0)} (every task every 1 s = ${TASKS}) | none: a lock renewal per job every 15 s |`);
console.log(`| gap between two probes of one task, p99 / max | ${sr.gapP99} / ${sr.gapMax} ms (interval 1000 ms) | — |`);
console.log(`| Redis commands per supervised task per minute | ${sr.cmdsPerTaskMin.toFixed(1)} (heartbeats included) | ${bq.cmdsPerTaskMin.toFixed(2)} |`);
console.log(`| detection of a SIGKILLed process among them | ${sr.detectedMs} ms | 30–60 s (stalled check; see bench/detection) |`);
const ok = sr.tickP99 <= 100 && sr.gapP99 <= 1250;
console.log(`target (tick p99 ≤ 100 ms, every task probed within its interval): ${ok ? 'met' : 'NOT met'}`);
process.exit(0);
