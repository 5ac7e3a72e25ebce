import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { redisUrl } from '../support/redis-context.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const root = join(import.meta.dirname, '..', '..');
const PACKAGES = ['shared', 'runner'] as const;

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

/**
 * The client as a user gets it: built, packed, installed with npm into an empty project outside
 * the workspace, and imported by package name from a plain Node script (no tsx, no TypeScript)
 * that creates a task with TaskProducer and claims and completes it with RunnerClient.
 */
describe('the client packages (@smart-reap/shared + @smart-reap/runner)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'client-package-'));
  let stack: TestStack | undefined;
  afterAll(async () => {
    await stack?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('packs into tarballs that npm installs in an empty project, where plain node creates, claims and completes a task', { timeout: 240_000 }, async () => {
    // npm missing is a failure, not a skip: this is the very thing a user runs.
    execFileSync('npm', ['--version'], { encoding: 'utf8' });

    execFileSync('pnpm', ['-s', 'build'], { cwd: root, stdio: 'pipe' });
    const tarballs = PACKAGES.map((p) => {
      const out = execFileSync('pnpm', ['pack', '--pack-destination', dir], { cwd: join(root, 'packages', p), encoding: 'utf8' });
      const tgz = out.trim().split('\n').pop()!;
      expect(existsSync(tgz), `pnpm pack printed ${out}`).toBe(true);
      return tgz;
    });

    const app = join(dir, 'app');
    execFileSync('mkdir', [app]);
    execFileSync('npm', ['init', '-y'], { cwd: app, stdio: 'pipe' });
    execFileSync('npm', ['pkg', 'set', 'type=module'], { cwd: app, stdio: 'pipe' });
    const started = Date.now();
    execFileSync('npm', ['install', ...tarballs, '--no-audit', '--no-fund'], { cwd: app, stdio: 'pipe' });
    console.log(`npm install of the client tarballs took ${Date.now() - started} ms`);

    // What was installed is built JavaScript with declarations, and no TypeScript source.
    for (const p of PACKAGES) {
      const files = filesUnder(join(app, 'node_modules', '@smart-reap', p));
      expect(files).toContain('dist/index.js');
      expect(files).toContain('dist/index.d.ts');
      expect(files).toContain('README.md');
      expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    }
    expect(filesUnder(join(app, 'node_modules', '@smart-reap', 'shared'))).toContain('dist/store/cas-write.lua');
    expect(existsSync(join(app, 'node_modules', 'tsx'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'typescript'))).toBe(false);

    stack = await startTestStack({}, ['reaper']);
    writeFileSync(
      join(app, 'client.mjs'),
      `import { TaskProducer } from '@smart-reap/shared';
import { RunnerClient } from '@smart-reap/runner';

const producer = await TaskProducer.connect({ redisUrl: process.env.REDIS_URL, keyPrefix: process.env.KEY_PREFIX });
const { task } = await producer.create({ kind: 'packaged', payload: { n: 1 } });
await producer.close();

const runner = new RunnerClient({ apiUrl: process.env.API_URL, runnerId: 'packaged-runner' });
const claimed = await runner.claim({ kinds: ['packaged'], runtime: { type: 'heartbeat', ref: '' } });
const lease = runner.leaseOf(claimed.id);
const done = await runner.complete(claimed.id, { ok: true });
console.log(JSON.stringify({ created: task.id, claimed: claimed.id, payload: claimed.payload, lease: typeof lease, done }));
`,
    );
    // Not execFileSync: the stack runs in this process and must keep answering while the script runs.
    const { stdout: out } = await promisify(execFile)(process.execPath, ['client.mjs'], {
      cwd: app,
      env: { PATH: process.env.PATH, REDIS_URL: redisUrl(), KEY_PREFIX: stack.config.KEY_PREFIX, API_URL: stack.url },
      timeout: 30_000,
    });
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result).toEqual({ created: result.claimed, claimed: expect.any(String), payload: { n: 1 }, lease: 'string', done: { id: result.claimed, status: 'COMPLETED' } });

    const seen = await stack.api('GET', `/tasks/${result.created}`);
    expect(seen.status).toBe(200);
    expect(seen.json).toMatchObject({ id: result.created, status: 'COMPLETED', output: { ok: true } });
  });
});
