import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { configWith, createLogger, type ClaimedTask, type Config, type Task } from '@smart-reap/shared';
import { startStack, type ServiceName, type StackOptions } from '@smart-reap/cli';
import { dropPrefix, redisUrl, uniquePrefix } from './redis-context.js';

export type TestStack = Awaited<ReturnType<typeof startTestStack>>;

/** The real stack (all services unless told otherwise) on the test Redis under a prefix of its own. */
export async function startTestStack(
  values: Partial<Record<keyof Config, string | number | boolean>> = {},
  services: readonly ServiceName[] = ['reaper', 'prober', 'diagnoser'],
  extra: Partial<StackOptions> = {},
) {
  // Replicas of one deployment share a prefix (and a node name); a lone stack gets its own.
  const prefix = typeof values.KEY_PREFIX === 'string' ? values.KEY_PREFIX : uniquePrefix('st');
  const config = configWith({
    KEY_PREFIX: prefix,
    PORT: 0,
    LOG_LEVEL: 'silent',
    NODE_NAME: `node-${prefix}`,
    TICK_MS: 250,
    PROBE_INTERVAL_MS: 1000,
    BACKOFF_BASE_MS: 100,
    ...values,
  });
  const stack = await startStack({ config, redisUrl: redisUrl(), services, logger: createLogger('test', 'silent'), host: '127.0.0.1', ...extra });
  const children: ChildProcess[] = [];
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(stack.url + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  /** Claims the oldest task of `kind` for a process runner on this stack's node; undefined on 204. */
  const claimAs = async (child: { pid?: number; startTime: string }, kind = 'work'): Promise<ClaimedTask | undefined> => {
    const claim = await api('POST', '/tasks/claim', {
      runnerId: `runner-${child.pid}`,
      kinds: [kind],
      runtime: { type: 'process', ref: '' },
      pid: child.pid,
      pidStartTime: child.startTime,
      host: config.NODE_NAME,
    });
    if (claim.status === 204) return undefined;
    if (claim.status !== 200) throw new Error(`claim failed: ${claim.status}`);
    return claim.json as ClaimedTask;
  };
  return {
    ...stack,
    config,
    api,
    /** A real runner process: `node -e <script>` by default a process that just lives. */
    spawnRunner(script = 'setInterval(() => {}, 1000)'): ChildProcess & { startTime: string } {
      const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
      children.push(child);
      return Object.assign(child, { startTime: processStartTime(child.pid!) });
    },
    /** Creates a task and claims it for a process runner on this stack's node. */
    async claimFor(child: { pid?: number; startTime: string }, body: Record<string, unknown> = {}, kind = 'work'): Promise<ClaimedTask> {
      const created = await api('POST', '/tasks', { kind, ...body });
      const claimed = await claimAs(child, kind);
      if (!claimed || claimed.id !== created.json.id) throw new Error(`claimed ${claimed?.id}, not the task just created`);
      return claimed;
    },
    claimAs,
    async task(id: string): Promise<Task> {
      return stack.core.store.mustGet(id);
    },
    async dispose() {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await stack.close();
      const { createRedisClient } = await import('@smart-reap/shared');
      const r = createRedisClient({ url: redisUrl(), role: 'worker' });
      await dropPrefix(r, prefix);
      r.disconnect();
    },
  };
}

export function processStartTime(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}

/** Polls `check` every 50 ms until it returns a value, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return state.slice(state.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
