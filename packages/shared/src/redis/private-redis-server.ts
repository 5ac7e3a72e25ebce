import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { DataDirInUseError } from '../errors/data-dir-in-use-error.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface PrivateRedis {
  url: string;
  port: number;
  /** The server's process id. */
  pid: number;
  /** Where it keeps its append-only file; undefined when it keeps nothing. */
  dataDir?: string;
  /** True when the server is bound to die with the process that started it (setpriv --pdeathsig). */
  diesWithParent: boolean;
  stop(): Promise<void>;
}

/** How long a kept server has to flush and leave after SIGTERM. */
const STOP_GRACE_MS = 5000;

export interface PrivateRedisOptions {
  /** Default: a free one. */
  port?: number;
  /**
   * Keep an append-only file (fsync every second) in this folder, created if missing, so that the
   * data outlives the server. Default: nothing is kept (a temporary folder, removed at stop).
   */
  dataDir?: string;
  /**
   * Have the kernel SIGKILL the server when the thread that started it ends, even by SIGKILL, so
   * no server outlives its owner. Needs `setpriv` (util-linux); without it the server is started
   * plainly and `diesWithParent` says so. Default false: the main thread must be the caller.
   */
  dieWithParent?: boolean;
}

/**
 * A private redis-server on a free loopback port: `reaper start` without a REDIS_URL, the tests'
 * global setup without REDIS_URL or Docker, and tests that kill Redis.
 */
export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const p = options.port ?? (await freePort());
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  if (dataDir) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'sr-redis-'));
  // Two servers on one append-only file would corrupt it: the server's own pidfile says whether
  // one still runs there (a SIGKILLed one leaves its pidfile behind, naming a pid that is gone).
  const pidFile = join(dir, 'redis-server.pid');
  const holder = dataDir ? liveRedisPidIn(pidFile) : undefined;
  if (holder !== undefined) throw new DataDirInUseError(dataDir!, holder);
  const persistence = dataDir ? ['--appendonly', 'yes', '--appendfsync', 'everysec', '--pidfile', pidFile] : ['--appendonly', 'no'];
  const serverArgs = ['--bind', '127.0.0.1', '--port', String(p), '--save', '', ...persistence, '--dir', dir];
  const setpriv = options.dieWithParent ? findOnPath('setpriv') : undefined;
  const child: ChildProcess = setpriv
    ? spawn(setpriv, ['--pdeathsig', 'SIGKILL', '--', 'redis-server', ...serverArgs], { stdio: 'ignore' })
    : spawn('redis-server', serverArgs, { stdio: 'ignore' });
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (err) =>
      reject(new Error(`cannot start redis-server from PATH (${err.message}); install it (apt-get install redis-server) or set REDIS_URL`)),
    ),
  );
  const url = `redis://127.0.0.1:${p}`;
  await Promise.race([waitForPing(url, 10_000), spawnError]);
  return {
    url,
    port: p,
    pid: child.pid!,
    dataDir,
    diesWithParent: setpriv !== undefined,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        // A kept server gets SIGTERM, on which Redis flushes its append-only file (bounded: a
        // server that does not leave within STOP_GRACE_MS is killed); one that keeps nothing has
        // nothing to flush.
        child.kill(dataDir ? 'SIGTERM' : 'SIGKILL');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The pid a pidfile names, when a redis-server still runs with it. */
function liveRedisPidIn(pidFile: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it runs, under another user.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim().startsWith('redis-server') ? pid : undefined;
  } catch {
    return pid; // no procfs: a live pid is taken at its word
  }
}

/** The full path of an executable on PATH, or undefined. */
function findOnPath(name: string): string | undefined {
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    if (!folder) continue;
    const candidate = join(folder, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

async function waitForPing(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on('error', () => undefined); // refused connects while the server starts are expected
    try {
      await c.connect();
      await c.ping();
      c.disconnect();
      return;
    } catch (err) {
      lastError = err;
      c.disconnect();
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`redis at ${url} did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}
