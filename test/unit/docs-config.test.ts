import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, loadConfig } from '@smart-reap/shared';

const DOC = new URL('../../docs/configuration.md', import.meta.url);

interface Row {
  variable: string;
  defaultCell: string;
}

/** The rows of the `| variable | default | meaning |` table; cells split at unescaped pipes. */
function configTable(markdown: string): Row[] {
  const lines = markdown.split('\n');
  const header = lines.findIndex((l) => /^\|\s*variable\s*\|\s*default\s*\|\s*meaning\s*\|/.test(l));
  if (header < 0) throw new Error('docs/configuration.md has no | variable | default | meaning | table');
  const rows: Row[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line
      .slice(1, line.lastIndexOf('|'))
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
    const variable = /^`([A-Z0-9_]+)`$/.exec(cells[0] ?? '')?.[1];
    if (!variable) throw new Error(`not a variable cell: ${cells[0]}`);
    rows.push({ variable, defaultCell: cells[1] ?? '' });
  }
  return rows;
}

/** A parsed default as the table writes it: lists comma-joined, everything else as its string. */
function asWritten(value: unknown): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

describe('docs/configuration.md stays true to ConfigSchema', () => {
  const rows = configTable(readFileSync(DOC, 'utf8'));
  // The keys loadConfig reads: the shape of the zod object inside the refine.
  const keys = Object.keys(ConfigSchema.shape ?? {});
  const defaults = loadConfig({}) as Record<string, unknown>;

  it('lists every variable of the schema once, and nothing else', () => {
    const documented = rows.map((r) => r.variable);
    expect(new Set(documented).size, 'a variable is listed twice').toBe(documented.length);
    expect([...documented].sort()).toEqual([...keys].sort());
  });

  it.each(rows.map((r) => [r.variable, r.defaultCell] as const))('%s: the documented default is the schema default', (variable, cell) => {
    // Worked out at start (the host name, paths under the temp folder): not one value to compare.
    if (cell.startsWith('*computed*')) return;
    if (cell === '—') {
      expect(defaults[variable], `${variable} is documented as unset by default`).toBeUndefined();
      return;
    }
    const literal = /^`([^`]*)`$/.exec(cell)?.[1];
    expect(literal, `${variable}: a default cell is \`literal\`, — or *computed*…, not ${JSON.stringify(cell)}`).toBeDefined();
    expect(defaults[variable], `${variable} has no default in the schema`).not.toBeUndefined();
    expect(asWritten(defaults[variable])).toBe(literal);
  });
});
