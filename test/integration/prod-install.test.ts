import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '@smart-reap/shared';
import { dropPrefix, redisUrl, testRedis, uniquePrefix } from '../support/redis-context.js';

const root = join(import.meta.dirname, '..', '..');

/** What only development needs: none of it may reach the runtime layer. */
const DEV_ONLY = ['tsx', 'vitest', 'typescript', '@types'];

async function until(check: () => Promise<boolean>, ms: number, what: string, output: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}; output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const exited = (c: ChildProcess) =>
  new Promise<number | string | null>((r) => (c.exitCode !== null || c.signalCode !== null ? r(c.exitCode ?? c.signalCode) : c.once('exit', (code, sig) => r(code ?? sig))));

/** The names linked into one node_modules folder (scoped packages as `@scope/name`, and the bare scope too). */
function linkedNames(nodeModules: string): string[] {
  if (!existsSync(nodeModules)) return [];
  return readdirSync(nodeModules)
    .filter((n) => n !== '.pnpm' && !n.startsWith('.'))
    .flatMap((n) => (n.startsWith('@') ? [n, ...readdirSync(join(nodeModules, n)).map((m) => `${n}/${m}`)] : [n]));
}

const isDevOnly = (name: string) => DEV_ONLY.some((d) => name === d || name.startsWith(`${d}/`) || name.startsWith(`${d}@`));

/**
 * Issue 12: the runtime layer of the image, without a Docker engine. The Dockerfile's build-stage
 * steps run on a copy of the working tree (tracked and new files, so uncommitted changes count):
 * install, `pnpm -s build`, a fresh production-only install, the sources removed. What is left must
 * hold no development tooling, and `reaper:prod start` (the image's CMD) must serve from it:
 * ready, a task created and claimed over HTTP, and a clean exit on SIGTERM.
 */
describe('the production install (the image runtime layer)', () => {
  const work = mkdtempSync(join(tmpdir(), 'prod-install-'));
  const app = join(work, 'app');
  const prefix = uniquePrefix('prod');
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    const r = testRedis('worker');
    await dropPrefix(r, prefix);
    r.disconnect();
    rmSync(work, { recursive: true, force: true });
  });

  it('builds, keeps production dependencies only, and serves from built JavaScript', { timeout: 240_000 }, async () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' })
      .split('\0')
      .filter((f) => f && existsSync(join(root, f)));
    for (const f of files) {
      mkdirSync(join(app, dirname(f)), { recursive: true });
      execFileSync('cp', ['-p', join(root, f), join(app, f)]);
    }
    const sh = (cmd: string) => execFileSync('sh', ['-c', cmd], { cwd: app, stdio: 'pipe', encoding: 'utf8' });
    // The Dockerfile's build stage, with the machine's warm pnpm store instead of `pnpm fetch`.
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^RUN pnpm -s build$/m);
    sh('pnpm install --offline --frozen-lockfile --prod=false');
    sh('pnpm -s build');
    sh('rm -rf node_modules packages/*/node_modules services/*/node_modules && pnpm install --offline --frozen-lockfile --prod');
    sh('rm -rf packages/*/src packages/*/test services/*/src services/*/test test bench');

    // No development tooling linked into any workspace package, and neither tsx nor vitest anywhere.
    // (typescript and a few @types are in the store as peers/dependencies of production packages,
    // bullmq's and @kubernetes/client-node's; they are never linked where our code resolves from.)
    const projects = ['.', ...['packages', 'services'].flatMap((d) => readdirSync(join(app, d)).map((p) => `${d}/${p}`))];
    const linked = projects.flatMap((p) => linkedNames(join(app, p, 'node_modules')).map((n) => `${p}: ${n}`));
    expect(linked.filter((l) => isDevOnly(l.split(': ')[1]!))).toEqual([]);
    expect(linked.length).toBeGreaterThan(0);
    const store = readdirSync(join(app, 'node_modules', '.pnpm'));
    expect(store.filter((n) => n.startsWith('tsx@') || n.startsWith('vitest@'))).toEqual([]);

    const scripts = (JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const [bin, ...args] = scripts['reaper:prod']!.split(/\s+/);
    expect(bin).toBe('node');
    const port = await freePort();
    const dataDir = join(work, 'data');
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', NODE_ENV: 'production', REDIS_URL: redisUrl(), KEY_PREFIX: prefix, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', NODE_NAME: `node-${prefix}` };
    const service = spawn(process.execPath, [...args, 'start'], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(service);
    let out = '';
    service.stdout!.on('data', (d) => (out = (out + d).slice(-100_000)));
    service.stderr!.on('data', (d) => (out = (out + d).slice(-100_000)));
    const base = `http://127.0.0.1:${port}`;
    await until(() => fetch(`${base}/readyz`).then((r) => r.status === 200, () => false), 60_000, '/readyz 200', () => out);

    const created = await fetch(`${base}/tasks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'work' }) });
    expect(created.status).toBe(201);
    const task = (await created.json()) as { id: string };
    const runner = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    children.push(runner);
    const stat = readFileSync(`/proc/${runner.pid}/stat`, 'utf8');
    const claim = await fetch(`${base}/tasks/claim`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        runnerId: `runner-${runner.pid}`,
        kinds: ['work'],
        runtime: { type: 'process', ref: '' },
        pid: runner.pid,
        pidStartTime: stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19],
        host: env.NODE_NAME,
      }),
    });
    expect(claim.status).toBe(200);
    expect(((await claim.json()) as { id: string }).id).toBe(task.id);

    service.kill('SIGTERM');
    expect(await exited(service)).toBe(0);
  });
});
