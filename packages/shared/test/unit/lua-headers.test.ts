import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** Every .lua file of the workspace's sources (packages/*\/src, services/*\/src). */
function luaFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'node_modules') continue;
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.lua')) found.push(path);
    }
  };
  for (const group of ['packages', 'services']) {
    for (const pkg of readdirSync(join(root, group))) walk(join(root, group, pkg, 'src'));
  }
  return found.sort();
}

/** The leading `--[[ ... ]]` block, and the script after it. */
function splitHeader(source: string): { header: string; body: string } | undefined {
  const m = /^--\[\[([\s\S]*?)\]\]/.exec(source);
  return m ? { header: m[1]!, body: source.slice(m[0].length) } : undefined;
}

/** The n of every `NAME[n]` the body indexes literally. */
function usedIndexes(body: string, name: 'KEYS' | 'ARGV'): number[] {
  return [...new Set([...body.matchAll(new RegExp(`\\b${name}\\[(\\d+)\\]`, 'g'))].map((m) => Number(m[1])))].sort((a, b) => a - b);
}

/** The n of every header line that starts by naming `NAME[n]`. */
function namedIndexes(header: string, name: 'KEYS' | 'ARGV'): number[] {
  return [...header.matchAll(new RegExp(`^\\s*${name}\\[(\\d+)\\]`, 'gm'))].map((m) => Number(m[1])).sort((a, b) => a - b);
}

const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** What is wrong with one script's header: empty when it names exactly the KEYS and ARGV its body uses, each once, 1..n. */
function headerProblems(source: string): string[] {
  const parts = splitHeader(source);
  if (!parts) return ['no --[[ ]] header at the top'];
  const problems: string[] = [];
  for (const name of ['KEYS', 'ARGV'] as const) {
    const used = usedIndexes(parts.body, name);
    const named = namedIndexes(parts.header, name);
    const max = Math.max(0, ...used);
    if (named.join() !== upTo(max).join()) problems.push(`the body uses ${name} ${used.join(', ') || 'none'} but the header names ${named.join(', ') || 'none'}`);
  }
  return problems;
}

describe('every Lua script names its KEYS and ARGV in its header', () => {
  const files = luaFiles();

  it('finds the scripts', () => {
    expect(files.map((f) => relative(root, f))).toEqual(
      expect.arrayContaining(['packages/shared/src/store/cas-write.lua', 'services/reaper/src/scheduler/take-due-probes.lua']),
    );
  });

  it.each(files.map((f) => [relative(root, f), f]))('%s', (_, file) => {
    expect(headerProblems(readFileSync(file, 'utf8'))).toEqual([]);
  });

  it('the check itself: an ARGV the header omits, one it names but the body never uses, no header', () => {
    const header = (lines: string) => `--[[\n  Input:\n${lines}\n]]\n`;
    const body = "redis.call('SET', KEYS[1], ARGV[1], ARGV[2])";
    expect(headerProblems(header('    KEYS[1] k\n    ARGV[1] a\n    ARGV[2] b') + body)).toEqual([]);
    expect(headerProblems(header('    KEYS[1] k\n    ARGV[1] a') + body)).toEqual(['the body uses ARGV 1, 2 but the header names 1']);
    expect(headerProblems(header('    KEYS[1] k\n    ARGV[1] a\n    ARGV[2] b\n    ARGV[3] c') + body)).toHaveLength(1);
    expect(headerProblems(body)).toEqual(['no --[[ ]] header at the top']);
    // Indexes the body reaches only through a variable (KEYS[g]) are named by a range line, not counted.
    expect(headerProblems(header('    KEYS[1] k\n    KEYS[2..] more\n    ARGV[1] a\n    ARGV[2] b') + body + '\nlocal x = KEYS[g]')).toEqual([]);
  });
});
