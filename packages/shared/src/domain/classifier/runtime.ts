import type { LogLine, SummaryContext } from './types.js';

/** Which runtime's traceback the tail shows, so summaries can say "Unhandled Python exception". */
function runtimeOf(lines: readonly LogLine[]): SummaryContext['runtime'] {
  const has = (p: RegExp): boolean => lines.some((l) => p.test(l.body));
  if (has(/^\s*Traceback \(most recent call last\):|^\s*File "[^"]+", line \d+, in /)) return 'Python';
  if (has(/^Node\.js v\d+|\bnode:internal\/|^\s+at .*\((?:file:\/\/|node:)/)) return 'Node.js';
  if (has(/Exception in thread "|^\s+at [\w$.]+\([\w$]+\.java:\d+\)/)) return 'Java';
  return undefined;
}

/** What summaries may look at beyond their own line. */
export function summaryContext(lines: readonly LogLine[]): SummaryContext {
  return {
    runtime: runtimeOf(lines),
    lineAfter(line) {
      return lines.slice(line.index + 1).find((l) => l.kind === 'content' || l.kind === 'noise')?.text;
    },
  };
}
