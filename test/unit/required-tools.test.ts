import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import setup from '../support/redis-global-setup.js';
import { CHROMIUM, howToInstall, missingPackages, type ToolProbe } from '../support/required-tools.js';

const probe = (have: string[]): ToolProbe => ({ onPath: (name) => have.includes(name), exists: (path) => have.includes(path) });

describe('the tools the integration tests need', () => {
  it('names each missing Debian package, redis-server only when no Redis is given otherwise', () => {
    expect(missingPackages(probe(['tmux', CHROMIUM, 'redis-server']), false)).toEqual([]);
    expect(missingPackages(probe([]), false)).toEqual(['tmux', 'chromium', 'redis-server']);
    expect(missingPackages(probe([]), true)).toEqual(['tmux', 'chromium']);
    expect(missingPackages(probe(['redis-server', 'chromium']), false)).toEqual(['tmux', 'chromium']); // Chromium is looked for at its path
  });

  it('says in one line what to install and how', () => {
    const line = howToInstall(['tmux', 'chromium']);
    expect(line).not.toContain('\n');
    expect(line).toContain('sudo apt-get install -y tmux chromium');
  });

  describe('the integration globalSetup', () => {
    const saved = { PATH: process.env.PATH, REDIS_URL: process.env.REDIS_URL };
    let empty: string | undefined;
    afterEach(() => {
      process.env.PATH = saved.PATH;
      if (saved.REDIS_URL === undefined) delete process.env.REDIS_URL;
      else process.env.REDIS_URL = saved.REDIS_URL;
      if (empty) rmSync(empty, { recursive: true, force: true });
    });

    it('stops the run before any test when tmux (and, without a Redis, redis-server) is not on PATH', async () => {
      empty = mkdtempSync(join(tmpdir(), 'no-tools-'));
      process.env.PATH = empty;
      process.env.REDIS_URL = 'redis://127.0.0.1:1'; // given: only the tools are checked, nothing is started
      const provided: string[] = [];
      const project = { provide: (key: string) => provided.push(key) } as unknown as Parameters<typeof setup>[0];
      await expect(setup(project)).rejects.toThrow(/^the integration tests need tmux(, chromium)?: sudo apt-get install -y tmux/);
      expect(provided).toEqual([]);
    });
  });
});
