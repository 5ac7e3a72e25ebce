import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasExited, parseProcStat, type ProcStat } from '@smart-reap/shared';
import { killProcessTree } from '../../src/proc/kill-tree.js';
import { checkProcessIdentity } from '../../src/proc/process-identity.js';
import { descendantsOf, readProcessTable } from '../../src/proc/process-tree.js';
import { readProcessStartTime } from '@smart-reap/shared';
import { decodeWaitStatus, describeExit } from '../../src/proc/wait-status.js';

/** A stat line as Linux 6.x prints it (52 fields), with the fields the prober reads set. */
function statLine(o: { pid: number; comm: string; state?: string; ppid?: number; start?: number; exit?: number; fields?: number }): string {
  const fields = Array.from({ length: (o.fields ?? 52) - 2 }, () => '0');
  fields[0] = o.state ?? 'S';
  fields[1] = String(o.ppid ?? 1);
  fields[19] = String(o.start ?? 1000);
  if ((o.fields ?? 52) >= 52) fields[49] = String(o.exit ?? 0);
  return `${o.pid} (${o.comm}) ${fields.join(' ')}\n`;
}

describe('parseProcStat', () => {
  it('reads state, ppid, start time and exit status from a real-shaped line', () => {
    const line = '18148 (sh) Z 18146 18143 10689 0 -1 4227148 26 0 0 0 0 0 0 0 20 0 1 0 853699 0 0 18446744073709551615 0 0 0 0 0 0 0 6 65536 1 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 768\n';
    expect(parseProcStat(line)).toEqual({ pid: 18148, comm: 'sh', state: 'Z', ppid: 18146, startTime: '853699', exitStatus: 768 });
  });

  it('splits at the last ")" so a comm with spaces and parentheses cannot shift the fields', () => {
    const s = parseProcStat(statLine({ pid: 42, comm: 'evil) R 1 (x) y', state: 'S', ppid: 7, start: 555 }));
    expect(s).toMatchObject({ pid: 42, comm: 'evil) R 1 (x) y', state: 'S', ppid: 7, startTime: '555' });
  });

  it('leaves exitStatus out on kernels that print fewer than 52 fields', () => {
    const s = parseProcStat(statLine({ pid: 9, comm: 'old', fields: 44 }));
    expect(s.exitStatus).toBeUndefined();
    expect(s.startTime).toBe('1000');
  });

  it('throws on text that is not a stat line', () => {
    expect(() => parseProcStat('')).toThrow(/malformed/);
    expect(() => parseProcStat('12 (x) S 1')).toThrow(/malformed/);
    expect(() => parseProcStat('abc (x) S 1 2 3')).toThrow(/malformed/);
  });

  it('treats Z and X as exited, anything else as not', () => {
    expect(['Z', 'X'].map((state) => hasExited({ state }))).toEqual([true, true]);
    expect(['R', 'S', 'D', 'T', 't', 'I'].some((state) => hasExited({ state }))).toBe(false);
  });
});

describe('decodeWaitStatus', () => {
  it('decodes exit codes and signals as wait(2) encodes them', () => {
    expect(decodeWaitStatus(0)).toEqual({ exitCode: 0 });
    expect(decodeWaitStatus(3 << 8)).toEqual({ exitCode: 3 });
    expect(decodeWaitStatus(255 << 8)).toEqual({ exitCode: 255 });
    expect(decodeWaitStatus(9)).toEqual({ signal: 'SIGKILL', coreDumped: false });
    expect(decodeWaitStatus(11 | 0x80)).toEqual({ signal: 'SIGSEGV', coreDumped: true });
  });

  it('describes how a process ended', () => {
    expect(describeExit({ exitCode: 3 })).toBe('exited with code 3');
    expect(describeExit({ signal: 'SIGSEGV', coreDumped: true })).toBe('killed by SIGSEGV (core dumped)');
    expect(describeExit({})).toBe('exit status not visible');
  });
});

describe('descendantsOf', () => {
  const stat = (pid: number, ppid: number): ProcStat => ({ pid, ppid, comm: `p${pid}`, state: 'S', startTime: String(pid * 10) });
  const table = new Map([stat(1, 0), stat(10, 1), stat(11, 10), stat(12, 10), stat(13, 11), stat(20, 1), stat(21, 20)].map((s) => [s.pid, s]));

  it('finds children and grandchildren, parents first, and nothing outside the tree', () => {
    expect(descendantsOf(10, table).map((s) => s.pid)).toEqual([11, 12, 13]);
    expect(descendantsOf(13, table)).toEqual([]);
    expect(descendantsOf(999, table)).toEqual([]);
  });

  it('stops on a ppid loop a torn read could produce', () => {
    const looped = new Map(table);
    looped.set(10, stat(10, 13));
    expect(descendantsOf(10, looped).map((s) => s.pid).sort()).toEqual([11, 12, 13]);
  });
});

