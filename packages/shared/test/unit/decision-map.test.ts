import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DECISION_MAP } from '@smart-reap/shared';

const domain = fileURLToPath(new URL('../../src/domain/', import.meta.url));

describe("the state machine's map of decisions", () => {
  it.each(DECISION_MAP.map((d) => [d.event, d] as const))('%s: each function is exported from the file named', async (_, d) => {
    const mod = (await import(join(domain, d.file))) as Record<string, unknown>;
    for (const fn of d.decidedBy) expect(typeof mod[fn], `${fn} in ${d.file}`).toBe('function');
  });

  it('names every decide… function of the domain', () => {
    const files = readdirSync(domain, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.startsWith('classifier'));
    const named = new Set(DECISION_MAP.flatMap((d) => d.decidedBy));
    for (const f of files) {
      for (const [, fn] of readFileSync(join(domain, f), 'utf8').matchAll(/^export function (decide\w*)/gm)) expect(named, `${fn} (${f})`).toContain(fn);
    }
  });

  it('the comment table at the top of state-machine.ts lists the same functions', () => {
    const head = readFileSync(join(domain, 'state-machine.ts'), 'utf8').split('*/')[0]!;
    for (const fn of DECISION_MAP.flatMap((d) => d.decidedBy)) expect(head, fn).toContain(fn);
  });
});
