/**
 * bench/detection: time from SIGKILL of a runner to action, smart-reap against BullMQ's own
 * stalled-job recovery at its defaults, and what each does with a runner that blocks its event
 * loop for 75 s, and the same for smart-reap's SupervisedWorker, BullMQ's Worker supervised.
 * Prints the figures and the ratio.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { configWith, createLogger, startPrivateRedis, type Config, type Task } from '@smart-reap/shared';
import { SupervisedWorker } from '@smart-reap/runner';
import { startStack } from '@smart-reap/cli';

const here = dirname(fileURLToPath(import.meta.url));
// `node --import tsx`, not the tsx binary: the binary runs the script in a child process, so a
// SIGKILL sent to it would leave the real worker running.
const nodeTs = (file: string, args: string[]) => spawn(process.execPath, ['--import', 'tsx', join(here, file), ...args], { cwd: join(here, '../..'), stdio: ['pipe', 'pipe', 'inherit'] });
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

function startTime(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}

function spawnTs(file: string, args: string[]): Promise<ChildProcess> {
  const child = nodeTs(file, args);
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('started')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`${file} exited early (${code})`)));
  });
}

async function until<T>(f: () => Promise<T | undefined | false>, timeoutMs: number, pollMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** BullMQ at its defaults: a worker process holds a job, is SIGKILLed; a second worker picks the job up once the stalled checker finds it. */
async function bullmqSigkill(redisUrl: string): Promise<number> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const name = `bench-kill-${Date.now()}`;
  const queue = new Queue(name, { connection });
  await queue.add('work', {});
  const victim = await spawnTs('bullmq-victim.ts', [redisUrl, name, 'hang', `${name}:starts`]);
  let rescuedAt = 0;
  const rescuer = new Worker(name, async () => {
    rescuedAt = Date.now();
    return 'ok';
  }, { connection });
  const killedAt = Date.now();
  victim.kill('SIGKILL');
  await until(async () => rescuedAt > 0, 120_000, 50);
  await rescuer.close();
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  return rescuedAt - killedAt;
}

/** BullMQ at its defaults with a job that blocks its worker's event loop for 75 s: how many times does it start? */
async function bullmqBlocked(redisUrl: string): Promise<number> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const name = `bench-block-${Date.now()}`;
  const queue = new Queue(name, { connection });
  await queue.add('work', {});
  const victim = await spawnTs('bullmq-victim.ts', [redisUrl, name, 'block-75s', `${name}:starts`]);
  const rescuer = new Worker(name, async () => {
    await connection.incr(`${name}:starts`);
    return 'ran again';
  }, { connection });
  await new Promise((r) => setTimeout(r, 80_000));
  const starts = Number(await connection.get(`${name}:starts`));
  victim.kill('SIGKILL');
  await rescuer.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await connection.del(`${name}:starts`);
  connection.disconnect();
  return starts;
}

/** A SupervisedWorker's settings in the bench: BullMQ's defaults, the stack's prefix and node, one kind. */
function supervisedOptions(redisUrl: string, config: Config, kind: string) {
  const url = new URL(redisUrl);
  return { connection: { host: url.hostname, port: Number(url.port) }, keyPrefix: config.KEY_PREFIX, nodeName: config.NODE_NAME, kinds: [kind] };
}

type Api = (method: string, path: string, body?: unknown) => Promise<any>;

/** A SupervisedWorker process holds a task and is SIGKILLed; one beside it with the same settings runs the task's next attempt once smart-reap has diagnosed and reassigned it. */
async function supervisedSigkill(redisUrl: string, config: Config, api: Api): Promise<number> {
  const kind = 'sw-kill';
  await api('POST', '/tasks', { kind, maxRetries: 1 });
  const victim = await spawnTs('supervised-victim.ts', [redisUrl, config.KEY_PREFIX, config.NODE_NAME, kind, 'hang']);
  let rescuedAt = 0;
  const rescuer = new SupervisedWorker(async () => {
    rescuedAt = Date.now();
    return 'ok';
  }, supervisedOptions(redisUrl, config, kind));
  const killedAt = Date.now();
  victim.kill('SIGKILL');
  await until(async () => rescuedAt > 0, 120_000, 5);
  await rescuer.close();
  return rescuedAt - killedAt;
}

/** A SupervisedWorker blocking its event loop for 75 s beside another with the same settings: how many times does the task start, and how does it end? */
async function supervisedBlocked(redisUrl: string, config: Config, api: Api): Promise<{ starts: number; status: string }> {
  const kind = 'sw-block';
  const created = await api('POST', '/tasks', { kind });
  const victim = await spawnTs('supervised-victim.ts', [redisUrl, config.KEY_PREFIX, config.NODE_NAME, kind, 'block-75s']);
  let reruns = 0;
  const rescuer = new SupervisedWorker(async () => {
    reruns++;
    return 'ran again';
  }, supervisedOptions(redisUrl, config, kind));
  await new Promise((r) => setTimeout(r, 80_000));
  const status = (await api('GET', `/tasks/${created.id}`)).status as string;
  victim.kill('SIGKILL');
  await rescuer.close();
  return { starts: 1 + reruns, status };
}

