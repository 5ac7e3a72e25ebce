import type { Rule, SummaryContext } from '../types.js';
import { excerpt, gist } from '../gist.js';

const unhandled = (what: string, context: SummaryContext): string =>
  `Unhandled ${context.runtime ? `${context.runtime} ` : ''}exception: ${gist(what, 120)}`;

/**
 * Exceptions nobody caught. These are containers: they say how the error surfaced, so they weigh
 * less than the rules that say what the error was (a RateLimitError traceback is a rate limit).
 */
export const exceptionRules: Rule[] = [
  {
    id: 'python-traceback',
    crashType: 'unhandled_exception',
    weight: 0.6,
    pattern: /^Traceback \(most recent call last\):/,
    summary: 'Unhandled Python exception',
  },
  {
    // The last line of a Python traceback, or a bare `TypeError: …` from Node: `pkg.mod.NameError: msg`.
    id: 'exception-line',
    crashType: 'unhandled_exception',
    weight: 0.62,
    pattern:
      /^(?:Uncaught )?(?:[A-Za-z_][\w$]*\.)*(?:[A-Z][\w$]*)?(?:Error|Exception|Exit|Failure|Fault|Rejection)(?: \[[A-Z_]+\])?(?::\s.*|$)/,
    summary: (m, _line, context) => unhandled(m[0], context),
  },
  {
    id: 'node-unhandled-rejection',
    crashType: 'unhandled_exception',
    weight: 0.75,
    pattern: /\[UnhandledPromiseRejection: |UnhandledPromiseRejection(?:Warning)?: |ERR_UNHANDLED_REJECTION/,
    summary: 'Unhandled promise rejection in Node.js',
  },
  {
    id: 'node-uncaught',
    crashType: 'unhandled_exception',
    weight: 0.6,
    pattern: /triggerUncaughtException|Emitted 'error' event on|Unhandled 'error' event|\buncaughtException\b/,
    summary: 'Uncaught exception in Node.js',
  },
  {
    id: 'java-thread',
    crashType: 'unhandled_exception',
    weight: 0.68,
    pattern: /Exception in thread "([^"]+)" ([\w.$]+)(?::\s*(.*))?/,
    summary: (m) => `Unhandled Java exception in thread "${m[1]}": ${gist(m[3] ? `${m[2]}: ${m[3]}` : (m[2] ?? ''), 110)}`,
  },
  {
    id: 'java-caused-by',
    crashType: 'unhandled_exception',
    weight: 0.55,
    pattern: /^Caused by: ([\w.$]+)/,
    summary: (m) => `Unhandled exception caused by ${m[1]}`,
  },
  {
    id: 'dotnet-unhandled',
    crashType: 'unhandled_exception',
    weight: 0.75,
    pattern: /^Unhandled [Ee]xception[.:]\s*(.*)/,
    summary: (m) => `Unhandled .NET exception: ${gist(m[1] ?? '', 110)}`,
  },
  {
    id: 'ruby-exception',
    crashType: 'unhandled_exception',
    weight: 0.7,
    pattern: /:\d+:in [`'][^']*': (.*) \(([A-Z]\w*(?:::\w+)*)\)$/,
    summary: (m) => `Unhandled Ruby exception: ${m[2]}: ${gist(m[1] ?? '', 100)}`,
  },
  {
    id: 'php-uncaught',
    crashType: 'unhandled_exception',
    weight: 0.86,
    pattern: /Fatal error:\s+Uncaught ([\w\\]+)(?::\s*(.*))?/,
    summary: (m) => `Uncaught PHP exception: ${gist(m[2] ? `${m[1]}: ${m[2]}` : (m[1] ?? ''), 110)}`,
  },
  {
    id: 'deno-uncaught',
    crashType: 'unhandled_exception',
    weight: 0.8,
    pattern: /^error: Uncaught (?:\(in promise\) )?(.*)/,
    summary: (m) => `Uncaught exception: ${gist(m[1] ?? '', 120)}`,
  },
  {
    id: 'elixir-exception',
    crashType: 'unhandled_exception',
    weight: 0.75,
    pattern: /^\*\* \(([\w.]+)\) (.*)/,
    summary: (m) => `Unhandled Elixir exception: ${m[1]}: ${gist(m[2] ?? '', 100)}`,
  },
  {
    id: 'uncaught-words',
    crashType: 'unhandled_exception',
    weight: 0.7,
    pattern: /\b(?:uncaught|unhandled) (?:exception|error|rejection)\b/i,
    summary: (m) => `Unhandled exception: ${excerpt(m, 120)}`,
  },
  // A CLI's own last word (`error: could not …`, `level=fatal`): an explanation, if a vague one.
  {
    id: 'fatal-log',
    crashType: 'unhandled_exception',
    weight: 0.42,
    // A structured logger's error record carrying the error (Go's slog/logrus `level=ERROR … err=…`).
    pattern: /^error: (.*)|\blevel=fatal\b|"level":\s*(?:"fatal"|60)\b|^FATAL\b|\blevel=(?:ERROR|error)\b.*\berr(?:or)?=/,
    summary: (m) => `Fatal error: ${excerpt(m, 120)}`,
  },
];
