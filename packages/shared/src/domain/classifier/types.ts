import type { CrashType } from '../../schemas/diagnosis.js';

export interface ClassifyInput {
  /** The end of the log (DESIGN §5: the last 4096 bytes), ideally already redacted. */
  tail: string;
  exitCode?: number;
  /** As the probe saw it: `SIGKILL`, `KILL`, `9`… */
  signal?: string;
  /** What the probes saw, one fact a string (`pid 4242 gone`, `pod OOMKilled`). */
  probeEvidence?: string[];
}

export interface Classification {
  crashType: CrashType;
  /** 0..1: how strong and how unambiguous the deciding evidence was. */
  confidence: number;
  /** One line a person can read. */
  summary: string;
  /**
   * The (redacted) log lines that decided it, in log order; the exit status (`exit code 137
   * (SIGKILL)`) or a probe fact (`probe: …`) where those decided it.
   */
  evidence: string[];
  /** For rate limits and overloads: how long the provider asked to wait. */
  retryAfterMs?: number;
}

/** One line of the tail, with the log prefix (timestamps, levels, container names) peeled off. */
export interface LogLine {
  index: number;
  /** The line without terminal colours and trailing blanks. */
  raw: string;
  /** `raw` without its timestamp/level/container prefix, indentation kept: what frames are told by. */
  body: string;
  /** `body` trimmed: what line-anchored rules look at. */
  text: string;
  /** Had a logger's timestamp or level: a record of the program's progress, not part of a message. */
  logged: boolean;
  kind: LineKind;
  /** Came from the probes rather than from the log. */
  probe?: boolean;
}

/**
 * - `frame`: a stack frame or stack structure: never evidence, never progress.
 * - `code`: source echoed by a traceback: could say anything, so never evidence.
 * - `noise`: what wrappers print after a death (npm, make, yarn, gradle): weak evidence, never progress.
 */
export type LineKind = 'blank' | 'frame' | 'code' | 'noise' | 'content';

export interface SummaryContext {
  /** The runtime whose traceback format the tail shows, for wording exception summaries. */
  runtime: 'Python' | 'Node.js' | 'Java' | undefined;
  /** The next line with text after `line`: where some runtimes put the message (Rust panics). */
  lineAfter(line: LogLine): string | undefined;
}

export interface Rule {
  id: string;
  crashType: CrashType;
  pattern: RegExp;
  /** Specificity, 0..1: within the final error block the most specific explanation wins. */
  weight: number;
  /** `line` is the matched line without its log prefix. */
  summary: string | ((match: RegExpExecArray, line: string, context: SummaryContext, at: LogLine) => string);
  /** The line says the process got SIGKILL: with memory evidence anywhere, that is an OOM kill. */
  sigkill?: boolean;
}

/** A piece of evidence: a rule that matched a line, or the exit status. */
export interface Match {
  crashType: CrashType;
  ruleId: string;
  /** The rule's specificity (before position is taken into account). */
  weight: number;
  summary: string;
  /** What to show as evidence: the line, or a description of the exit status. */
  evidence: string;
  /** The log line it came from; none for the exit status. */
  line?: LogLine;
  sigkill?: boolean;
  /** The probe's exit status, which always speaks last. */
  exit?: boolean;
}
