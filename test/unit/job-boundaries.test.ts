import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CATALOG_DIR = 'packages/shared/src/queues/';

/** Every production source file of the workspace, relative to its root. */
function sources(): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  for (const top of ['packages', 'services']) {
    for (const pkg of readdirSync(join(ROOT, top))) {
      const src = join(ROOT, top, pkg, 'src');
      for (const entry of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
        if (!entry.endsWith('.ts')) continue;
        const path = join(src, entry);
        out.push({ path: relative(ROOT, path), text: readFileSync(path, 'utf8') });
      }
    }
  }
  return out;
}

describe('jobs go through the catalog', () => {
  const files = sources();

  it('no module outside the catalog makes a queue or a worker, or adds a job by hand', () => {
    const raw = files
      .filter((f) => !f.path.startsWith(CATALOG_DIR))
      .filter((f) => /new (Queue|Worker)\(|\.queue\([^)]*\)\.add(Bulk)?\(/.test(f.text))
      .map((f) => f.path);
    expect(raw).toEqual([]);
  });

  it('no module outside the catalog builds a probe queue name or a job id of its own', () => {
    const rolled = files
      .filter((f) => !f.path.startsWith(CATALOG_DIR))
      .filter((f) => /`probe-\$\{|`(diag|stop|reassign)-\$\{|jobId:/.test(f.text))
      .map((f) => f.path);
    expect(rolled).toEqual([]);
  });
});
