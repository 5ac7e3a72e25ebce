import { execFile } from 'node:child_process';
import { TmuxCommandError } from './tmux-command-error.js';
import { isAbort, socketArgs, type TmuxRef } from '@smart-reap/shared';

export interface TmuxOptions {
  /** The tmux binary. Default `tmux` from PATH. */
  tmuxPath?: string;
  /** Socket name (`tmux -L`) for refs that name none. Default: tmux's default server. */
  socketName?: string;
}

/** One pane of a session, as `list-panes` shows it. */
export interface TmuxPane {
  /** `window.pane`, e.g. `0.0`. */
  index: string;
  pid: number;
  dead: boolean;
  /** Exit code of the pane's command once tmux has reaped it (shown even before the pane reads dead). */
  deadStatus?: number;
  /** Signal number that killed the pane's command, once reaped (tmux ≥ 3.3). */
  deadSignal?: number;
}

// The messages tmux gives when the session, or its whole server, is not there.
const ABSENT = [
  /can't find (session|window|pane)/,
  /no server running on /,
  /error connecting to .* \((No such file or directory|Connection refused)\)/,
];

const PANE_FORMAT = '#{window_index}.#{pane_index} #{pane_pid} #{pane_dead} #{pane_dead_status} #{pane_dead_signal}';

/**
 * The tmux commands the prober needs. `list-panes` also answers whether the session exists, so
 * there is no `has-session` round trip. Sessions are targeted as `=name`: a bare name is a prefix
 * match in tmux, and `task-1` must never be answered by `task-12`. Every call is abortable; a
 * failure that says nothing about the session throws TmuxCommandError.
 */
export class TmuxClient {
  constructor(private readonly o: TmuxOptions = {}) {}

  /** The session's panes, first created first; undefined when the session is gone. */
  async listPanes(ref: TmuxRef, signal: AbortSignal): Promise<TmuxPane[] | undefined> {
    // The trailing colon makes the target a session: without it, a missing session falls back to
    // tmux's "best" session and answers with someone else's panes.
    const out = await this.run(ref, ['list-panes', '-s', '-t', `=${ref.session}:`, '-F', PANE_FORMAT], signal);
    if (out === 'absent') return undefined;
    return out.split('\n').filter(Boolean).map(parsePaneLine);
  }

  /** False when the session was already gone. */
  async killSession(ref: TmuxRef, signal: AbortSignal): Promise<boolean> {
    return (await this.run(ref, ['kill-session', '-t', `=${ref.session}`], signal)) !== 'absent';
  }

  private run(ref: TmuxRef, args: string[], signal: AbortSignal): Promise<string | 'absent'> {
    const bin = this.o.tmuxPath ?? 'tmux';
    return new Promise((resolve, reject) => {
      execFile(bin, [...socketArgs(ref, this.o.socketName), ...args], { signal, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        if (isAbort(err)) return reject(err);
        if (err.code === 'ENOENT') return reject(new TmuxCommandError(`tmux not found (${bin})`));
        const message = stderr.trim() || err.message;
        if (ABSENT.some((re) => re.test(message))) return resolve('absent');
        reject(new TmuxCommandError(`tmux ${args[0]} failed: ${message}`));
      });
    });
  }
}

export function parsePaneLine(line: string): TmuxPane {
  const [index = '', pid = '', dead = '', status = '', sig = ''] = line.split(' ');
  const pane: TmuxPane = { index, pid: Number(pid), dead: dead === '1' };
  if (!/^\d+\.\d+$/.test(index) || !Number.isInteger(pane.pid) || pane.pid <= 0) throw new TmuxCommandError(`unexpected list-panes line: ${JSON.stringify(line)}`);
  if (/^\d+$/.test(status)) pane.deadStatus = Number(status);
  if (/^\d+$/.test(sig)) pane.deadSignal = Number(sig);
  return pane;
}
