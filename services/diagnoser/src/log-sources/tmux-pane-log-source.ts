import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseTmuxRef, socketArgs, type Task } from '@smart-reap/shared';
import type { LogSource } from './log-source.js';

const run = promisify(execFile);

/** The visible history of a tmux runner's pane (`capture-pane`), for runners that log nowhere else. */
export class TmuxPaneLogSource implements LogSource {
  readonly name = 'tmux-pane';

  /** The server when a ref names none (`tmux -L <name>`), as the prober's; default the user's server. */
  constructor(private readonly defaultSocketName?: string) {}

  async read(task: Task, maxBytes: number, signal: AbortSignal): Promise<Buffer | undefined> {
    const ref = task.runner?.logRef?.startsWith('tmux:') ? task.runner.logRef.slice(5) : task.runner?.runtime.type === 'tmux' ? task.runner.runtime.ref : undefined;
    if (!ref) return undefined;
    // The same `[socket:]session` refs as the prober reads: a runner on its own tmux server is found there.
    const parsed = parseTmuxRef(ref);
    const { stdout } = await run('tmux', [...socketArgs(parsed, this.defaultSocketName), 'capture-pane', '-p', '-J', '-S', '-2000', '-t', `=${parsed.session}:`], {
      signal,
      encoding: 'buffer',
      maxBuffer: 4 * 1024 * 1024,
    });
    const trimmed = Buffer.from(stdout.toString('utf8').replace(/\s+$/, '') + '\n', 'utf8');
    return trimmed.length > 1 ? trimmed.subarray(Math.max(0, trimmed.length - maxBytes)) : undefined;
  }
}
