import { open, stat } from 'node:fs/promises';
import type { Task } from '@smart-reap/shared';
import type { LogSource } from './log-source.js';

/** A `logRef` that is a file path (or file:// URL) on this host: read only its last bytes. */
export class FileLogSource implements LogSource {
  readonly name = 'file';

  static pathOf(logRef: string | undefined): string | undefined {
    if (!logRef) return undefined;
    if (logRef.startsWith('file://')) return new URL(logRef).pathname;
    return logRef.startsWith('/') ? logRef : undefined;
  }

  async read(task: Task, maxBytes: number): Promise<Buffer | undefined> {
    const path = FileLogSource.pathOf(task.runner?.logRef);
    if (!path) return undefined;
    // open() of a FIFO or a device blocks until the other end appears: one odd logRef would hold
    // a diagnose job forever. stat() does not block.
    if (!(await stat(path)).isFile()) throw new Error(`${path} is not a regular file`);
    const fh = await open(path, 'r');
    try {
      const { size } = await fh.stat();
      const length = Math.min(size, maxBytes);
      const buf = Buffer.alloc(length);
      await fh.read(buf, 0, length, size - length);
      return buf;
    } finally {
      await fh.close();
    }
  }
}
