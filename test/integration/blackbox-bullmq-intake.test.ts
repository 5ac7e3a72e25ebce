import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@smart-reap/shared';

/**
 * Issue 12, black-box: `reaper start` as a user runs it, its own private Redis, and a producer
 * that knows only BullMQ and what the start log says (the Redis it started, the intake's queue
 * and prefix). Nothing of smart-reap's code is imported: the task is seen and claimed over HTTP.
 */

const root = join(import.meta.dirname, '../..');
const main = join(root, 'services/cli/src/main.ts');
const scratch = mkdtempSync(join(tmpdir(), 'blackbox-bullmq-intake-'));

async function until<T>(check: () => Promise<T | undefined | false> | T | undefined | false, ms: number, what: () => string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The first JSON log line whose message matches. */
function logLine(output: string, msg: RegExp): Record<string, any> | undefined {
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as Record<string, any>;
    if (typeof entry.msg === 'string' && msg.test(entry.msg)) return entry;
  }
  return undefined;
}

describe('black-box: a plain BullMQ producer against `reaper start` (issue 12)', { timeout: 60_000 }, () => {
  let service: ChildProcess;
  let output = '';
  let port: number;
  let connection: Redis;
  let queue: Queue;

  beforeAll(async () => {
    port = await freePort();
    const env = { ...process.env } as Record<string, string>;
    for (const name of ['REDIS_URL', 'API_TOKEN', 'HOST', 'KEY_PREFIX', 'NODE_NAME', 'LOG_ROOTS', 'BOARD_WRITE']) delete env[name];
    service = spawn(process.execPath, ['--import', 'tsx', main, 'start', '--ephemeral'], {
      cwd: root,
      env: { ...env, PORT: String(port), DATA_DIR: join(scratch, 'data'), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    service.stdout!.on('data', (d) => (output += d));
    service.stderr!.on('data', (d) => (output += d));
    await until(() => fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false), 45_000, () => `readiness:\n${output.slice(-2000)}`);
  }, 60_000);

  afterAll(async () => {
    await queue?.close();
    connection?.disconnect();
    if (service && service.exitCode === null && service.signalCode === null) {
      service.kill('SIGTERM');
      await new Promise((r) => service.once('exit', r));
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, text, json: text ? JSON.parse(text) : undefined };
  };

  it('prints where producers add jobs, and a job added there is a task a runner claims over HTTP', async () => {
    const redis = logLine(output, /started a private redis-server/);
    const intake = logLine(output, /^BullMQ producers: /);
    expect(redis?.redisHost, output).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(intake?.msg).toBe("BullMQ producers: queue 'tasks', prefix '{sr}:q', job name 'task', data = POST /tasks body (job id = idempotency key)");

    connection = new Redis(`redis://${redis!.redisHost}`);
    queue = new Queue(intake!.queue, { connection, prefix: intake!.prefix });
    await queue.add('task', { kind: 'bb-intake', payload: { n: 1 } }, { jobId: 'bb-intake-1' });
    await queue.add('task', { kind: 'bb-intake', payload: { n: 1 } }, { jobId: 'bb-intake-1' });
    const bad = await queue.add('task', { kind: 'bb intake' });

    const listed = await until(async () => {
      const tasks = (await api('GET', '/tasks?kind=bb-intake')).json.tasks;
      return tasks.length ? tasks : undefined;
    }, 10_000, () => 'the job to become a task');
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ kind: 'bb-intake', status: 'ASSIGNED', payload: { n: 1 } });

    const failed = await until(async () => ((await bad.getState()) === 'failed' ? queue.getJob(bad.id!) : undefined), 10_000, () => 'the bad job to fail');
    expect(failed!.failedReason).toBe('invalid "task" job: kind: no spaces, colons or braces');

    const claim = await api('POST', '/tasks/claim', { runnerId: 'bb-intake-runner', kinds: ['bb-intake'], runtime: { type: 'heartbeat', ref: '' } });
    expect(claim.status, claim.text).toBe(200);
    expect(claim.json).toMatchObject({ id: listed[0].id, status: 'IN_PROGRESS', payload: { n: 1 } });
  });
});
