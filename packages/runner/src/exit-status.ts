import { constants } from 'node:os';
import type { CommandExit } from './held-command.js';

/**
 * `reaper run`'s own exit codes when it has no command exit to mirror (sysexits.h values, so they
 * rarely collide with a program's own codes; a program that exits with one of them is mirrored all
 * the same).
 */
export const RUN_EXIT = {
  /** No task of the kind was waiting (without --wait). EX_TEMPFAIL: try again later. */
  noTask: 75,
  /** The API could not be reached, or refused the claim or the final report. EX_UNAVAILABLE. */
  apiUnavailable: 69,
  /** The task was taken from this runner (409: reaped, cancelled, fenced): the command was stopped. EX_NOPERM. */
  fenced: 77,
  /** The wrapper could not run the command at all. EX_OSERR. */
  cannotRun: 71,
} as const;

/** The shell's convention: the exit code, or 128 + the signal's number. */
export function exitCodeOf(exit: CommandExit): number {
  if (exit.code !== null) return exit.code;
  const signo = exit.signal ? constants.signals[exit.signal] : undefined;
  return signo === undefined ? 1 : 128 + signo;
}

/** `exited with code 3`, `was killed by SIGSEGV`. */
export function describeExit(exit: CommandExit): string {
  if (exit.code !== null) return `exited with code ${exit.code}`;
  return exit.signal ? `was killed by ${exit.signal}` : 'ended without an exit code or a signal';
}

/** The exit code for a wrapper stopped by a signal before the command ran (130 for SIGINT, 143 for SIGTERM). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return exitCodeOf({ code: null, signal });
}
