import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private directory (0700) for one run: the command's stdout and stderr go to files here rather
 * than to pipes, so that the command keeps running, and keeps writing, if the wrapper dies (a pipe
 * with no reader would kill it with SIGPIPE or EPIPE at its next write). The wrapper follows the files.
 * Removed when the run ends; a wrapper killed outright leaves it behind, with the command's output.
 */
export class RunDir {
  readonly path: string;
  readonly stdoutPath: string;
  readonly stderrPath: string;
  readonly envPath: string;

  constructor(parent: string = tmpdir()) {
    this.path = mkdtempSync(join(parent, 'smart-reap-run-'));
    this.stdoutPath = join(this.path, 'stdout.log');
    this.stderrPath = join(this.path, 'stderr.log');
    this.envPath = join(this.path, 'task.env');
  }

  /** Opens the output files for the command; close them once it has them. */
  openOutputs(): { stdoutFd: number; stderrFd: number; close(): void } {
    const stdoutFd = openSync(this.stdoutPath, 'a', 0o600);
    const stderrFd = openSync(this.stderrPath, 'a', 0o600);
    return {
      stdoutFd,
      stderrFd,
      close() {
        closeSync(stdoutFd);
        closeSync(stderrFd);
      },
    };
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}
