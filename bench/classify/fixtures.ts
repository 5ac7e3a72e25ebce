import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CRASH_TYPES, tailText, type CrashType } from '@smart-reap/shared';

const FIXTURES_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures');
/** The training set: what the rules were written and tuned on. */
export const FIXTURES_DIR = join(FIXTURES_ROOT, 'crash-tails');
/** The still-blind batch of new tails (issue #14): measured, not tuned on until it moves to training. */
export const BLIND_FIXTURES_DIR = join(FIXTURES_ROOT, 'crash-tails-blind');

export interface Fixture {
  /** `oom/node-heap-limit.log`, relative to the fixtures folder. */
  name: string;
  expected: CrashType;
  /** The last 4096 bytes, decoded as the diagnoser decodes them. */
  tail: string;
  exitCode?: number;
  signal?: string;
  source: string;
}

interface Sidecar {
  exitCode?: number;
  signal?: string;
  source?: string;
}

/** Every `fixtures/crash-tails/<crashType>/<name>.log` with its `<name>.json` sidecar (if any). */
export function loadFixtures(root: string = FIXTURES_DIR): Fixture[] {
  const fixtures: Fixture[] = [];
  for (const crashType of CRASH_TYPES) {
    const dir = join(root, crashType);
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
    } catch {
      continue;
    }
    for (const file of files) {
      const path = join(dir, file);
      const sidecarPath = path.replace(/\.log$/, '.json');
      const sidecar = existsSync(sidecarPath) ? (JSON.parse(readFileSync(sidecarPath, 'utf8')) as Sidecar) : {};
      fixtures.push({
        name: relative(root, path),
        expected: crashType,
        tail: tailText(readFileSync(path)).text,
        ...(sidecar.exitCode !== undefined ? { exitCode: sidecar.exitCode } : {}),
        ...(sidecar.signal !== undefined ? { signal: sidecar.signal } : {}),
        source: sidecar.source ?? '',
      });
    }
  }
  return fixtures;
}
