import type { CrashType } from '../../schemas/diagnosis.js';

/** Linux signal numbers, for exit codes in the shell's 128+n convention and Python's -n. */
const SIGNAL_NAMES: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  6: 'SIGABRT',
  7: 'SIGBUS',
  8: 'SIGFPE',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
  24: 'SIGXCPU',
};

export interface ExitVerdict {
  crashType: CrashType;
  weight: number;
  summary: string;
  /** How the exit was seen, e.g. `exit code 137 (SIGKILL)`. */
  label: string;
  sigkill?: boolean;
  /** A signal sent from outside: the process did not die of what it printed last. */
  external?: boolean;
}

interface SignalMeaning {
  crashType: CrashType;
  weight: number;
  summary: string;
  sigkill?: boolean;
  external?: boolean;
}

const BY_SIGNAL: Record<string, SignalMeaning> = {
  SIGKILL: {
    crashType: 'killed',
    weight: 0.8,
    summary: 'Killed by SIGKILL from outside, with no memory evidence in the log',
    sigkill: true,
    external: true,
  },
  SIGTERM: { crashType: 'killed', weight: 0.8, summary: 'Terminated by SIGTERM from outside', external: true },
  SIGINT: { crashType: 'killed', weight: 0.78, summary: 'Interrupted from outside (SIGINT)', external: true },
  SIGHUP: { crashType: 'killed', weight: 0.75, summary: 'Hung up (SIGHUP)', external: true },
  SIGQUIT: { crashType: 'killed', weight: 0.7, summary: 'Quit from outside (SIGQUIT)', external: true },
  SIGSEGV: { crashType: 'segfault', weight: 0.9, summary: 'The process crashed with a segmentation fault (SIGSEGV)' },
  SIGBUS: { crashType: 'segfault', weight: 0.85, summary: 'The process crashed with a bus error (SIGBUS)' },
  SIGFPE: { crashType: 'segfault', weight: 0.65, summary: 'The process crashed with an arithmetic fault (SIGFPE)' },
  SIGILL: { crashType: 'segfault', weight: 0.6, summary: 'The process crashed with an illegal instruction (SIGILL)' },
  SIGABRT: { crashType: 'panic', weight: 0.55, summary: 'The process aborted (SIGABRT)' },
  SIGXCPU: { crashType: 'timeout', weight: 0.85, summary: 'The process ran out of its CPU time limit (SIGXCPU)' },
  SIGALRM: { crashType: 'timeout', weight: 0.7, summary: 'An alarm ended the process (SIGALRM)' },
};

/** Exit codes that mean something by themselves. */
const BY_CODE: Record<number, SignalMeaning> = {
  124: {
    crashType: 'timeout',
    weight: 0.85,
    summary: 'The timeout command stopped the work at its deadline (exit 124)',
  },
  101: { crashType: 'panic', weight: 0.45, summary: 'Rust panic (exit 101)' },
  // Windows NTSTATUS codes, unsigned and as the signed 32-bit integers some runners report.
  3221225477: {
    crashType: 'segfault',
    weight: 0.85,
    summary: 'The process crashed with an access violation (0xC0000005)',
  },
  [-1073741819]: { crashType: 'segfault', weight: 0.85, summary: 'The process crashed with an access violation (0xC0000005)' },
  3221225725: { crashType: 'segfault', weight: 0.75, summary: 'The process overflowed its stack (0xC00000FD)' },
  [-1073741571]: { crashType: 'segfault', weight: 0.75, summary: 'The process overflowed its stack (0xC00000FD)' },
  3762504530: { crashType: 'unhandled_exception', weight: 0.6, summary: 'Unhandled .NET exception (0xE0434352)' },
  [-532462766]: { crashType: 'unhandled_exception', weight: 0.6, summary: 'Unhandled .NET exception (0xE0434352)' },
};

/** `SIGKILL`, `KILL`, `sigkill`, `9` → `SIGKILL`. */
export function normalizeSignal(signal: string | undefined): string | undefined {
  if (signal === undefined) return undefined;
  const s = signal.trim().toUpperCase();
  if (s === '') return undefined;
  if (/^\d+$/.test(s)) return SIGNAL_NAMES[Number(s)] ?? `SIG${s}`;
  return s.startsWith('SIG') ? s : `SIG${s}`;
}

/** The signal an exit code stands for: 128+n from a shell, -n from Python's subprocess. */
function signalOfExitCode(exitCode: number): string | undefined {
  if (exitCode > 128 && exitCode < 128 + 32) return SIGNAL_NAMES[exitCode - 128];
  if (exitCode < 0 && exitCode > -32) return SIGNAL_NAMES[-exitCode];
  return undefined;
}

