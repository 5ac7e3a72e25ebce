import { lstat, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { FileKind, ResolvedPath } from '../domain/log-ref-rule.js';

/** LOG_ROOTS, or its default: the data folder's `logs/` and the OS temp folder's `smart-reap/`. */
export function configuredLogRoots(config: { LOG_ROOTS?: string[]; DATA_DIR: string }): string[] {
  return (config.LOG_ROOTS ?? [join(config.DATA_DIR, 'logs'), join(tmpdir(), 'smart-reap')]).map((r) => resolve(r));
}

function kindOf(st: { isFile(): boolean; isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isBlockDevice(): boolean; isCharacterDevice(): boolean }): FileKind {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isBlockDevice() || st.isCharacterDevice()) return 'device';
  return 'other';
}

/**
 * The file system's answer for an absolute path: realpath of the path, or of its nearest existing
 * folder with the missing rest appended (a log file, or its folder, may not exist yet). lstat of
 * the real path, which has no symlink left, so a FIFO or a device is seen without opening it.
 */
export async function resolvePath(path: string): Promise<ResolvedPath> {
  const requested = resolve(path);
  const missing: string[] = [];
  let at = requested;
  for (;;) {
    try {
      const real = await realpath(at);
      if (missing.length) return { requested: path, real: join(real, ...missing), kind: 'missing' };
      return { requested: path, real, kind: kindOf(await lstat(real)) };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || at === dirname(at)) throw err;
      missing.unshift(basename(at));
      at = dirname(at);
    }
  }
}

/** The roots as the file system sees them (a root that is a symlink counts as its target). */
export async function resolveRoots(roots: readonly string[]): Promise<string[]> {
  return Promise.all(roots.map(async (r) => (await resolvePath(r)).real));
}
