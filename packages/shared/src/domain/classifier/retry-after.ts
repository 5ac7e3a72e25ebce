/**
 * How long the provider asked to wait, from what the log shows of its answer: headers
 * (`retry-after-ms`, `Retry-After` in seconds or as an HTTP date, `x-ratelimit-reset-*`,
 * `anthropic-ratelimit-*-reset`), Google's `retryDelay`, and the prose of error messages
 * ("Please try again in 1m30s", "Retrying in 38 seconds").
 */

interface Candidate {
  ms: number;
  /** Higher is more authoritative: an explicit retry-after beats a window reset. */
  priority: number;
  line: number;
}

// Only the hints near the last one belong to the final error; earlier ones were for retried calls.
const SAME_ANSWER_LINES = 15;
const PRIORITY = { retryAfterMs: 4, retryAfter: 3, retryDelay: 3, prose: 2, reset: 1 } as const;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function unitOf(word: string): number {
  const w = word.toLowerCase();
  if (w.startsWith('ms') || w.startsWith('milli')) return UNIT_MS.ms!;
  if (w.startsWith('h')) return UNIT_MS.h!;
  if (w.startsWith('m')) return UNIT_MS.m!;
  return UNIT_MS.s!;
}

/** `1m30s`, `4.626s`, `120ms`, `38 seconds`, `6m0s` → ms. */
function durationMs(text: string): number | undefined {
  // `6m0s` has no word boundary between its parts: a unit ends where letters do.
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?)(?![a-z])/gi)];
  if (parts.length === 0) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * unitOf(p[2]!), 0);
}

/** A header value: seconds, a duration, an epoch second, or a date. */
function headerValueMs(value: string, nowMs: number): number | undefined {
  const v = value.trim().replace(/[,;]+$/, '');
  if (/^\d+(?:\.\d+)?$/.test(v)) {
    const n = Number(v);
    // x-ratelimit-reset carries an epoch second on some APIs (GitHub) and a delta on others.
    return n > 1e9 ? Math.max(0, n * 1000 - nowMs) : n * 1000;
  }
  const duration = /^(?:\d+(?:\.\d+)?\s*(?:ms|s|m|h)\s*)+$/i.test(v) ? durationMs(v) : undefined;
  if (duration !== undefined) return duration;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

const EXTRACTORS: { pattern: RegExp; priority: number; parse: (m: RegExpExecArray, nowMs: number) => number | undefined }[] = [
  {
    pattern: /retry-after-ms["']?\s*[:=]\s*["']?(\d+(?:\.\d+)?)/gi,
    priority: PRIORITY.retryAfterMs,
    parse: (m) => Number(m[1]),
  },
  {
    pattern: /\bretry[-_]?after["']?\s*[:=]\s*["']?([^\r\n"'}]+)/gi,
    priority: PRIORITY.retryAfter,
    parse: (m, now) => headerValueMs(m[1]!, now),
  },
  {
    pattern: /retry_?delay["']?\s*[:=]?\s*\{?\s*(?:seconds:\s*)?["']?(\d+(?:\.\d+)?s?)\b/gi,
    priority: PRIORITY.retryDelay,
    parse: (m) => (m[1]!.endsWith('s') ? durationMs(m[1]!) : Number(m[1]) * 1000),
  },
  {
    pattern:
      /\b(?:try again|retry|retrying(?: request to \S+)?|wait)(?: (?:after|in))?\s+((?:\d+(?:\.\d+)?\s*(?:ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?)(?![a-z])\s*)+)/gi,
    priority: PRIORITY.prose,
    parse: (m) => durationMs(m[1]!),
  },
  {
    pattern:
      /\b(?:x-ratelimit-reset(?:-requests|-tokens)?|anthropic-ratelimit-(?:requests|tokens|input-tokens|output-tokens)-reset|ratelimit-reset)["']?\s*[:=]\s*["']?([^\r\n"'}]+)/gi,
    priority: PRIORITY.reset,
    parse: (m, now) => headerValueMs(m[1]!, now),
  },
];

/** Milliseconds to wait before retrying, or undefined when the tail names no wait. */
export function parseRetryAfterMs(tail: string, nowMs: number = Date.now()): number | undefined {
  const lineStarts: number[] = [0];
  for (let i = tail.indexOf('\n'); i !== -1; i = tail.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };

  const candidates: Candidate[] = [];
  for (const { pattern, priority, parse } of EXTRACTORS) {
    for (const m of tail.matchAll(pattern)) {
      const ms = parse(m as RegExpExecArray, nowMs);
      if (ms !== undefined && Number.isFinite(ms) && ms >= 0) candidates.push({ ms, priority, line: lineOf(m.index ?? 0) });
    }
  }
  if (candidates.length === 0) return undefined;

  const lastLine = Math.max(...candidates.map((c) => c.line));
  const near = candidates.filter((c) => c.line >= lastLine - SAME_ANSWER_LINES);
  const top = Math.max(...near.map((c) => c.priority));
  const best = near.filter((c) => c.priority === top);
  // Window resets: the longest one is the limit that bound. Anything else: the latest word.
  const ms = top === PRIORITY.reset ? Math.max(...best.map((c) => c.ms)) : best.sort((a, b) => b.line - a.line)[0]!.ms;
  return Math.ceil(ms);
}
