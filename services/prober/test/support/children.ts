import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Child processes a test starts, each in its own process group so that `killAll` also takes its
 * descendants. Call `killAll` in afterEach.
 */
export class Children {
  private readonly spawned: ChildProcess[] = [];

  spawn(command: string, args: string[], opts: SpawnOptions = {}): ChildProcess & { pid: number } {
    const child = spawn(command, args, { stdio: 'ignore', detached: true, ...opts });
    if (child.pid === undefined) throw new Error(`could not spawn ${command}`);
    this.spawned.push(child);
    return child as ChildProcess & { pid: number };
  }

  /** `node -e <script>`; by default a process that just lives. */
  node(script = 'setInterval(() => {}, 1000)'): ChildProcess & { pid: number } {
    return this.spawn(process.execPath, ['-e', script]);
  }

  sh(script: string, opts: SpawnOptions = {}): ChildProcess & { pid: number } {
    return this.spawn('sh', ['-c', script], opts);
  }

  async killAll(): Promise<void> {
    for (const c of this.spawned) {
      try {
        process.kill(-c.pid!, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
    }
    await Promise.all(this.spawned.map(exited));
    this.spawned.length = 0;
  }
}

/** Resolves once the child has exited and been reaped by Node. */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Field 22 of /proc/<pid>/stat, read independently of the code under test. */
export function startTimeOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}

/** The state letter of a pid, or undefined once it is gone. */
export function stateOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

/** Running = present with that start time and not a zombie. */
export function isRunning(pid: number, startTime: string): boolean {
  try {
    const state = stateOf(pid);
    return state !== undefined && state !== 'Z' && state !== 'X' && startTimeOf(pid) === startTime;
  } catch {
    return false;
  }
}

/** Polls every 20 ms until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The first line a child prints on stdout (spawn it with stdio ['ignore', 'pipe', 'ignore']). */
export function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    child.once('exit', () => reject(new Error(`child exited before printing a line (got ${JSON.stringify(buf)})`)));
  });
}
