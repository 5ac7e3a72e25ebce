import type { LineKind, LogLine } from './types.js';

// Terminal colours and cursor movement (CSI), window titles (OSC), and lone escapes.
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

// Prefixes put before the message, peeled one after another, so that
// `agent-1  | 2026-11-20T10:00:01Z ERROR Traceback…` becomes `Traceback…`. Containers' prefixes
// say where a line came from; loggers' prefixes (a timestamp, a level) also say it is a log record.
const CONTAINER_PREFIXES: RegExp[] = [
  /^[\w.-]+(?:[-_]\d+)?\s+\|\s?/, // docker compose: `agent-1  | `
  /^\d+\|[\w.-]+\s*\|\s?/, // pm2: `0|app    | `
  /^\d{4}-\d{2}-\d{2}T[\d:.]+Z? (?:stdout|stderr) [FP] /, // CRI (kubelet log files)
  /^\s*[⎿⏺●]\s+/, // agent CLIs' transcript markers
  /^[│┃]\s?/, // boxed diagnostics (terraform)
];
const LOGGER_PREFIXES: RegExp[] = [
  // One space only: what follows keeps its indentation (CI runners stamp every line, frames too).
  /^\[?\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2}| ?UTC)?\]?:? ?/,
  /^[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2} \S+ [^:\s]+?(?:\[\d+\])?: /, // syslog / journald
  /^\[\s*\d+\.\d+\]\s*/, // kernel ring buffer
  /^\[?\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\]?\s+/,
  /^[IWEF]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ [\w.]+:\d+\] /, // glog
  /^(?:DEBUG|INFO|WARNING|ERROR|CRITICAL):[\w.]+:/, // Python logging's default format
  /^(?:time|ts)=\S+\s+level=\w+\s+/, // logfmt (Go's slog, logrus): `time=… level=INFO msg=…`
  // A level word, but not V8's `FATAL ERROR:`, which is the message itself.
  /^(?!FATAL ERROR:)(?:\[(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|SEVERE)\]|(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|FATAL|CRITICAL|SEVERE|INF|WRN|ERR|FTL|DBG)\b)[:\s]\s*/,
];
const MAX_PREFIX_PEELS = 5;

export interface Unprefixed {
  /** The message, its own indentation kept. */
  body: string;
  /** A logger's prefix was peeled: the line is a log record. */
  logged: boolean;
}

export function stripPrefix(line: string): Unprefixed {
  let body = line;
  let logged = false;
  for (let peel = 0; peel < MAX_PREFIX_PEELS; peel += 1) {
    const container = CONTAINER_PREFIXES.find((p) => p.test(body));
    const logger = container ? undefined : LOGGER_PREFIXES.find((p) => p.test(body));
    const prefix = container ?? logger;
    if (!prefix) break;
    const next = body.replace(prefix, '');
    if (next === body) break;
    body = next;
    logged ||= logger !== undefined;
  }
  return { body, logged };
}

const FRAME: RegExp[] = [
  /^\s+at\s+\S/, // JavaScript, Java, .NET
  /^\s*File "[^"]*", line \d+/, // Python
  /^\s*\d+:\s+(?:0x[0-9a-f]+|[\w<>]+::|__rust|std::|core::|alloc::)/, // Rust, V8 native frames
  /^\s*\d+\s+\S+\s+0x[0-9a-f]+\s/, // Swift, macOS crash reports: `0  libswiftCore.so  0x7f… symbol`
  /^\s*#\d+\s+(?:0x[0-9a-f]+|\/|\{main\}|[\w\\]+[\\(])/, // gdb, ASan, PHP
  /^\s+\S+\.go:\d+(?: \+0x[0-9a-f]+)?/, // Go file:line
  /^(?:[\w.-]+\/)*[\w.-]+\.(?:\(\*?\w+\)\.)?\w+(?:\.func\d+)*(?:\[\.\.\.\])?\((?:[^()]|\([^()]*\))*\)(?: fp=\S+ sp=\S+ pc=\S+)?$/, // Go function lines
  /^created by \S+/, // Go
  /^\s+from \S+:\d+:in /, // Ruby
  /^\s+\.\.\. \d+ (?:more|common frames omitted)/, // Java
  /^\s*[~^]+\s*$/, // carets under the failing expression
  /^\s*\[Previous line repeated \d+ more times?\]/,
  /^\s*\.\.\.<\d+ lines?>\.\.\.$/, // Python 3.13 folding part of a frame's source
  /^\s*[\]{}()<>,;]+\s*$/, // the closing braces of dumped error objects
  /^(?:The above exception was the direct cause|During handling of the above exception)/,
  /^(?:stack backtrace|Stack trace|Current stack trace|Call Trace|runtime stack|----- Native stack trace -----)/,
  /^(?:file:\/\/|node:|\/)[^\s:]+:\d+$/, // Node's `file:line` header over echoed source
];

