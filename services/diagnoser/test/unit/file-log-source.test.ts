import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Task } from '@smart-reap/shared';
import { FileLogSource } from '../../src/log-sources/file-log-source.js';

const dir = mkdtempSync(join(tmpdir(), 'file-log-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const taskWith = (logRef: string) => ({ id: 't', runner: { logRef } }) as unknown as Task;
const source = new FileLogSource();

describe('file log source', () => {
  it('reads only the last bytes of a file, invalid UTF-8 and all', async () => {
    const path = join(dir, 'run.log');
    writeFileSync(path, Buffer.concat([Buffer.from('x'.repeat(10_000)), Buffer.from([0xff, 0xfe]), Buffer.from('\nSegmentation fault (core dumped)\n')]));
    const bytes = await source.read(taskWith(path), 4096);
    expect(bytes).toHaveLength(4096);
    expect(bytes!.subarray(-34).toString()).toBe('\nSegmentation fault (core dumped)\n');
  });

  it('refuses a FIFO at once instead of blocking on it', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    await expect(source.read(taskWith(`file://${fifo}`), 4096)).rejects.toThrow(/not a regular file/);
  });

  it('ignores a logRef that is not a path', async () => {
    expect(await source.read(taskWith('tmux:agent'), 4096)).toBeUndefined();
  });
});
