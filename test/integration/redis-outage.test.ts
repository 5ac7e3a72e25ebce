import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configWith, createLogger, freePort } from '@smart-reap/shared';
import { startStack, type Stack } from '@smart-reap/cli';
import { isAlive, processStartTime, waitFor } from '../support/stack.js';

/**
 * Redis goes away for a few seconds and comes back with its data (an AOF on disk, as a real
 * deployment keeps). Its own server: this test kills it, so it never touches the shared one.
 */
describe('a Redis that goes away for a while', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sr-outage-'));
  const children: ChildProcess[] = [];
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  async function redisServer(port: number): Promise<ChildProcess> {
    const child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir], { stdio: 'ignore' });
    children.push(child);
    await waitFor(async () => {
      const up = spawn('redis-cli', ['-p', String(port), 'ping'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      up.stdout!.on('data', (d) => (out += d));
      await new Promise((r) => up.once('exit', r));
      return out.includes('PONG');
    }, 10_000, 'redis-server to answer');
    return child;
  }

  it('answers 503 and stays healthy meanwhile, then finds the death that happened during it, and reaps no live runner', async () => {
    const port = await freePort();
    let redis = await redisServer(port);
    const config = configWith({ KEY_PREFIX: 'outage', PORT: 0, LOG_LEVEL: 'silent', NODE_NAME: 'outage-node', TICK_MS: 250, PROBE_INTERVAL_MS: 1000 });
    stack = await startStack({ config, redisUrl: `redis://127.0.0.1:${port}`, services: ['reaper', 'prober', 'diagnoser'], logger: createLogger('test', 'silent'), host: '127.0.0.1' });
    const s = stack;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(s.url + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : undefined };
    };
    const runner = () => {
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      children.push(child);
      return child;
    };
    const claim = async (child: ChildProcess) => {
      await call('POST', '/tasks', { kind: 'work' });
      const r = await call('POST', '/tasks/claim', {
        runnerId: `runner-${child.pid}`, kinds: ['work'], runtime: { type: 'process', ref: '' },
        pid: child.pid, pidStartTime: processStartTime(child.pid!), host: 'outage-node',
      });
      expect(r.status).toBe(200);
      return r.json.id as string;
    };
    const doomed = runner();
    const survivor = runner();
    const doomedId = await claim(doomed);
    const survivorId = await claim(survivor);
    await waitFor(async () => (await call('GET', `/tasks/${doomedId}`)).json.probe?.processState === 'alive', 5000, 'an alive probe');

    redis.kill('SIGKILL');
    await new Promise((r) => redis.once('exit', r));
    doomed.kill('SIGKILL');
    const refused = await call('POST', '/tasks', { kind: 'work' });
    expect(refused).toMatchObject({ status: 503, json: { error: expect.stringMatching(/nothing was changed/) } });
    expect((await call('GET', '/healthz')).status).toBe(200);
    await waitFor(async () => (await call('GET', '/readyz')).status === 503, 5000, 'readyz to turn 503');
    await new Promise((r) => setTimeout(r, 3000));

    redis = await redisServer(port);
    await waitFor(async () => (await call('GET', '/readyz')).status === 200, 20_000, 'readyz to come back');
    const diagnosed = await waitFor(async () => {
      const t = (await call('GET', `/tasks/${doomedId}`)).json;
      return t.context?.reap_diagnosis ? t : undefined;
    }, 30_000, 'the death during the outage to be diagnosed');
    expect(diagnosed.context.reap_diagnosis.processState).toBe('dead');

    const alive = (await call('GET', `/tasks/${survivorId}`)).json;
    expect(alive).toMatchObject({ status: 'IN_PROGRESS' });
    expect(alive.reap).toBeUndefined();
    expect(isAlive(survivor.pid!)).toBe(true);
    expect((await call('POST', '/tasks', { kind: 'work' })).status).toBe(201);
  });
});
