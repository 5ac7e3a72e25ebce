import { describe, expect, it } from 'vitest';
import { exitVerdict, exitVerdictInText, normalizeSignal } from '../../../src/domain/classifier/exit-status.js';

describe('normalizeSignal', () => {
  it.each([
    ['SIGKILL', 'SIGKILL'],
    ['kill', 'SIGKILL'],
    [' sigterm ', 'SIGTERM'],
    ['9', 'SIGKILL'],
    ['11', 'SIGSEGV'],
    ['', undefined],
    [undefined, undefined],
  ])('%s → %s', (input, expected) => {
    expect(normalizeSignal(input)).toBe(expected);
  });
});

describe('exitVerdict', () => {
  it('reads 128+n as signal n', () => {
    expect(exitVerdict(137, undefined)).toMatchObject({ crashType: 'killed', sigkill: true, external: true, label: 'exit code 137 (SIGKILL)' });
    expect(exitVerdict(139, undefined)).toMatchObject({ crashType: 'segfault', label: 'exit code 139 (SIGSEGV)' });
    expect(exitVerdict(143, undefined)).toMatchObject({ crashType: 'killed', external: true });
    expect(exitVerdict(134, undefined)).toMatchObject({ crashType: 'panic' });
    expect(exitVerdict(135, undefined)).toMatchObject({ crashType: 'segfault' });
  });

  it("reads Python's negative return codes as signals", () => {
    expect(exitVerdict(-11, undefined)).toMatchObject({ crashType: 'segfault', label: 'exit code -11 (SIGSEGV)' });
    expect(exitVerdict(-15, undefined)).toMatchObject({ crashType: 'killed' });
  });

  it('prefers the signal to the exit code', () => {
    expect(exitVerdict(1, 'SIGSEGV')).toMatchObject({ crashType: 'segfault', label: 'exit code 1, signal SIGSEGV' });
  });

  it('knows timeout(1), Rust and Windows exit codes', () => {
    expect(exitVerdict(124, undefined)?.crashType).toBe('timeout');
    expect(exitVerdict(101, undefined)?.crashType).toBe('panic');
    expect(exitVerdict(3221225477, undefined)?.crashType).toBe('segfault');
    expect(exitVerdict(-1073741819, undefined)?.crashType).toBe('segfault');
    expect(exitVerdict(-532462766, undefined)?.crashType).toBe('unhandled_exception');
  });

  it('says nothing about ordinary failures or unknown signals', () => {
    expect(exitVerdict(1, undefined)).toBeUndefined();
    expect(exitVerdict(2, undefined)).toBeUndefined();
    expect(exitVerdict(undefined, undefined)).toBeUndefined();
    expect(exitVerdict(undefined, 'SIGUSR1')).toBeUndefined();
    expect(exitVerdict(141, undefined)).toBeUndefined(); // SIGPIPE: the reader went away, no crash
  });
});

describe('exitVerdictInText', () => {
  it.each([
    ['agent-1 exited with code 137', 'killed'],
    ['      Exit Code:    143', 'killed'],
    ['make: *** [Makefile:2: run] Error 139', 'segfault'],
    ['npm ERR! errno 134', 'panic'],
    ["subprocess.CalledProcessError: Command 'x' returned non-zero exit status 124.", 'timeout'],
  ])('%s', (line, crashType) => {
    expect(exitVerdictInText(line)?.crashType).toBe(crashType);
  });

  it('ignores exit statuses that say nothing', () => {
    expect(exitVerdictInText('error Command failed with exit code 1.')).toBeUndefined();
    expect(exitVerdictInText('processed 137 files')).toBeUndefined();
  });

  it.each([
    ['make: *** [Makefile:2: run] Killed', 'SIGKILL', 'killed'],
    ['make[1]: *** [build] Terminated', 'SIGTERM', 'killed'],
    ['make: *** [Makefile:2: run] Segmentation fault (core dumped)', 'SIGSEGV', 'segfault'],
    ['job.sh: line 2:  8530 Alarm clock             perl -e "alarm 1; sleep 5"', 'SIGALRM', 'timeout'],
    ['run.sh: line 14: 901 Bus error               ./decode', 'SIGBUS', 'segfault'],
  ])("reads a tool's strsignal name after its own prefix: %s", (line, signal, crashType) => {
    expect(exitVerdictInText(line)).toMatchObject({ crashType, label: `signal ${signal}` });
  });

  it.each([
    ['converter exited with returncode -11', 'segfault'],
    ['worker failed: exit status -9', 'killed'],
    ['child stopped: code=-15', 'killed'],
    ['step failed (rc=-6)', 'panic'],
  ])('reads a negative return code as the signal it stands for: %s', (line, crashType) => {
    expect(exitVerdictInText(line)?.crashType).toBe(crashType);
  });

  it('reads neither bare strsignal words nor -1 as a death by signal', () => {
    expect(exitVerdictInText('Killed 3 zombie children')).toBeUndefined();
    expect(exitVerdictInText('the build was Terminated early by the operator note')).toBeUndefined();
    expect(exitVerdictInText('step build finished exit=-1 code=-1')).toBeUndefined();
  });
});
