import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'reaper-classify-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function reaper(args: string[], input?: string): { status: number | null; lines: Record<string, unknown>[] } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'services/cli/src/main.ts', 'classify', ...args], {
    cwd: root,
    input: input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  const lines = run.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { status: run.status, lines };
}

describe('reaper classify (subprocess)', { timeout: 60_000 }, () => {
  it('prints one JSON line per file, in order, and carries on past an unreadable one', () => {
    const oom = 'fixtures/crash-tails/oom/node-heap-limit.log';
    const auth = 'fixtures/crash-tails/auth_error/sdk-anthropic-401.log';
    const { status, lines } = reaper([oom, 'no/such/file.log', auth]);
    expect(status).toBe(0);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ file: oom, crashType: 'oom', summary: 'Node.js ran out of heap memory (JavaScript heap out of memory)' });
    expect(Object.keys(lines[0]!).sort()).toEqual(['confidence', 'crashType', 'evidence', 'file', 'summary']);
    expect(lines[1]).toEqual({ file: 'no/such/file.log', error: expect.stringContaining('ENOENT') });
    expect(lines[2]).toMatchObject({ file: auth, crashType: 'auth_error' });
  });

  it('classifies the death at the end of a long file and redacts what it prints', () => {
    const path = join(scratch, 'long.log');
    const key = `sk-ant-api03-${'Zq9'.repeat(20)}`;
    // A rate limit early on, a megabyte of progress, then a death by a leaked-key auth failure.
    const early = 'HTTP/1.1 429 Too Many Requests\n';
    const progress = '[agent] turn complete\n'.repeat(50_000);
    const death = `Error: 401 {"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key ${key}"}}\n`;
    writeFileSync(path, early + progress + death);
    const { lines } = reaper([path]);
    expect(lines[0]).toMatchObject({ file: path, crashType: 'auth_error' });
    expect(JSON.stringify(lines[0])).not.toContain(key.slice(-16));
  });

  it('reads standard input when given no file', () => {
    const { status, lines } = reaper([], 'step 3 ok\nSegmentation fault (core dumped)\n');
    expect(status).toBe(0);
    expect(lines).toEqual([
      {
        file: '-',
        crashType: 'segfault',
        confidence: expect.any(Number),
        summary: 'The process crashed with a segmentation fault (SIGSEGV)',
        evidence: ['Segmentation fault (core dumped)'],
      },
    ]);
  });
});
