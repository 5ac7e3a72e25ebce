import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createLogger, type Task } from '@smart-reap/shared';
import { startTestStack, waitFor, type TestStack } from '../../../../test/support/stack.js';
import { TmuxServer, requireTmux } from '../../../prober/test/support/tmux-server.js';
import { diagnoserMetrics } from '../../src/diagnoser-metrics.js';
import { LiveLogReader } from '../../src/live/live-log-reader.js';
import { LiveWatcher } from '../../src/live/live-watcher.js';

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

  it('two replicas at once: one holds the round (the other skips it), one flag, one escalation', async () => {
    // No diagnoser of its own: the two replicas below are the only watchers.
    const s = await startTestStack({}, ['reaper', 'prober']);
    stack = s;
    const child = s.spawnRunner();
    const claimed = await s.claimFor(child, {}, 'agent');
    for (let i = 0; i < 3; i++) {
      if (i) await new Promise((r) => setTimeout(r, 550));
      await s.core.logs.append(claimed.id, [NETWORK, 'turn']);
    }
    // The watchers' clock stands at the last line: the loop is current however slow the machine.
    const now = Date.now();
    const escalations: string[] = [];
    const loops = diagnoserMetrics(new Registry()).liveLoops;
    const replica = () =>
      new LiveWatcher({
        redis: s.core.redis,
        keys: s.core.keys,
        store: s.core.store,
        events: s.core.events,
        queues: s.core.queues,
        reader: new LiveLogReader({ redis: s.core.redis, keys: s.core.keys }),
        logger: createLogger('test', 'silent'),
        escalate: async (taskId) => void escalations.push(taskId),
        loops,
        settings: { repeats: 3, windowMs: 1000, stopAfterMs: 60_000, policy: {} },
        scanMs: 1000,
        dryRun: false,
        clock: () => now,
      });
    const rounds = await Promise.all([replica().scanRound(), replica().scanRound()]);
    expect(rounds.filter((r) => r === undefined), 'one replica skipped the round').toHaveLength(1);
    expect(rounds.filter((r) => r === 1)).toHaveLength(1);
    expect(escalations).toEqual([claimed.id]);
    expect((await s.task(claimed.id)).context.live_diagnosis).toMatchObject({ crashType: 'network_error', repeats: 3 });
    // The next round, by either: the flag stands, nothing is said again.
    expect(await replica().scanRound()).toBe(1);
    expect(escalations).toHaveLength(1);
  });
});