const NOISE: RegExp[] = [
  /^npm (?:ERR!|error\b|warn\b|notice\b|info\b)/,
  /^(?:error|info) (?:Command failed with exit code \d+|Visit https:\/\/yarnpkg)/,
  /^\s*(?:ELIFECYCLE\b|ERR_PNPM_\w+)/,
  /^make(?:\[\d+\])?: \*\*\* /,
  /^Node\.js v\d+/,
  /^\[nodemon\] /,
  /^error: script ".*" exited with code \d+/,
  /^\[?(?:Process finished|Process exited|process exited) with (?:exit )?code -?\d+\]?$/,
  /^exit status \d+$/,
  /^FAIL(?:\s*$|\t)/,
  /^(?:BUILD FAILED|FAILURE: Build failed|\* What went wrong:|\* Try:|> Task |> Run with|Execution failed for task|> Process 'command|\d+ actionable tasks?)/,
  /^(?:##\[error\])?(?:Error: )?Process completed with exit code \d+/,
  /^ERROR: Job failed: exit code \d+/,
  /^note: (?:run with `RUST_BACKTRACE|Some details are omitted)/,
  /^\(Use `node --trace-/,
  /^(?:Give Feedback \/ Get Help|LiteLLM\.Info:)/,
  /^[\w.-]+(?:[-_]\d+)? exited with code \d+$/,
  /^Container \S+\s+(?:Stopping|Stopped|Starting|Started|Removing|Removed)$/,
  /A complete log of this run can be found in/,
];

// Frames are short; a long line is a message, and skipping it keeps the frame patterns cheap.
const MAX_FRAME_LENGTH = 400;

function kindOf(body: string, text: string): LineKind {
  if (text === '') return 'blank';
  if (body.length <= MAX_FRAME_LENGTH && FRAME.some((p) => p.test(body))) return 'frame';
  if (NOISE.some((p) => p.test(text))) return 'noise';
  return 'content';
}

const indentOf = (line: string): number => line.length - line.trimStart().length;

/**
 * Source lines that tracebacks echo (Python under `File "…", line N`, Node under `file.js:N`)
 * show code, not what happened: `if status == 429:` must not read as a rate limit.
 */
function markEchoedSource(lines: LogLine[]): void {
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (/^\s*File "[^"]*", line \d+/.test(line.body)) {
      const base = indentOf(line.body);
      for (let j = i + 1; j < lines.length; j += 1) {
        const next = lines[j]!;
        if (next.kind === 'blank' || indentOf(next.body) <= base || /^\s*File "/.test(next.body)) break;
        if (next.kind === 'content') next.kind = 'code';
      }
    } else if (/^(?:file:\/\/|node:|\/)[^\s:]+:\d+$/.test(line.body)) {
      // The echoed source ends at the caret line under it (or a blank line).
      for (let j = i + 1; j < lines.length && lines[j]!.kind !== 'blank'; j += 1) {
        if (/^\s*[~^]+\s*$/.test(lines[j]!.body)) break;
        if (lines[j]!.kind === 'content') lines[j]!.kind = 'code';
      }
    }
  }
}

/** The tail as lines, classified. Accepts any text: binary junk just gives odd content lines. */
export function toLines(tail: string): LogLine[] {
  const lines: LogLine[] = tail
    .replace(ANSI, '')
    .split(/\r\n|\r|\n/)
    .map((line, index) => {
      const raw = line.trimEnd();
      const { body, logged } = stripPrefix(raw);
      const text = body.trim();
      return { index, raw, body, text, logged, kind: kindOf(body, text) };
    });
  markEchoedSource(lines);
  return lines;
}