/** What the exit status says about the death, if anything (exit 1 says nothing). */
export function exitVerdict(exitCode: number | undefined, signal: string | undefined): ExitVerdict | undefined {
  const named = normalizeSignal(signal);
  const code = Number.isInteger(exitCode) ? exitCode : undefined;
  if (named) {
    const meaning = BY_SIGNAL[named];
    if (meaning) return { ...meaning, label: code !== undefined ? `exit code ${code}, signal ${named}` : `signal ${named}` };
  }
  if (code === undefined) return undefined;
  const viaSignal = signalOfExitCode(code);
  const meaning = (viaSignal ? BY_SIGNAL[viaSignal] : undefined) ?? BY_CODE[code];
  if (!meaning) return undefined;
  return { ...meaning, label: viaSignal ? `exit code ${code} (${viaSignal})` : `exit code ${code}` };
}

// Exit statuses as wrappers print them: `exited with code 137`, `Exit Code: 143`, make's `Error 139`,
// docker ps's `Exited (137)`.
const EXIT_TEXT =
  /(?:\b(?:exit(?:ed)?(?: with)?(?: exit)? (?:code|status)|Exit Code|exit status|non-zero exit (?:value|status|code)|returned non-zero exit status|npm ERR! errno|Exited)|\*\*\* \[[^\]]*\] Error)[:=]?\s+\(?(-?\d+)\)?/i;

// Python supervisors print the child's returncode, negative for a signal: honcho's `web.1 stopped (rc=-9)`.
const RETURN_CODE = /\b(?:stopped|exited|died|finished) \(rc=(-?\d+)\)/;

// A negative return code in a runtime's own words is a death by signal N: Python's Popen
// `returncode -11`, `exit status -9`, `code=-9`, `rc=-6`. -1 is left out: it is the generic failure
// value of many APIs (`exit=-1`, `exitCode=-1`), not SIGHUP.
const NEGATIVE_CODE = /\b(?:returncode|return code|retcode|rc|exit ?code|exit status|code|status)\s*[=:]?\s*(-(?:[2-9]|[12]\d|3[01]))(?![\d.])/i;

// strsignal(3)'s names of the signals, as tini, bash and other supervisors print them.
const STRSIGNAL: Record<string, string> = {
  hangup: 'SIGHUP',
  interrupt: 'SIGINT',
  quit: 'SIGQUIT',
  'illegal instruction': 'SIGILL',
  aborted: 'SIGABRT',
  'bus error': 'SIGBUS',
  'floating point exception': 'SIGFPE',
  killed: 'SIGKILL',
  'segmentation fault': 'SIGSEGV',
  terminated: 'SIGTERM',
  'alarm clock': 'SIGALRM',
  'cpu time limit exceeded': 'SIGXCPU',
};

// A death by a signal told by number or by strsignal name, in a runtime's or a supervisor's own words:
// `exited with signal 9`, perl's `child died with signal 11`, Rust's `signal: 9 (SIGKILL)`, Ruby's
// `pid 42 SIGKILL (signal 9)`, tini's `exited with signal (with signal 'Terminated')`, Go's
// `received signal terminated`. The death word keeps "handler for signal 15 installed" out; names like
// SIGKILL need none of this (the rules match them anywhere).
const SIGNAL_DEATH = new RegExp(
  String.raw`\b(?:killed|terminated|died|dies|exited|exit(?:ed)? status|stopped|ended|crashed|received|got|caught)\b[^.;]{0,40}?` +
    String.raw`\bsignal\b[:\s]*[\[('"]?\s*(\d{1,2}|${Object.keys(STRSIGNAL).join('|')})\b`,
  'i',
);

// A tool reporting its child's death by the strsignal name after its own prefix: make's
// `make: *** [Makefile:2: run] Killed`, bash's `job.sh: line 2:  8530 Alarm clock   perl …`. The
// prefix is what says a child died: the bare words are log prose ("Killed 3 zombies").
const PREFIXED_STRSIGNAL = new RegExp(
  String.raw`(?:\*\*\* \[[^\]]*\]|\bline \d+:\s+\d+)\s+(${Object.keys(STRSIGNAL).join('|')})(?:\s|$)`,
  'i',
);

/** The signal a line says a process died of, by number or strsignal name; undefined if it says none. */
function signalInText(line: string): string | undefined {
  const prefixed = PREFIXED_STRSIGNAL.exec(line);
  if (prefixed) return STRSIGNAL[prefixed[1]!.toLowerCase()];
  const m = SIGNAL_DEATH.exec(line);
  if (!m) return undefined;
  const told = m[1]!.toLowerCase();
  return /^\d+$/.test(told) ? normalizeSignal(told) : STRSIGNAL[told];
}

/** An exit status or death signal printed in the log by a wrapper, read like the probe's own. */
export function exitVerdictInText(line: string): ExitVerdict | undefined {
  const m = EXIT_TEXT.exec(line) ?? RETURN_CODE.exec(line) ?? NEGATIVE_CODE.exec(line);
  if (m) return exitVerdict(Number(m[1]), undefined);
  const signal = signalInText(line);
  return signal ? exitVerdict(undefined, signal) : undefined;
}