describe('reading a procfs tree', () => {
  let root: string;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  async function fakeProc(entries: Record<string, string>): Promise<string> {
    root = await mkdtemp(join(tmpdir(), 'fake-proc-'));
    for (const [pid, stat] of Object.entries(entries)) {
      await mkdir(join(root, pid));
      await writeFile(join(root, pid, 'stat'), stat);
    }
    await writeFile(join(root, 'uptime'), '1.0 1.0\n');
    return root;
  }

  it('reads start times and the process table, ignoring non-pid entries', async () => {
    const procRoot = await fakeProc({
      '100': statLine({ pid: 100, comm: 'runner', ppid: 1, start: 4242 }),
      '101': statLine({ pid: 101, comm: 'child', ppid: 100, start: 4250 }),
    });
    expect(await readProcessStartTime(100, { procRoot })).toBe('4242');
    expect(await readProcessStartTime(555, { procRoot })).toBeUndefined();
    expect([...(await readProcessTable({ procRoot })).keys()].sort()).toEqual([100, 101]);
  });

  it('checks identity: same start time alive, other start time reused, zombie dead with its exit code, absent dead', async () => {
    const procRoot = await fakeProc({
      '100': statLine({ pid: 100, comm: 'runner', start: 4242 }),
      '200': statLine({ pid: 200, comm: 'crashed', state: 'Z', start: 77, exit: 2 << 8 }),
      '300': statLine({ pid: 300, comm: 'killed', state: 'Z', start: 88, exit: 9 }),
    });
    expect(await checkProcessIdentity(100, '4242', { procRoot })).toMatchObject({ state: 'alive' });
    const reused = await checkProcessIdentity(100, '4000', { procRoot });
    expect(reused.state).toBe('dead');
    expect(reused.evidence).toMatch(/^pid reused: pid 100 .*tick 4242.*tick 4000/);
    expect(await checkProcessIdentity(200, '77', { procRoot })).toMatchObject({ state: 'dead', exitCode: 2, evidence: expect.stringContaining('zombie: exited with code 2') });
    expect(await checkProcessIdentity(300, '88', { procRoot })).toMatchObject({ state: 'dead', signal: 'SIGKILL' });
    expect(await checkProcessIdentity(400, '1', { procRoot })).toMatchObject({ state: 'dead', evidence: 'pid 400 not found: the process has exited' });
    const unchecked = await checkProcessIdentity(100, undefined, { procRoot });
    expect(unchecked).toMatchObject({ state: 'alive', evidence: expect.stringContaining('identity unchecked') });
  });
});

describe('killProcessTree guards (fake procfs: a broken guard would signal this very test process)', () => {
  let root: string;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  async function procWith(stats: string[]): Promise<string> {
    root = await mkdtemp(join(tmpdir(), 'fake-proc-'));
    for (const line of stats) {
      const pid = line.split(' ')[0]!;
      await mkdir(join(root, pid));
      await writeFile(join(root, pid, 'stat'), line);
    }
    return root;
  }

  it('refuses a tree that holds the prober itself', async () => {
    const procRoot = await procWith([
      statLine({ pid: 4_000_001, comm: 'runner', start: 10 }),
      statLine({ pid: process.pid, comm: 'node', ppid: 4_000_001, start: 20 }),
    ]);
    const res = await killProcessTree({ pid: 4_000_001, startTime: '10' }, { procRoot });
    expect(res).toEqual({ stopped: false, evidence: [`refused: the tree of pid 4000001 holds this prober (pid ${process.pid})`] });
  });

  it('signals nothing when the stop is aborted before it starts', async () => {
    const procRoot = await procWith([statLine({ pid: process.pid, comm: 'node', start: 20 })]);
    const res = await killProcessTree({ pid: process.pid, startTime: '20' }, { procRoot, signal: AbortSignal.abort() });
    expect(res).toEqual({ stopped: false, evidence: [`stop aborted before pid ${process.pid} was signalled`] });
  });

  it('signals nothing for a zombie or a vanished pid: already exited', async () => {
    const procRoot = await procWith([statLine({ pid: 4_000_002, comm: 'gone', state: 'Z', start: 30 })]);
    expect((await killProcessTree({ pid: 4_000_002, startTime: '30' }, { procRoot })).evidence).toEqual(['pid 4000002 already exited: nothing to signal']);
    expect((await killProcessTree({ pid: 4_000_003, startTime: '30' }, { procRoot })).stopped).toBe(true);
  });
});
