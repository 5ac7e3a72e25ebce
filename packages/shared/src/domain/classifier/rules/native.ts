import type { Rule } from '../types.js';
import { gist } from '../gist.js';

const segv = 'The process crashed with a segmentation fault (SIGSEGV)';

/** Deaths by a fault signal in native code. */
export const segfaultRules: Rule[] = [
  {
    id: 'bun-panic-segv',
    crashType: 'segfault',
    weight: 0.97,
    pattern: /panic(?:\([^)]*\))?: Segmentation fault/,
    summary: 'Bun crashed with a segmentation fault (panic: Segmentation fault)',
  },
  {
    // faulthandler names the fault signal it caught: SIGSEGV, SIGBUS, SIGFPE and SIGILL alike.
    id: 'python-fatal-segv',
    crashType: 'segfault',
    weight: 0.97,
    pattern: /Fatal Python error: (Segmentation fault|Bus error|Floating point exception|Illegal instruction)/,
    summary: (m) => `Python crashed with a native fault (Fatal Python error: ${m[1]})`,
  },
  {
    // Go turns a fault in Go code into a `panic: runtime error` (a panic rule's); a fault it cannot
    // recover — in C code under cgo, through an unsafe pointer — ends as one of these fatal errors:
    // a native crash, whatever Go's `[signal SIGSEGV …]` line under it says (go-signal: 0.9, +0.03 for
    // the goroutine dump agreeing).
    id: 'go-fatal-fault',
    crashType: 'segfault',
    weight: 0.97,
    pattern: /^fatal error: (?:unexpected signal during runtime execution|fault)$|^unexpected fault address 0x[0-9a-f]+$/,
    summary: (m) => `The Go program crashed with a native fault (${gist(m[0], 80)})`,
  },
  { id: 'segmentation-fault', crashType: 'segfault', weight: 0.93, pattern: /[Ss]egmentation fault/, summary: segv },
  {
    id: 'kernel-segfault',
    crashType: 'segfault',
    weight: 0.95,
    pattern: /([\w.-]{1,64})\[\d+\]: segfault at [0-9a-f]+ ip\b/,
    summary: (m) => `${m[1]} crashed with a segmentation fault (kernel: segfault at …)`,
  },
  {
    id: 'asan-segv',
    crashType: 'segfault',
    weight: 0.95,
    pattern: /AddressSanitizer: SEGV|AddressSanitizer:DEADLYSIGNAL/,
    summary: 'The process crashed with a segmentation fault (AddressSanitizer: SEGV)',
  },
  {
    id: 'asan-corruption',
    crashType: 'segfault',
    weight: 0.9,
    pattern:
      /AddressSanitizer: (?:heap-buffer-overflow|stack-buffer-overflow|global-buffer-overflow|heap-use-after-free|stack-use-after-return|use-after-poison|double-free|attempting free)/,
    summary: (m) => `Memory corruption caught by ${m[0]}`,
  },
  {
    // Go prints `[signal SIGSEGV: segmentation violation …]` inside its own panics: that one is a
    // Go panic (see the panic rules), not a native crash.
    id: 'sigsegv',
    crashType: 'segfault',
    weight: 0.88,
    pattern: /(?<!\[signal )\bSIGSEGV\b|status=11\/SEGV|\bsignal 11\b|\(signal: 11\b|\bsignal: segmentation fault/,
    summary: segv,
  },
  {
    id: 'access-violation',
    crashType: 'segfault',
    weight: 0.9,
    pattern: /\bEXC_BAD_ACCESS\b|Access ?violation|\b0xC0000005\b|STATUS_ACCESS_VIOLATION/i,
    summary: (m) => `The process crashed with an access violation (${m[0]})`,
  },
  {
    id: 'bus-error',
    crashType: 'segfault',
    weight: 0.85,
    pattern: /\bBus error\b|\bSIGBUS\b|signal: bus error|status=7\/BUS/,
    summary: 'The process crashed with a bus error (SIGBUS)',
  },
  {
    id: 'sigfpe',
    crashType: 'segfault',
    weight: 0.65,
    pattern: /Floating point exception|\bSIGFPE\b|status=8\/FPE/,
    summary: 'The process crashed with an arithmetic fault (SIGFPE)',
  },
  {
    id: 'sigill',
    crashType: 'segfault',
    weight: 0.6,
    pattern: /Illegal instruction|\bSIGILL\b|status=4\/ILL/,
    summary: 'The process crashed with an illegal instruction (SIGILL)',
  },
];

const goPanic = (m: RegExpExecArray): string => `Go panic: ${gist(m[1] ?? m[0], 110)}`;

/** Runtimes giving up on purpose: Go and Rust panics, C++ terminate, aborts, failed assertions. */
export const panicRules: Rule[] = [
  {
    id: 'go-nil-pointer',
    crashType: 'panic',
    weight: 0.93,
    pattern: /invalid memory address or nil pointer dereference/,
    summary: 'Go panic: invalid memory address or nil pointer dereference',
  },
  {
    id: 'go-signal',
    crashType: 'panic',
    weight: 0.9,
    pattern: /^\[signal (SIG\w+): .*\bcode=\S+ addr=\S+ pc=\S+\]/,
    summary: (m) => `Go panic with ${m[1]} (${gist(m[0], 80)})`,
  },
  {
    id: 'go-runtime-error',
    crashType: 'panic',
    weight: 0.88,
    pattern: /\bruntime error: (.*)/,
    summary: (m) => `Go panic: runtime error: ${gist(m[1] ?? '', 100)}`,
  },
  {
    id: 'go-fatal-specific',
    crashType: 'panic',
    weight: 0.9,
    pattern:
      /^fatal error: (all goroutines are asleep - deadlock!|concurrent map (?:writes|read and map write|iteration and map write)|stack overflow|sync: .*)/,
    summary: (m) => `Go fatal error: ${gist(m[1] ?? '', 110)}`,
  },
  {
    id: 'go-fatal',
    crashType: 'panic',
    weight: 0.8,
    // Not the faults (go-fatal-fault) nor running out of memory (go-oom): those say what happened.
    pattern: /^fatal error: (?!unexpected signal during runtime execution$|fault$|(?:runtime: )?out of memory)(.*)/,
    summary: (m) => `Fatal error: ${gist(m[1] ?? '', 110)}`,
  },
  { id: 'go-panic', crashType: 'panic', weight: 0.82, pattern: /^panic: (?!Segmentation fault)(.*)/, summary: goPanic },
  {
    id: 'zig-panic',
    crashType: 'panic',
    weight: 0.82,
    pattern: /^thread \d+ panic: (.*)/,
    summary: (m) => `Panic: ${gist(m[1] ?? '', 110)}`,
  },
  {
    id: 'go-goroutine-dump',
    crashType: 'panic',
    weight: 0.7,
    pattern: /^goroutine \d+ (?:gp=\S+ m=\S+ (?:mp=\S+ )?)?\[[^\]]+\]:$/,
    summary: 'Go panic (goroutine dump)',
  },
  {
    id: 'rust-panic',
    crashType: 'panic',
    weight: 0.88,
    pattern: /thread '([^']*)'(?: \(\d+\))? panicked at (?:'((?:[^']|'(?!, ))*)', )?.*?(:?)$/,
    // Rust ≥ 1.73 puts the message on the line after `panicked at file:line:col:`.
    summary: (m, _line, context, at) => {
      const message = m[2] ?? (m[3] ? context.lineAfter(at) : undefined);
      return `Rust thread '${m[1]}' panicked${message ? `: ${gist(message, 100)}` : ''}`;
    },
  },
  {
    id: 'stack-overflow',
    crashType: 'panic',
    weight: 0.9,
    pattern: /has overflowed its stack|fatal runtime error: stack overflow|^Stack overflow\.$|StackOverflowException/,
    summary: 'Stack overflow: the thread overflowed its stack',
  },
  {
    id: 'rust-fatal-runtime',
    crashType: 'panic',
    weight: 0.85,
    pattern: /^fatal runtime error: (.*)/,
    summary: (m) => `Rust fatal runtime error: ${gist(m[1] ?? '', 100)}`,
  },
  {
    id: 'rust-backtrace-note',
    crashType: 'panic',
    weight: 0.6,
    pattern: /note: run with `RUST_BACKTRACE=1`/,
    summary: 'Rust panic',
  },
  {
    id: 'cargo-exit-101',
    crashType: 'panic',
    weight: 0.7,
    pattern: /process didn't exit successfully: .*\(exit (?:status|code): 101\)/,
    summary: 'Rust panic (the binary exited with 101)',
  },
  {
    id: 'cpp-terminate',
    crashType: 'panic',
    weight: 0.88,
    pattern:
      /terminate called after throwing an instance of '([^']+)'|terminate called without an active exception|terminate called recursively|libc\+\+abi: terminating(?: due to uncaught exception of type ([\w:<>]+))?/,
    summary: (m) =>
      m[1] || m[2] ? `Uncaught C++ exception ${m[1] ?? m[2]} (terminate called)` : `C++ runtime terminated the process (${m[0]})`,
  },
  {
    id: 'cpp-what',
    crashType: 'panic',
    weight: 0.6,
    pattern: /^what\(\):\s+(.*)/,
    summary: (m) => `Uncaught C++ exception: ${gist(m[1] ?? '', 100)}`,
  },
  {
    id: 'assertion',
    crashType: 'panic',
    weight: 0.85,
    pattern: /Assertion [`'].*' failed\.?|\bassertion failed[:!]/i,
    summary: (m) => `Assertion failed: ${gist(m[0], 110)}`,
  },
  {
    id: 'glibc-corruption',
    crashType: 'panic',
    weight: 0.85,
    pattern:
      /double free or corruption|free\(\): (?:invalid pointer|double free detected|invalid size|invalid next size)|malloc\(\): (?:corrupted|memory corruption|unaligned)|corrupted size vs\. prev_size|munmap_chunk\(\): invalid pointer|\*\*\* stack smashing detected \*\*\*/,
    summary: (m) => `glibc detected heap corruption and aborted (${m[0]})`,
  },
  {
    id: 'python-fatal',
    crashType: 'panic',
    weight: 0.85,
    pattern: /^Fatal Python error: (?!Segmentation fault|Bus error|Floating point exception|Illegal instruction)(.*)/,
    summary: (m) => `Fatal Python error: ${gist(m[1] ?? '', 100)}`,
  },
  {
    id: 'v8-fatal',
    crashType: 'panic',
    weight: 0.8,
    pattern: /^FATAL ERROR: (?!.*(?:heap|[Aa]llocation failed|out of memory))(.*)|^# Fatal error in /,
    summary: (m) => `Fatal V8 error: ${gist(m[1] ?? m[0], 100)}`,
  },
  {
    id: 'swift-fatal',
    crashType: 'panic',
    weight: 0.82,
    // Swift's runtime traps print `Sources/App/File.swift:73: Fatal error: …` before dying of SIGILL/SIGTRAP.
    pattern: /^(?:\S+\.swift:\d+: )?Fatal error: (?!\s*Uncaught)(.*)/,
    summary: (m) => `Fatal error: ${gist(m[1] ?? '', 110)}`,
  },
  {
    id: 'jvm-fatal',
    crashType: 'panic',
    weight: 0.7,
    pattern: /# A fatal error has been detected by the Java Runtime Environment/,
    summary: 'The JVM crashed (fatal error report)',
  },
  {
    id: 'bun-crash',
    crashType: 'panic',
    weight: 0.75,
    pattern: /Bun has crashed|^panic\(main thread\): (?!Segmentation fault)/,
    summary: 'Bun crashed',
  },
  {
    id: 'aborted',
    crashType: 'panic',
    weight: 0.55,
    // The shell's report of a SIGABRT death: `Aborted (core dumped)` or `line 1: 4242 Aborted  cmd`.
    pattern: /(?:^|\s\d+\s+)Aborted(?:\s+\(core dumped\))?(?:\s|$)|\bSIGABRT\b|signal: aborted|status=6\/ABRT|\bsignal 6\b/,
    summary: 'The process aborted (SIGABRT)',
  },
];