async function main() {
  const redis = await startPrivateRedis();
  const config = configWith({ KEY_PREFIX: 'bench', PORT: 0, LOG_LEVEL: 'silent', TICK_MS: 250, PROBE_INTERVAL_MS: 1000 });
  const stack = await startStack({ config, redisUrl: redis.url, services: ['reaper', 'prober', 'diagnoser'], logger: createLogger('bench', 'silent'), host: '127.0.0.1' });
  const api = async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(stack.url + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return res.status === 204 ? undefined : res.json();
  };
  const claim = async (kind: string, runnerId: string, pid: number): Promise<Task> => {
    await api('POST', '/tasks', { kind });
    return api('POST', '/tasks/claim', { runnerId, kinds: [kind], runtime: { type: 'process', ref: '' }, pid, pidStartTime: startTime(pid), host: config.NODE_NAME });
  };

  console.log(`bench/detection: ${ROUNDS} SIGKILL rounds for smart-reap (TICK_MS=250, PROBE_INTERVAL_MS=1000), BullMQ 6.7 at its defaults (lockDuration 30 s, stalledInterval 30 s)`);
  console.log('running BullMQ baselines in the background (about 80 s)…');
  const bullKill = bullmqSigkill(redis.url);
  const bullBlock = bullmqBlocked(redis.url);
  const swBlock = supervisedBlocked(redis.url, config, api);

  // smart-reap: a runner blocking its event loop for 75 s, supervised alongside the kill rounds.
  const created = await api('POST', '/tasks', { kind: 'cpu-bound' });
  const blockerChild = nodeTs('smart-reap-runner.ts', [stack.url, created.id, 'blocker', 'block-75s']);
  await new Promise((r) => blockerChild.stdout!.once('data', r));
  const blocker = await api('POST', '/tasks/claim', { runnerId: 'blocker', kinds: ['cpu-bound'], runtime: { type: 'process', ref: '' }, pid: blockerChild.pid, pidStartTime: startTime(blockerChild.pid!), host: config.NODE_NAME });
  // The runner was started first (the claim names its pid), so it is handed its lease now.
  blockerChild.stdin!.end(`${blocker.lease}\n`);

  const detections: number[] = [];
  const actions: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const task = await claim(`kill-${i}`, `r${i}`, child.pid!);
    await until(async () => (await stack.core.store.mustGet(task.id)).probe?.processState === 'alive', 10_000);
    // Kill at a random phase of the probe interval, as a real death would land.
    await new Promise((r) => setTimeout(r, Math.random() * 1000));
    const killedAt = Date.now();
    child.kill('SIGKILL');
    const reaped = await until(async () => (await stack.core.store.mustGet(task.id)).reap, 30_000, 5);
    detections.push(reaped.at - killedAt);
    await until(async () => (await stack.core.store.mustGet(task.id)).status === 'FAILED' || undefined, 30_000, 5);
    actions.push(Date.now() - killedAt);
  }

  const swKillMs = await supervisedSigkill(redis.url, config, api);
  const [bullKillMs, bullStarts, swBlocked] = await Promise.all([bullKill, bullBlock, swBlock]);
  const cpuTask = await until(async () => {
    const t = await stack.core.store.mustGet(created.id);
    return t.status !== 'IN_PROGRESS' ? t : undefined;
  }, 30_000, 200).catch(() => stack.core.store.mustGet(created.id));
  const cpuReaped = Boolean(cpuTask.reap) || cpuTask.status === 'FAILED';
  blockerChild.kill('SIGKILL');

  const sr = median(actions);
  console.log('');
  const swReaped = swBlocked.status !== 'COMPLETED' || swBlocked.starts !== 1;
  console.log('| figure | smart-reap runner | SupervisedWorker | BullMQ Worker, defaults |');
  console.log('| --- | --- | --- | --- |');
  console.log(`| SIGKILL → death seen (median of ${ROUNDS}) | ${median(detections)} ms | — | — |`);
  console.log(`| SIGKILL → work back (task FAILED+diagnosed / next attempt, after its reassign backoff, run by a second worker / job re-run by a second worker) | ${sr} ms (median; max ${Math.max(...actions)} ms) | ${swKillMs} ms | ${bullKillMs} ms |`);
  console.log(`| worker blocking its event loop 75 s, a second worker beside it | ${cpuReaped ? 'REAPED (wrong)' : `not reaped, ${cpuTask.status}`} | ${swReaped ? `WRONG: ${swBlocked.status}, started ${swBlocked.starts} times` : `not reaped, ${swBlocked.status}, started once`} | started ${bullStarts} times |`);
  console.log('');
  console.log(`ratio: smart-reap finds and recovers a SIGKILLed runner ${(bullKillMs / sr).toFixed(1)}× faster than BullMQ's stalled-job recovery`);
  await stack.close();
  await redis.stop();
  process.exit(cpuReaped || swReaped ? 1 : 0);
}

await main();
