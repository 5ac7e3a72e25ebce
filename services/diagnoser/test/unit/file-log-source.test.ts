import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Task } from '@smart-reap/shared';
import { FileLogSource } from '../../src/log-sources/file-log-source.js';

const dir = mkdtempSync(join(tmpdir(), 'file-log-source-'));
const root = join(dir, 'logs');
mkdirSync(root);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const taskWith = (logRef: string) => ({ id: 't', runner: { logRef } }) as unknown as Task;
const source = new FileLogSource([root]);

describe('file log source', () => {
  it('reads only the last bytes of a file, invalid UTF-8 and all', async () => {
    const path = join(root, 'run.log');
    writeFileSync(path, Buffer.concat([Buffer.from('x'.repeat(10_000)), Buffer.from([0xff, 0xfe]), Buffer.from('\nSegmentation fault (core dumped)\n')]));
    const bytes = await source.read(taskWith(path), 4096);
    expect(bytes).toHaveLength(4096);
    expect(bytes!.subarray(-34).toString()).toBe('\nSegmentation fault (core dumped)\n');
  });

  it('refuses a FIFO at once instead of blocking on it', async () => {
    const fifo = join(root, 'pipe');
    execFileSync('mkfifo', [fifo]);
    await expect(source.read(taskWith(`file://${fifo}`), 4096)).rejects.toThrow(/is a fifo, not a regular file: not read/);
  });

  it('ignores a logRef that is not a path', async () => {
    expect(await source.read(taskWith('tmux:agent'), 4096)).toBeUndefined();
  });

  it('refuses a file outside LOG_ROOTS without reading it', async () => {
    await expect(source.read(taskWith('/etc/passwd'), 4096)).rejects.toThrow(/\/etc\/passwd is not under LOG_ROOTS .*: not read/);
  });

  it('refuses a .. that climbs out of a root', async () => {
    await expect(source.read(taskWith(`${root}/../../../../etc/passwd`), 4096)).rejects.toThrow(/not under LOG_ROOTS/);
  });

  it('refuses a log swapped for a symlink to /etc/passwd after the claim', async () => {
    const path = join(root, 'swapped.log');
    writeFileSync(path, 'fine\n');
    expect((await source.read(taskWith(path), 4096))!.toString()).toBe('fine\n');
    unlinkSync(path);
    symlinkSync('/etc/passwd', path);
    const err = await source.read(taskWith(path), 4096).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/swapped\.log is not under LOG_ROOTS .*: not read/);
    expect((err as Error).message).not.toMatch(/root:/);
  });

  it('refuses a folder of a root swapped for a symlink out of it', async () => {
    mkdirSync(join(root, 'job'));
    writeFileSync(join(root, 'job', 'passwd'), 'fine\n');
    rmSync(join(root, 'job'), { recursive: true });
    symlinkSync('/etc', join(root, 'job'));
    await expect(source.read(taskWith(join(root, 'job', 'passwd')), 4096)).rejects.toThrow(/not under LOG_ROOTS/);
  });
});
