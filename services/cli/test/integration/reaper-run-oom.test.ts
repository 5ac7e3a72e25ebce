import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classify, type Task } from '@smart-reap/shared';
import { startTestStack, waitFor } from '../../../../test/support/stack.js';

const root = join(import.meta.dirname, '../../../..');
const main = join(root, 'services/cli/src/main.ts');
const scratch = mkdtempSync(join(tmpdir(), 'reaper-run-oom-'));
const LIMIT_BYTES = 384 * 1024 * 1024;

/**
 * A memory cgroup of our own under the one this test runs in, limited to LIMIT_BYTES: cgroup v2
 * (memory.max, the memory controller enabled in the parent's subtree_control) or v1 (the memory
 * hierarchy's memory.limit_in_bytes). Throws, saying which step the host refused: this test never
 * skips (issue #14 asks for the real kill where the machine allows it, and a loud failure where not).
 */
function makeMemoryCgroup(): { dir: string; procs: string } {
  const own = readFileSync('/proc/self/cgroup', 'utf8');
  const v1 = /^\d+:(?:[^:]*,)?memory(?:,[^:]*)?:(\/.*)$/m.exec(own);
  const v2 = /^0::(\/.*)$/m.exec(own);
  const tried: string[] = [];
  const attempt = (parent: string, limitFile: string, enable?: string): { dir: string; procs: string } | undefined => {
    const dir = join(parent, `reaper-oom-test-${process.pid}`);
    try {
      if (enable) writeFileSync(enable, '+memory');
      mkdirSync(dir);
      writeFileSync(join(dir, limitFile), String(LIMIT_BYTES));
      return { dir, procs: join(dir, 'cgroup.procs') };
    } catch (err) {
      tried.push(`${dir}: ${(err as Error).message}`);
      if (existsSync(dir)) rmdirSync(dir);
      return undefined;
    }
  };
  const made =
    (v1 && existsSync('/sys/fs/cgroup/memory') ? attempt(join('/sys/fs/cgroup/memory', v1[1]!), 'memory.limit_in_bytes') : undefined) ??
    (v2 && existsSync(join('/sys/fs/cgroup', v2[1]!, 'cgroup.subtree_control'))
      ? attempt(join('/sys/fs/cgroup', v2[1]!), 'memory.max', join('/sys/fs/cgroup', v2[1]!, 'cgroup.subtree_control'))
      : undefined);
  if (!made) {
    throw new Error(
      `this host gave no memory cgroup to run the OOM kill in (needs root and a writable cgroup v1 memory hierarchy or a cgroup v2 with the memory controller): ${tried.join('; ') || `no memory controller in /proc/self/cgroup:\n${own}`}`,
    );
  }
  return made;
}

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(scratch, { recursive: true, force: true });
});

describe('reaper run: a command the kernel OOM-kills inside a memory cgroup', () => {
  it('is diagnosed oom from the cgroup OOM-kill counter, not "killed" from its Killed tail', async () => {
    const cgroup = makeMemoryCgroup();
    const stack = await startTestStack({ PROBE_INTERVAL_MS: 60_000 });
    const children: ChildProcess[] = [];
    cleanups.push(() => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      if (existsSync(cgroup.dir)) rmdirSync(cgroup.dir);
    });
    cleanups.push(() => stack.dispose());

    const created = await stack.api('POST', '/tasks', { kind: 'oom' });
    expect(created.status).toBe(201);
    const id = created.json.id as string;

    // The wrapper enters the cgroup, then becomes `reaper run`: its command is born inside it. The
    // command offers itself first to the OOM killer (oom_score_adj 1000) and grows until killed.
    const grow = 'import sys, time\nkeep = []\nwhile True:\n    keep.append(bytearray(8 << 20))\n    print("cached", len(keep) * 8, "MiB", flush=True)\n    time.sleep(0.01)\n';
    const command = `echo 1000 > /proc/self/oom_score_adj; exec python3 -c '${grow}'`;
    const env = { ...process.env, TMPDIR: scratch, NODE_NAME: stack.config.NODE_NAME, REAPER_HEARTBEAT_MS: '200', REAPER_CLAIM_POLL_MS: '100' } as Record<string, string>;
    delete env.REAPER_API_URL;
    delete env.API_TOKEN;
    const wrapper = spawn(
      'sh',
      ['-c', `echo $$ > "${cgroup.procs}" && exec "${process.execPath}" --import tsx "${main}" run --kind oom --api ${stack.url} -- sh -c "$CMD"`],
      { cwd: root, env: { ...env, CMD: command }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(wrapper);
    let output = '';
    wrapper.stdout!.on('data', (d) => (output += d));
    wrapper.stderr!.on('data', (d) => (output += d));
    const exit = await new Promise<number | null>((resolve) => wrapper.once('close', resolve));

    const task = await waitFor(async () => {
      const t: Task = await stack.task(id);
      return t.context.reap_diagnosis ? t : undefined;
    }, 15_000, `the diagnosis of ${id} (reaper run exited ${exit}; its output: ${output.slice(-500)})`);
    const pin = task.runner?.memoryCgroup;
    expect(dirname(pin?.file ?? ''), "reaper run pinned its command's memory cgroup").toBe(cgroup.dir);
    expect(pin?.oomKills).toBe(0);
    expect(task.failure?.signal).toBe('SIGKILL');
    const d = task.context.reap_diagnosis!;
    expect(d.crashType).toBe('oom');
    expect(d.evidence).toContain(`${pin!.file.slice(pin!.file.lastIndexOf('/') + 1)} oom_kill 0→1`);
    expect(d.summary).toContain('OOM killer');
    expect(d.signal).toBe('SIGKILL');
    // The tail alone says SIGKILL with no memory evidence: the cgroup's counter made the difference.
    expect(classify({ tail: d.logTail, signal: 'SIGKILL' }).crashType).toBe('killed');
  }, 60_000);
});
