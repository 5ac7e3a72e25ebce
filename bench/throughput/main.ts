/**
 * bench/throughput: POST /tasks/s and POST /tasks/claim/s through the real API (the reaper service
 * in a process of its own, see api-process.ts) under autocannon, at IN_PROGRESS sizes 0, 10 000 and
 * 50 000 (a claim must not slow down as work in progress grows); then the typed TaskProducer's
 * creates/s against BullMQ's `Queue.add`/s on the same private Redis, in the same run.
 *
 * BENCH_DURATION_S (default 5) per measurement, BENCH_CONNECTIONS (default 50) autocannon
 * connections and producer concurrency, BENCH_SIZES (default 0,10000,50000).
 */
import { fork } from 'node:child_process';
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { configWith, createCore, createLogger, hostProbeQueue, QUEUE, startPrivateRedis, TaskProducer, type ClaimBody, type Core } from '@smart-reap/shared';
import { THROUGHPUT_CONFIG } from './protocol.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SIZES = (process.env.BENCH_SIZES ?? '0,10000,50000').split(',').map(Number);
const HOST = 'bench-host';
const PAYLOAD = { prompt: 'summarise the incident report', repo: 'smart-reap', n: 42 };

async function inBatches(n: number, size: number, f: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < n; i += size) await Promise.all(Array.from({ length: Math.min(size, n - i) }, (_, j) => f(i + j)));
}

/**
 * Redis's own CPU time so far, µs (INFO cpu: user + sys of the server process). Not commandstats:
 * a script's usec there includes the commands it runs, which are counted again on their own.
 */
async function redisCpuUs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1e6;
}

interface Measured {
  perSecond: number;
  others: Record<number, number>;
  p99Ms: number;
  /** Redis CPU per counted request, µs. */
  redisUsPerOp: number;
}

/** Requests per second that got `status`, over one autocannon run of DURATION_S; and any other status seen. */
async function load(url: string, path: string, body: (n: number) => unknown, status: number): Promise<Measured> {
  const before = await redisCpuUs(stats);
  let n = 0;
  let hits = 0;
  const others: Record<number, number> = {};
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: url + path,
        method: 'POST',
        connections: CONNECTIONS,
        duration: DURATION_S,
        headers: { 'content-type': 'application/json' },
        requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify(body(n++)) }) }],
      },
      (err, r) => (err ? reject(err) : resolve(r)),
    );
    instance.on('response', (_client, code) => {
      if (code === status) hits++;
      else others[code] = (others[code] ?? 0) + 1;
    });
  });
  const used = (await redisCpuUs(stats)) - before;
  return { perSecond: hits / (result.duration || DURATION_S), others, p99Ms: result.latency.p99, redisUsPerOp: used / Math.max(1, hits) };
}

/** Calls per second of `f` with CONNECTIONS calls in flight, for DURATION_S. */
async function rate(f: (i: number) => Promise<unknown>): Promise<number> {
  let done = 0;
  const end = Date.now() + DURATION_S * 1000;
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < end) {
        await f(done);
        done++;
      }
    }),
  );
  return done / ((Date.now() - t0) / 1000);
}

/** Tops IN_PROGRESS up to `size` with heartbeat tasks of a kind no measured claim asks for. */
async function holdInProgress(core: Core, size: number): Promise<void> {
  const missing = size - (await core.redis.zcard(core.keys.status('IN_PROGRESS')));
  if (missing <= 0) return;
  await inBatches(missing, 500, async (i) => {
    await core.tasks.create({ kind: 'held', payload: PAYLOAD });
    await core.tasks.claim({ runnerId: `held-${i}`, kinds: ['held'], runtime: { type: 'heartbeat', ref: '' } });
  });
}

/** Enough ASSIGNED tasks of `kind` that a measured claim run never runs dry (checked: a 204 is reported). */
async function prefill(core: Core, kind: string, n: number): Promise<void> {
  const waiting = await core.redis.zcard(core.keys.claimable(kind));
  await inBatches(Math.max(0, n - waiting), 500, () => core.tasks.create({ kind, payload: PAYLOAD }));
}

const fmt = (x: number) => Math.round(x).toLocaleString('en-US').replace(/,/g, ' ');

const redis = await startPrivateRedis();
// BENCH_CPU_PROF=dir writes the API process's CPU profile there (node --cpu-prof).
const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
const api = fork(new URL('./api-process.ts', import.meta.url).pathname, [redis.url], { execArgv: ['--import', 'tsx', ...profile] });
const url = await new Promise<string>((resolve) => api.once('message', (m: { url: string }) => resolve(m.url)));
const core = createCore({ config: configWith(THROUGHPUT_CONFIG), redisUrl: redis.url, logger: createLogger('bench', 'silent') });
await core.ready();
const stats = new Redis(redis.url);
// Live probers, as deployed: the host's (the API resolves a process claim's host against it) and a
// shared one (without it every heartbeat task would be marked unsupervised and escalated).
await core.probers.register({ queue: hostProbeQueue(HOST), host: HOST, instance: 'bench' }, Date.now() + 3_600_000);
await core.probers.register({ queue: QUEUE.probe, instance: 'bench' }, Date.now() + 3_600_000);

