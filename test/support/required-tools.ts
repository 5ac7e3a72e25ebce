import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where the browser test looks for Chromium: Debian's package puts it here. */
export const CHROMIUM = '/usr/bin/chromium';

export interface ToolProbe {
  /** Whether an executable of this name is on PATH. */
  onPath(name: string): boolean;
  exists(path: string): boolean;
}

export const systemProbe: ToolProbe = {
  onPath(name) {
    return (process.env.PATH ?? '').split(delimiter).some((dir) => {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  },
  exists: existsSync,
};

/**
 * The Debian packages the integration tests use for real and do not have: tmux (tmux runtimes and
 * pane logs), chromium (Bull Board in a browser) and, unless a Redis is given otherwise,
 * redis-server. Tests never skip for a missing tool, so the run is stopped before any test starts.
 */
export function missingPackages(probe: ToolProbe, redisGiven: boolean): string[] {
  const missing: string[] = [];
  if (!probe.onPath('tmux')) missing.push('tmux');
  if (!probe.exists(CHROMIUM)) missing.push('chromium');
  if (!redisGiven && !probe.onPath('redis-server')) missing.push('redis-server');
  return missing;
}

/** One line: what is missing and the one command that installs it. */
export function howToInstall(missing: string[]): string {
  return `the integration tests need ${missing.join(', ')}: sudo apt-get install -y ${missing.join(' ')} (or run .ci/run, which installs them and pnpm, then runs pnpm test)`;
}
