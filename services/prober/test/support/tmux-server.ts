import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Fails with a clear message when tmux is missing: a tmux test must never pass without tmux. */
export function requireTmux(): string {
  try {
    return execFileSync('tmux', ['-V'], { encoding: 'utf8' }).trim();
  } catch (err) {
    throw new Error(`these tests need tmux on PATH (apt-get install tmux): ${(err as Error).message}`);
  }
}

let counter = 0;

/**
 * A private tmux server, so tests never touch the user's: by default on a socket path in a temp
 * dir (`tmux -S`), or on a socket name (`tmux -L`) to test that form. Its config sets
 * remain-on-exit when asked, so a crashed pane stays to be looked at.
 */
export class TmuxServer {
  private readonly dir = mkdtempSync(join(tmpdir(), 'srtest-tmux-'));
  private readonly conf = join(this.dir, 'tmux.conf');
  /** The socket path, or the socket name with `byName`. */
  readonly socket: string;
  private readonly socketArgs: string[];

  constructor(o: { remainOnExit?: boolean; byName?: boolean } = {}) {
    writeFileSync(this.conf, o.remainOnExit ? 'set-option -g remain-on-exit on\n' : '');
    this.socket = o.byName ? `srtest-${process.pid}-${++counter}` : join(this.dir, 'sock');
    this.socketArgs = o.byName ? ['-L', this.socket] : ['-S', this.socket];
  }

  tmux(...args: string[]): string {
    return execFileSync('tmux', [...this.socketArgs, '-f', this.conf, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** A detached session running `command` in its first pane. */
  newSession(name: string, command: string): void {
    this.tmux('new-session', '-d', '-s', name, '-x', '80', '-y', '24', command);
  }

  panePid(session: string): number {
    return Number(this.tmux('list-panes', '-t', `=${session}`, '-F', '#{pane_pid}').trim().split('\n')[0]);
  }

  /** The runtime ref of a session on this server. */
  ref(session: string): string {
    return `${this.socket}:${session}`;
  }

  dispose(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // No server was started, or it is gone already.
    }
    rmSync(this.dir, { recursive: true, force: true });
    // tmux leaves a named socket behind in its own directory.
    if (this.socketArgs[0] === '-L') rmSync(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid!()}`, this.socket), { force: true });
  }
}
