import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryCounterFiles, parseOomKills, pinMemoryCgroup } from '../../../src/proc/memory-cgroup.js';
import { MEMORY_CGROUP_FILE } from '../../../src/schemas/task.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('memory cgroup pin', () => {
  it('reads oom_kill from memory.events (v2) and memory.oom_control (v1)', () => {
    expect(parseOomKills('low 0\nhigh 0\nmax 12\noom 3\noom_kill 2\noom_group_kill 0\n')).toBe(2);
    expect(parseOomKills('oom_kill_disable 0\nunder_oom 0\noom_kill 1\n')).toBe(1);
    expect(parseOomKills('oom_kill_disable 0\n')).toBeUndefined();
  });

  it('finds the counter files of v2, hybrid and v1 hierarchies in /proc/<pid>/cgroup', () => {
    expect(memoryCounterFiles('0::/system.slice/agent.service\n', '/sys/fs/cgroup')).toEqual([
      '/sys/fs/cgroup/system.slice/agent.service/memory.events',
      '/sys/fs/cgroup/unified/system.slice/agent.service/memory.events',
    ]);
    expect(memoryCounterFiles('5:devices:/\n4:memory:/process_api/abc\n3:cpuset:/\n')).toEqual([
      '/sys/fs/cgroup/memory/process_api/abc/memory.oom_control',
    ]);
    expect(memoryCounterFiles('7:cpu,cpuacct:/x\n')).toEqual([]);
  });

  it('pins the first counter that exists, with its count now', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cg-'));
    dirs.push(root);
    mkdirSync(join(root, 'proc', '4242'), { recursive: true });
    writeFileSync(join(root, 'proc', '4242', 'cgroup'), '4:memory:/jobs/a\n0::/\n');
    mkdirSync(join(root, 'cg', 'memory', 'jobs', 'a'), { recursive: true });
    writeFileSync(join(root, 'cg', 'memory', 'jobs', 'a', 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 3\n');
    const pin = await pinMemoryCgroup(4242, { procRoot: join(root, 'proc'), cgroupRoot: join(root, 'cg') });
    expect(pin).toEqual({ file: join(root, 'cg', 'memory', 'jobs', 'a', 'memory.oom_control'), oomKills: 3 });
    expect(await pinMemoryCgroup(4343, { procRoot: join(root, 'proc'), cgroupRoot: join(root, 'cg') })).toBeUndefined();
  });

  it('lets a pin name only a counter file under /sys/fs/cgroup', () => {
    expect(MEMORY_CGROUP_FILE.test('/sys/fs/cgroup/memory/process_api/abc/memory.oom_control')).toBe(true);
    expect(MEMORY_CGROUP_FILE.test('/sys/fs/cgroup/system.slice/agent.service/memory.events')).toBe(true);
    expect(MEMORY_CGROUP_FILE.test('/sys/fs/cgroup/../../etc/memory.events')).toBe(false);
    expect(MEMORY_CGROUP_FILE.test('/etc/shadow')).toBe(false);
  });
});