const prefillPerRun = Number(process.env.BENCH_CLAIM_PREFILL ?? Math.max(5000, 1500 * DURATION_S));
const rows: Array<{ size: number; post: number; claimHb: number; claimProc: number; notes: string[] }> = [];
try {
  for (const size of SIZES) {
    console.log(`IN_PROGRESS ${fmt(size)}: filling…`);
    await holdInProgress(core, size);
    const notes: string[] = [];
    const post = await load(url, '/tasks', () => ({ kind: 'posted', payload: PAYLOAD }), 201);
    await prefill(core, 'claim-hb', prefillPerRun);
    const hb = await load(url, '/tasks/claim', (i): ClaimBody => ({ runnerId: `hb-${size}-${i}`, kinds: ['claim-hb'], runtime: { type: 'heartbeat', ref: '' } }), 200);
    await prefill(core, 'claim-proc', prefillPerRun);
    const proc = await load(
      url,
      '/tasks/claim',
      (i): ClaimBody => ({ runnerId: `proc-${size}-${i}`, kinds: ['claim-proc'], runtime: { type: 'process', ref: '' }, host: HOST, pid: 1000 + (i % 30000), pidStartTime: String(5000 + i) }),
      200,
    );
    for (const [name, r] of [['POST /tasks', post], ['claim heartbeat', hb], ['claim process', proc]] as const) {
      if (Object.keys(r.others).length) notes.push(`${name}: other statuses ${JSON.stringify(r.others)}`);
    }
    rows.push({ size, post: post.perSecond, claimHb: hb.perSecond, claimProc: proc.perSecond, notes });
    for (const [name, r] of [['POST /tasks', post], ['claim heartbeat', hb], ['claim process', proc]] as const) {
      console.log(`  ${name}: ${fmt(r.perSecond)}/s, p99 ${r.p99Ms} ms, Redis CPU ${Math.round(r.redisUsPerOp)} µs/op`);
    }
  }

  console.log('TaskProducer.create vs BullMQ Queue.add on the same Redis…');
  const producer = await TaskProducer.connect({ redisUrl: redis.url, keyPrefix: core.config.KEY_PREFIX });
  let before = await redisCpuUs(stats);
  const producerRate = await rate(() => producer.create({ kind: 'produced', payload: PAYLOAD }));
  const producerRedis = ((await redisCpuUs(stats)) - before) / (producerRate * DURATION_S);
  await producer.close();
  const bullConnection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue('bench-add', { connection: bullConnection });
  before = await redisCpuUs(stats);
  const bullRate = await rate(() => queue.add('job', PAYLOAD));
  const bullRedis = ((await redisCpuUs(stats)) - before) / (bullRate * DURATION_S);
  await queue.close();
  bullConnection.disconnect();

  console.log('');
  console.log(`| IN_PROGRESS at start | POST /tasks/s | claim/s (heartbeat) | claim/s (process, host) |`);
  console.log(`| ---: | ---: | ---: | ---: |`);
  for (const r of rows) console.log(`| ${fmt(r.size)} | ${fmt(r.post)} | ${fmt(r.claimHb)} | ${fmt(r.claimProc)} |`);
  for (const r of rows) for (const n of r.notes) console.log(`note (IN_PROGRESS ${fmt(r.size)}): ${n}`);
  console.log(`TaskProducer.create ${fmt(producerRate)}/s (Redis CPU ${Math.round(producerRedis)} µs/op), BullMQ Queue.add ${fmt(bullRate)}/s (Redis CPU ${Math.round(bullRedis)} µs/op); ${CONNECTIONS} in flight, ${DURATION_S} s each`);
  const worst = (f: (r: (typeof rows)[number]) => number) => Math.min(...rows.map(f));
  console.log(
    `throughput: post_tasks_per_s=${Math.round(worst((r) => r.post))} claim_per_s=${Math.round(worst((r) => Math.min(r.claimHb, r.claimProc)))} producer_per_s=${Math.round(producerRate)} bullmq_add_per_s=${Math.round(bullRate)}`,
  );
} finally {
  await new Promise<void>((resolve) => {
    api.once('exit', () => resolve());
    api.send({ type: 'stop' });
  });
  stats.disconnect();
  await core.close();
  await redis.stop();
}
