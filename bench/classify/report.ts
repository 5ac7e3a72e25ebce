import type { CrashType } from '@smart-reap/shared';

export interface Outcome {
  name: string;
  expected: CrashType;
  actual: CrashType;
  confidence: number;
  summary: string;
}

export interface TypeStats {
  crashType: CrashType;
  precision: number;
  recall: number;
  support: number;
  predicted: number;
}

/** Precision and recall per crash type; a type never predicted and never expected is left out. */
export function perType(outcomes: readonly Outcome[], types: readonly CrashType[]): TypeStats[] {
  return types.flatMap((crashType) => {
    const support = outcomes.filter((o) => o.expected === crashType).length;
    const predicted = outcomes.filter((o) => o.actual === crashType).length;
    if (support === 0 && predicted === 0) return [];
    const correct = outcomes.filter((o) => o.expected === crashType && o.actual === crashType).length;
    return [
      {
        crashType,
        precision: predicted === 0 ? 0 : correct / predicted,
        recall: support === 0 ? 0 : correct / support,
        support,
        predicted,
      },
    ];
  });
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`.padStart(7);

export function formatTable(stats: readonly TypeStats[]): string {
  const header = `${'crashType'.padEnd(22)}${'precision'.padStart(10)}${'recall'.padStart(9)}${'support'.padStart(9)}`;
  const rows = stats.map(
    (s) => `${s.crashType.padEnd(22)}${pct(s.precision).padStart(10)}${pct(s.recall).padStart(9)}${String(s.support).padStart(9)}`,
  );
  return [header, '-'.repeat(header.length), ...rows].join('\n');
}
