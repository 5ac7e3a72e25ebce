import type { Task } from '@smart-reap/shared';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostMemoryEvidenceReader, oomKillLines } from '../../src/host-memory-evidence.js';

const DMESG = [
  '[   12.000001] Out of memory: Killed process 4242 (python3) total-vm:43292kB, anon-rss:32508kB',
  '[  434.462456] Tasks state (memory values in pages):',
  '[  434.462496] Memory cgroup out of memory: Killed process 4242 (python3) total-vm:43292kB, anon-rss:32508kB',
  '[  434.462500] Memory cgroup out of memory: Killed process 4343 (node) total-vm:1kB',
].join('\n');

describe('oomKillLines', () => {
  it('keeps the OOM killer lines of the pid stamped after the process started', () => {
    // Started 400 s after boot (40000 ticks): the line at 12 s was about an earlier pid 4242.
    expect(oomKillLines(DMESG, 4242, 40_000)).toEqual(['Memory cgroup out of memory: Killed process 4242 (python3) total-vm:43292kB, anon-rss:32508kB']);
    expect(oomKillLines(DMESG, 4242, 0)).toHaveLength(2);
    expect(oomKillLines(DMESG, 99, 0)).toEqual([]);
  });
});

describe('hostMemoryEvidenceReader', () => {
  const task = (runner: Partial<NonNullable<Task['runner']>>): Task =>
    ({ runner: { runnerId: 'r', runtime: { type: 'process', ref: '' }, claimedAt: 0, ...runner } }) as Task;

  it('reads the pinned counter again and the kernel lines of the runner pid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oom-'));
    try {
      const file = join(dir, 'memory.events');
      writeFileSync(file, 'low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\n');
      const reader = hostMemoryEvidenceReader(async () => DMESG);
      const evidence = await reader.read(task({ pid: 4242, pidStartTime: '40000', memoryCgroup: { file, oomKills: 0 } }), AbortSignal.timeout(1000));
      expect(evidence).toEqual({
        oomKills: { file: 'memory.events', before: 0, after: 1 },
        kernelLines: ['Memory cgroup out of memory: Killed process 4242 (python3) total-vm:43292kB, anon-rss:32508kB'],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says nothing where the host has nothing: no pin, a gone cgroup, an unreadable kernel log', async () => {
    const reader = hostMemoryEvidenceReader(async () => undefined);
    expect(await reader.read(task({ pid: 4242, pidStartTime: '1', memoryCgroup: { file: '/sys/fs/cgroup/gone/memory.events', oomKills: 0 } }), AbortSignal.timeout(1000))).toEqual({});
    expect(await reader.read({} as Task, AbortSignal.timeout(1000))).toEqual({});
  });
});
