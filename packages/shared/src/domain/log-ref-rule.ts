import { fileURLToPath } from 'node:url';

/**
 * What a runner's `logRef` names. `tmux:` and `k8s:` refs, and anything that is not an absolute
 * path or a file:// URL, are not files here (the diagnoser reads those elsewhere, or not at all).
 */
export type LogRefTarget = { kind: 'file'; path: string } | { kind: 'not-a-file' } | { kind: 'invalid'; reason: string };

export function logRefTarget(logRef: string): LogRefTarget {
  if (logRef.startsWith('file://')) {
    try {
      return { kind: 'file', path: fileURLToPath(logRef) };
    } catch (err) {
      return { kind: 'invalid', reason: `not a local file URL: ${(err as Error).message}` };
    }
  }
  if (logRef.startsWith('/')) {
    if (logRef.includes('\0')) return { kind: 'invalid', reason: 'a path with a NUL byte' };
    return { kind: 'file', path: logRef };
  }
  return { kind: 'not-a-file' };
}

export type FileKind = 'file' | 'missing' | 'directory' | 'fifo' | 'socket' | 'device' | 'other';

/** A path as the file system resolved it: `real` has no symlink and no `..` left. */
export interface ResolvedPath {
  requested: string;
  real: string;
  kind: FileKind;
}

/** Kernel and device trees: never a runner's log, whatever LOG_ROOTS says. */
export const NEVER_READ = ['/proc', '/sys', '/dev'] as const;

export function isUnder(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`);
}

/**
 * Why a file log may not be read (undefined: it may). Outside the roots comes first and says the
 * same whether or not the file exists, so the answer tells nothing about files elsewhere. A file
 * that does not exist yet is fine (a runner may claim before it writes its first line).
 */
export function logPathRefusal(p: ResolvedPath, realRoots: readonly string[]): string | undefined {
  if (!realRoots.some((r) => isUnder(p.real, r))) {
    return `${p.requested} is not under LOG_ROOTS (${realRoots.join(', ') || 'none'}) once symlinks and .. are resolved`;
  }
  const never = NEVER_READ.find((r) => isUnder(p.real, r));
  if (never) return `${p.requested} lies under ${never}, which is never read`;
  if (p.kind !== 'file' && p.kind !== 'missing') return `${p.requested} is a ${p.kind}, not a regular file`;
  return undefined;
}
