/**
 * bench/list: GET /tasks's paging at BENCH_TASKS tasks (default 100 000), 10 % of them diagnosed.
 * Prints p50/p99 of one page (50 tasks, TaskService.list, as the route and the console call it)
 * for: the newest page, a page 1 000 pages deep (followed by cursor), one filter (status, kind,
 * crash type) and a combined filter, and the Redis commands one page costs; then BullMQ's own
 * paging (Queue.getJobs of one state, by offset) at the same number of jobs, the newest page and
 * the same depth, measured in the same run on its own private Redis.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { configWith, createCore, CRASH_TYPES, decodeListCursor, startPrivateRedis, type Diagnosis, type ListTasksQuery } from '@smart-reap/shared';

const TASKS = Number(process.env.BENCH_TASKS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const DEEP_PAGES = Math.min(1000, Math.floor(TASKS / 50) - 1);
const KINDS = 20;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(p * s.length) - 1)] ?? NaN;
};
const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

async function inBatches(n: number, size: number, f: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < n; i += size) await Promise.all(Array.from({ length: Math.min(size, n - i) }, (_, j) => f(i + j)));
}

async function commands(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  let total = 0;
  for (const m of info.matchAll(/calls=(\d+)/g)) total += Number(m[1]);
  return total;
}

async function time(runs: number, f: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    out.push(performance.now() - t);
  }
  return out;
}

const diagnosis = (crashType: Diagnosis['crashType']): Diagnosis => ({
  version: 1, crashType, confidence: 0.9, summary: crashType, evidence: [], logTail: '', logTailBytes: 0,
  runtimeState: 'dead', processState: 'dead', heartbeatAgeMs: null, partialOutputRatio: 0, decision: 'fail',
  retryable: true, attempt: 1, diagnosedAt: new Date().toISOString(),
});

async function smartReap() {
  const redis = await startPrivateRedis();
  const stats = new Redis(redis.url);
  const core = createCore({ config: configWith({ LOG_LEVEL: 'silent' }), redisUrl: redis.url });
  await core.ready();
  console.log(`smart-reap: creating ${TASKS} tasks (${KINDS} kinds), diagnosing 10 %…`);
  const t0 = Date.now();
  const ids: string[] = [];
  await inBatches(TASKS, 500, async (i) => {
    ids[i] = (await core.tasks.create({ kind: `kind-${i % KINDS}` })).task.id;
  });
  // Every tenth task dies: diagnosed and FAILED, its crash type one of the 13 in turn.
  await inBatches(Math.floor(TASKS / 10), 500, (j) =>
    core.store.mutate(ids[j * 10]!, (t) => ({ write: { ...t, status: 'FAILED', context: { ...t.context, reap_diagnosis: diagnosis(CRASH_TYPES[j % CRASH_TYPES.length]!) } } })),
  );
  console.log(`  ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const page = (q: Partial<ListTasksQuery>) => core.tasks.list({ limit: 50, ...q });
  const deepCursor = async (q: Partial<ListTasksQuery>) => {
    let cursor: string | undefined;
    // Decoded as the route's zod schema hands it to TaskService.list.
    for (let i = 0; i < DEEP_PAGES; i++) cursor = (await page({ ...q, cursor: cursor ? decodeListCursor(cursor) : undefined })).nextCursor;
    return cursor ? decodeListCursor(cursor) : undefined;
  };
  const deep = await deepCursor({});
  const cases: Array<[string, Partial<ListTasksQuery>]> = [
    ['newest page, no filter', {}],
    [`page ${DEEP_PAGES + 1} (by cursor), no filter`, { cursor: deep }],
    ['status=FAILED', { status: 'FAILED' }],
    ['kind=kind-7', { kind: 'kind-7' }],
    ['crashType=oom', { crashType: 'oom' }],
    ['status=FAILED&kind=kind-0&crashType=oom', { status: 'FAILED', kind: 'kind-0', crashType: 'oom' }],
    ['status=ASSIGNED&crashType=oom (matches none)', { status: 'ASSIGNED', crashType: 'oom' }],
  ];
  for (const [name, q] of cases) {
    const before = await commands(stats);
    const first = await page(q);
    const cost = (await commands(stats)) - before - 1; // the INFO call itself
    const ms = await time(RUNS, () => page(q));
    console.log(`smart-reap ${name}: ${first.tasks.length} tasks, next ${first.nextCursor ? 'yes' : 'no'}; p50 ${fmt(pct(ms, 0.5))} p99 ${fmt(pct(ms, 0.99))}; ${cost} Redis commands`);
  }
  await core.close();
  stats.disconnect();
  await redis.stop();
}

async function bullmq() {
  const redis = await startPrivateRedis();
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue('bench-list', { connection });
  console.log(`BullMQ: adding ${TASKS} jobs…`);
  for (let i = 0; i < TASKS; i += 1000) await queue.addBulk(Array.from({ length: Math.min(1000, TASKS - i) }, (_, j) => ({ name: 'task', data: { kind: `kind-${(i + j) % KINDS}` } })));
  const cases: Array<[string, number]> = [
    ['newest page (getJobs waiting 0..49)', 0],
    [`page ${DEEP_PAGES + 1} (getJobs waiting by offset)`, DEEP_PAGES * 50],
  ];
  for (const [name, start] of cases) {
    const ms = await time(RUNS, () => queue.getJobs(['waiting'], start, start + 49));
    console.log(`BullMQ ${name}: p50 ${fmt(pct(ms, 0.5))} p99 ${fmt(pct(ms, 0.99))}`);
  }
  console.log('BullMQ has no filter by job data (kind) nor by failure cause: such a list reads every job of the state.');
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  await redis.stop();
}

await smartReap();
await bullmq();
