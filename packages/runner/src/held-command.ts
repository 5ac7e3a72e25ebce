import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { Writable } from 'node:stream';

/**
 * The claim must name the runner's pid and start time, yet the task (its id and payload, which the
 * command gets in its environment) is only known once the claim succeeded. So the command is
 * started held: `sh` waits for a line on fd 3, then sources the task's variables, removes the file
 * that held them, and execs the command. exec keeps the pid and the start time: the pid the claim
 * names, read while the shell waited, is the command's own process, and killing it kills the work.
 * The command is never parsed by the shell: it runs as `"$0" "$@"`, argv as given, with fd 3
 * closed. With no task, fd 3 is closed unwritten and the shell exits 125 without running anything;
 * if the wrapper dies while the shell waits, fd 3 reads end-of-file and the shell leaves the same way.
 *
 * Between the command's exit and the wrapper's report a probe may find the pid gone: the claim
 * names the wrapper as the reporter of the exit, so that probe reads `unknown` while the wrapper
 * lives (readExitReport), and a finished task is not taken for a crash.
 */
const HOLD_SCRIPT = ['read -r _ <&3 || exit 125', '. "$1"; rm -f -- "$1"; shift', 'exec "$0" "$@" 3<&-'].join('\n');
const RELEASE_FD = 3;

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
  /** The pid the command runs as once released (the holding shell's until then: exec keeps it). */
  readonly pid: number;
  /**
   * The command's exit (or the held shell's, if the command never ran). Whatever the command left
   * running in its process group is SIGKILLed as it exits: the task's work ends with its command.
   */
  readonly exited: Promise<CommandExit>;
  /** True once the command (or the held shell) has exited: its pid is no longer ours to signal. */
  hasExited(): boolean;
  /** True when processes of the command's group were still running at its exit (and were killed). */
  leftoversKilled(): boolean;
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
 * outlives the wrapper's death (the probes then watch it by its pid). stdin is the wrapper's own.
 */
export function spawnHeld(options: HeldCommandOptions): HeldCommand {
  const shell = options.shell ?? '/bin/sh';
  const child = spawn(shell, ['-c', HOLD_SCRIPT, options.command, options.envFile, ...options.args], {
    stdio: ['inherit', options.stdoutFd, options.stderrFd, 'pipe'],
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
  let done = false;
  let leftovers = false;
  const exited = new Promise<CommandExit>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      leftovers = killGroup(pid);
      resolve({ code, signal });
    });
  });
  return {
    pid,
    exited,
    hasExited: () => done,
    leftoversKilled: () => leftovers,
    release(vars) {
      writeFileSync(options.envFile, envScript(vars), { mode: 0o600 });
      gate.end('go\n');
    },
    signal(sig) {
      if (done) return false;
      try {
        process.kill(-pid, sig);
        return true;
      } catch {
        // The command left its group: try its pid.
        try {
          process.kill(pid, sig);
          return true;
        } catch {
          return false;
        }
      }
    },
    async abandon() {
      gate.destroy();
      if (!done) child.kill('SIGKILL');
      return exited;
    },
  };
}

/** SIGKILLs what is left of the process group the command led; true when something was. */
function killGroup(pgid: number): boolean {
  try {
    process.kill(-pgid, 'SIGKILL');
    return true;
  } catch {
    return false; // ESRCH: nothing left
  }
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
