import { signalName } from '../proc/signal-name.js';
import { describeExit, type ExitInfo } from '../proc/wait-status.js';
import type { TmuxPane } from './tmux-client.js';

/** How a dead pane's command ended, as far as tmux tells. */
export function paneExit(pane: TmuxPane): ExitInfo {
  if (pane.deadSignal !== undefined) return { signal: signalName(pane.deadSignal) };
  if (pane.deadStatus !== undefined) return { exitCode: pane.deadStatus };
  return {};
}

/** "pane 0.0 (pid 123) dead: exited with code 1" */
export function describeDeadPane(pane: TmuxPane): string {
  return `pane ${pane.index} (pid ${pane.pid}) dead: ${describeExit(paneExit(pane))}`;
}
