import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '@smart-reap/shared';
import { startTestStack, waitFor, type TestStack } from '../../../../test/support/stack.js';
import { TmuxServer, requireTmux } from '../../../prober/test/support/tmux-server.js';

/**
 * The live watcher on the sources other than the stream, with real runners: a process that writes
 * its log to a `logRef` file under LOG_ROOTS, and a tmux runner whose pane is its only log.
 */
const root = mkdtempSync(join(tmpdir(), 'live-sources-'));
const NETWORK = 'Error: connect ECONNREFUSED 10.0.0.7:443 (retrying in 0.3 s)';
const servers: TmuxServer[] = [];
let stack: TestStack | undefined;
beforeAll(() => {
  requireTmux();
});
afterEach(async () => {
  for (const s of servers.splice(0)) s.dispose();
  await stack?.dispose();
  stack = undefined;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const FAST = { LIVE_LOOP_SCAN_MS: 500, LIVE_LOOP_WINDOW_MS: 2000, LIVE_LOOP_REPEATS: 3, PROBE_INTERVAL_MS: 1000 };

const flagged = (s: TestStack, id: string): Promise<Task> =>
  waitFor(async () => {
    const t = await s.task(id);
    return t.context.live_diagnosis ? t : undefined;
  }, 20_000, 'the live diagnosis');

describe('live watcher: file and pane sources', () => {
  it('a process runner logging to a logRef file: read from the last offset, flagged network_error, still IN_PROGRESS', async () => {
    const s = await startTestStack({ ...FAST, LOG_ROOTS: root });
    stack = s;
    mkdirSync(join(root, s.config.KEY_PREFIX));
    const logRef = join(root, s.config.KEY_PREFIX, 'agent.log');
    const child = s.spawnRunner(`
      const fs = require('node:fs');
      let n = 0;
      setInterval(() => fs.appendFileSync(${JSON.stringify(logRef)}, 'turn ' + (++n) + '\\n' + ${JSON.stringify(NETWORK)} + '\\n'), 300);
      setTimeout(() => process.exit(0), 40000);
    `);
    const created = await s.api('POST', '/tasks', { kind: 'agent' });
    const claim = await s.api('POST', '/tasks/claim', {
      runnerId: 'file-runner',
      kinds: ['agent'],
      runtime: { type: 'process', ref: '' },
      pid: child.pid,
      pidStartTime: child.startTime,
      host: s.config.NODE_NAME,
      logRef,
    });
    expect(claim.status, JSON.stringify(claim.json)).toBe(200);
    const t = await flagged(s, created.json.id);
    expect(t.status).toBe('IN_PROGRESS');
    expect(t.context.live_diagnosis).toMatchObject({ crashType: 'network_error' });
    expect(t.context.live_diagnosis!.evidence.some((e) => e.includes('ECONNREFUSED'))).toBe(true);
  });

  it('a tmux runner that never writes to the stream: its pane is captured and diffed, flagged network_error', async () => {
    const s = await startTestStack(FAST);
    stack = s;
    const tmux = new TmuxServer();
    servers.push(tmux);
    tmux.newSession('agent', `sh -c 'i=0; while [ $i -lt 200 ]; do i=$((i+1)); echo "turn $i"; echo "${NETWORK} attempt $i"; sleep 0.3; done'`);
    const created = await s.api('POST', '/tasks', { kind: 'agent' });
    const claim = await s.api('POST', '/tasks/claim', {
      runnerId: 'tmux-runner',
      kinds: ['agent'],
      runtime: { type: 'tmux', ref: tmux.ref('agent') },
      host: s.config.NODE_NAME,
    });
    expect(claim.status, JSON.stringify(claim.json)).toBe(200);
    const t = await flagged(s, created.json.id);
    expect(t.status).toBe('IN_PROGRESS');
    expect(t.context.live_diagnosis).toMatchObject({ crashType: 'network_error' });
    expect(t.context.live_diagnosis!.evidence.some((e) => /ECONNREFUSED.*attempt \d+/.test(e))).toBe(true);
  });
});
