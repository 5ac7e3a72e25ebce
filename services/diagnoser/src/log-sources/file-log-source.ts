import { constants } from 'node:fs';
import { open, readlink } from 'node:fs/promises';
import { logPathRefusal, logRefTarget, resolvePath, resolveRoots, type Task } from '@smart-reap/shared';
import type { LogSource } from './log-source.js';

/**
 * A `logRef` that is a file path (or file:// URL) on this host: only under LOG_ROOTS, only a
 * regular file, only its last bytes. The claim checked the path already; it is checked again
 * here because a symlink or a folder may have been swapped since.
 */
export class FileLogSource implements LogSource {
  readonly name = 'file';

  /** `roots`: LOG_ROOTS as configured (configuredLogRoots). */
  constructor(private readonly roots: readonly string[]) {}

  static pathOf(logRef: string | undefined): string | undefined {
    if (!logRef) return undefined;
    const target = logRefTarget(logRef);
    return target.kind === 'file' ? target.path : undefined;
  }

  async read(task: Task, maxBytes: number): Promise<Buffer | undefined> {
    const got = await this.open(task, (size) => {
      const length = Math.min(size, maxBytes);
      return { from: size - length, length };
    });
    return got?.bytes;
  }

  /**
   * The bytes from `offset` on, at most `maxBytes` (the newest, when more were written), and the
   * file's size: the live watcher reads a growing log this way, one slice a scan.
   */
  async readFrom(task: Task, offset: number, maxBytes: number): Promise<{ bytes: Buffer; from: number; size: number } | undefined> {
    return this.open(task, (size) => {
      // A file shorter than where we were was truncated or replaced: read it again from its start.
      const start = offset > size ? 0 : offset;
      const from = Math.max(start, size - maxBytes);
      return { from, length: size - from };
    });
  }

  private async open(task: Task, range: (size: number) => { from: number; length: number }): Promise<{ bytes: Buffer; from: number; size: number } | undefined> {
    const path = FileLogSource.pathOf(task.runner?.logRef);
    if (!path) return undefined;
    const roots = await resolveRoots(this.roots);
    const resolved = await resolvePath(path);
    const refusal = logPathRefusal(resolved, roots);
    if (refusal) throw new Error(`${refusal}: not read`);
    if (resolved.kind === 'missing') throw new Error(`${path} does not exist`);
    // O_NOFOLLOW: the last component cannot have become a symlink since; O_NONBLOCK: a FIFO
    // swapped in opens at once instead of blocking the diagnose job, and fstat refuses it.
    const fh = await open(resolved.real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new Error(`${path} is not a regular file: not read`);
      // Where the descriptor really points (Linux): a folder on the way swapped for a symlink
      // between the check and the open shows here. Elsewhere the checked path stands.
      const opened = await readlink(`/proc/self/fd/${fh.fd}`).catch(() => resolved.real);
      const late = logPathRefusal({ requested: path, real: opened, kind: 'file' }, roots);
      if (late) throw new Error(`${late}: not read`);
      const { from, length } = range(st.size);
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, from);
      return { bytes: buf.subarray(0, bytesRead), from, size: from + bytesRead };
    } finally {
      await fh.close();
    }
  }
}
