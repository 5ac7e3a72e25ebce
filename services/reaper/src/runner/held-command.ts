import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';

/**
 * The claim must name the runner's pid and start time, yet the task (its id and payload, which the
 * command gets in its environment) is only known once the claim succeeded. So the command is
 * started held: `sh` waits for a line on fd 3, then sources the task's variables, removes the file
 * that held them, and runs the command as its child. The claim names the shell, which lives exactly
 * as long as the work: it tells the wrapper the command's exit status on fd 4, then waits for a
 * second line on fd 3, written once the exit has been reported. Between the command's exit and the
 * report a probe therefore still sees the runner alive, and a command that finished is never taken
 * for a crash. If the wrapper dies, fd 3 reads end-of-file (or fd 4 raises SIGPIPE) and the shell
 * leaves at once, so the probes find the runner gone as they should.
 *
 * The shell traps the stop signals with a no-op, so a signal sent to the group reaches the command
 * (handlers are reset by exec, unlike ignored signals) while the shell stays to report its end. The
 * command itself is never parsed by the shell: it runs as `"$0" "$@"`, argv as given, with fds 3
 * and 4 closed. With no task, fd 3 is closed unwritten and the shell exits 125 without running
 * anything.
 */
const HOLD_SCRIPT = [
  'read -r _ <&3 || exit 125',
  '. "$1"; rm -f -- "$1"; shift',
  'trap : HUP INT QUIT TERM',
  '"$0" "$@" 3<&- 4>&-',
  's=$?',
  'echo "$s" >&4',
  'exec 4>&-',
  'read -r _ <&3',
  'exit "$s"',
].join('\n');
const RELEASE_FD = 3;
const EXIT_FD = 4;
/** sh reports a command killed by signal n as status 128 + n. */
const SIGNAL_STATUS_BASE = 128;

export interface HeldCommandOptions {
  command: string;
  args: string[];
  /** File descriptors the command writes its stdout and stderr to. */
  stdoutFd: number;
  stderrFd: number;
  env: NodeJS.ProcessEnv;
  /** Where the task's variables are written at release (mode 0600); an absolute path. Removed once read. */
  envFile: string;
  /** Default `/bin/sh`. */
  shell?: string;
}

export interface CommandExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface HeldCommand {
  /** The holding shell's pid: the runner the claim names. It outlives the command until finish(). */
  readonly pid: number;
  /** The command's exit (or the shell's, if the command never ran). */
  readonly exited: Promise<CommandExit>;
  /** True once the command (or the held shell) has exited: its pid is no longer ours to signal. */
  hasExited(): boolean;
  /** The exit has been reported (or will not be): let the holding shell go, and wait for it once the command has ended. */
  finish(): Promise<void>;
  /** Runs the command with these variables added to its environment. */
  release(vars: Record<string, string>): void;
  /** Sends a signal to the command's process group (it leads one); false once it has exited. */
  signal(signal: NodeJS.Signals): boolean;
  /** No task came: the command never runs. */
  abandon(): Promise<CommandExit>;
}

/**
 * Starts the command held (see HOLD_SCRIPT). It gets a session of its own (setsid): a terminal's
 * SIGINT or SIGHUP does not reach it directly, the wrapper forwards what should reach it, and it
 * outlives the wrapper's death. stdin is the wrapper's own.
 */
export function spawnHeld(options: HeldCommandOptions): HeldCommand {
  const shell = options.shell ?? '/bin/sh';
  const child = spawn(shell, ['-c', HOLD_SCRIPT, options.command, options.envFile, ...options.args], {
    stdio: ['inherit', options.stdoutFd, options.stderrFd, 'pipe', 'pipe'],
    env: options.env,
    detached: true,
  });
  if (child.pid === undefined) {
    child.on('error', () => undefined);
    throw new Error(`could not start ${shell} to hold the command`);
  }
  const pid = child.pid;
  const gate = child.stdio[RELEASE_FD] as Writable;
  // A command that died while held makes the release write fail: its exit is reported instead.
  gate.on('error', () => undefined);
  const status = child.stdio[EXIT_FD] as Readable;
  status.setEncoding('utf8');
  let done = false;
  let shellGone = false;
  const shellExited = new Promise<CommandExit>((resolve) => {
    child.once('exit', (code, signal) => {
      shellGone = true;
      resolve({ code, signal });
    });
  });
  const exited = (async (): Promise<CommandExit> => {
    let line = '';
    for await (const chunk of status) line += chunk as string;
    const exit = /^\d+\s*$/.test(line) ? commandExit(Number(line.trim())) : await shellExited;
    done = true;
    return exit;
  })();
  const signalGroup = (sig: NodeJS.Signals): boolean => {
    if (done || shellGone) return false;
    try {
      process.kill(-pid, sig);
      return true;
    } catch {
      // The group is gone but the exit not yet seen; or the command left its group: try the pid.
      try {
        process.kill(pid, sig);
        return true;
      } catch {
        return false;
      }
    }
  };
  return {
    pid,
    exited,
    hasExited: () => done,
    release(vars) {
      writeFileSync(options.envFile, envScript(vars), { mode: 0o600 });
      gate.write('go\n');
    },
    async finish() {
      gate.end('reported\n');
      // A command still running (the wrapper gave up around it) keeps its shell until it ends.
      if (done) await shellExited;
    },
    signal: signalGroup,
    async abandon() {
      gate.destroy();
      if (!shellGone) child.kill('SIGKILL');
      return exited;
    },
  };
}

/** The command's exit from the status sh gave it: 128 + n is death by signal n. */
function commandExit(status: number): CommandExit {
  if (status > SIGNAL_STATUS_BASE) {
    const signal = Object.entries(constants.signals).find(([, n]) => n === status - SIGNAL_STATUS_BASE)?.[0];
    if (signal) return { code: null, signal: signal as NodeJS.Signals };
  }
  return { code: status, signal: null };
}

/** `export NAME='value'` lines; a single quote inside a value is closed, escaped and reopened. */
export function envScript(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([name, value]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a variable name: ${JSON.stringify(name)}`);
      if (value.includes('\0')) throw new Error(`${name}: an environment value cannot hold a NUL character`);
      return `export ${name}='${value.replaceAll("'", `'\\''`)}'\n`;
    })
    .join('');
}
