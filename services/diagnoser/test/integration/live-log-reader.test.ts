import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Keys, LogStore, type Task } from '@smart-reap/shared';
import { dropPrefix, testRedis, uniquePrefix } from '../../../../test/support/redis-context.js';
import { taskFixture } from '../../../../test/support/task-fixture.js';
import { TmuxServer, requireTmux } from '../../../prober/test/support/tmux-server.js';
import { waitFor } from '../../../prober/test/support/children.js';
import { FileLogSource } from '../../src/log-sources/file-log-source.js';
import { TmuxPaneLogSource } from '../../src/log-sources/tmux-pane-log-source.js';
import { LiveLogReader, newSnapshotLines, type LiveCursor } from '../../src/live/live-log-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'live-log-reader-'));
const root = join(dir, 'logs');
mkdirSync(root);
// The worker role queues commands until connected: the first test may start before the connection is up.
const redis = testRedis('worker');
const prefix = uniquePrefix('llr');
const keys = new Keys(prefix);
const pane = new TmuxPaneLogSource();
const reader = new LiveLogReader({ redis, keys, file: new FileLogSource([root]), pane: (t, m, s) => pane.read(t, m, s), maxLines: 50, maxBytes: 4096 });
const servers: TmuxServer[] = [];
beforeAll(() => {
  requireTmux();
});
afterEach(() => {
  for (const s of servers.splice(0)) s.dispose();
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

const signal = () => AbortSignal.timeout(5000);
const texts = (r: { lines: { text: string }[] }) => r.lines.map((l) => l.text);

describe('live log reader: only the lines written since the last scan', () => {
  it('the Redis stream: from the last id, this attempt only (from its claim), times from the entry ids', async () => {
    const logs = new LogStore(redis, keys);
    const id = `t-${Date.now()}`;
    await logs.append(id, ['attempt 1 said this']);
    await new Promise((r) => setTimeout(r, 5));
    const claimedAt = Date.now();
    const task = taskFixture({ id, runner: { runnerId: 'r', runtime: { type: 'process', ref: '' }, claimedAt } });
    await logs.append(id, ['one', 'two']);
    const first = await reader.read(task, {}, claimedAt, signal());
    expect(texts(first)).toEqual(['one', 'two']);
    expect(first.source).toBe('stream');
    expect(first.lines[0]!.at).toBeGreaterThanOrEqual(claimedAt);
    expect((await reader.read(task, first.cursor, 0, signal())).lines).toEqual([]);
    await logs.append(id, ['three']);
    const second = await reader.read(task, first.cursor, 0, signal());
    expect(texts(second)).toEqual(['three']);
    // More than a scan reads: the newest only.
    await logs.append(id, Array.from({ length: 120 }, (_, i) => `burst ${i}`));
    const burst = await reader.read(task, second.cursor, 0, signal());
    expect(burst.lines).toHaveLength(50);
    expect(burst.lines.at(-1)!.text).toBe('burst 119');
  });

  it('a logRef file: from the last offset, a line still being written waits, a truncated file is read again', async () => {
    const path = join(root, 'agent.log');
    writeFileSync(path, 'a\nb\npart');
    const task = taskFixture({ runner: { runnerId: 'r', runtime: { type: 'process', ref: '' }, logRef: path, claimedAt: 0 } });
    let cursor: LiveCursor = {};
    let r = await reader.read(task, cursor, 7, signal());
    expect(texts(r)).toEqual(['a', 'b']);
    expect(r.lines[0]!.at).toBe(7);
    cursor = r.cursor;
    appendFileSync(path, 'ial\nc\n');
    r = await reader.read(task, cursor, 8, signal());
    expect(texts(r)).toEqual(['partial', 'c']);
    cursor = r.cursor;
    expect(texts(await reader.read(task, cursor, 9, signal()))).toEqual([]);
    writeFileSync(path, 'rotated\n');
    expect(texts(await reader.read(task, cursor, 10, signal()))).toEqual(['rotated']);
    // More than maxBytes new: the newest bytes, the cut first line dropped.
    writeFileSync(path, `${'x'.repeat(5000)}\nlast one\n`);
    expect(texts(await reader.read(task, { fileOffset: 0 }, 11, signal()))).toEqual(['last one']);
  });

  it('a tmux pane (a tmux runner that never wrote to the stream): captured and diffed against the last capture', async () => {
    const tmux = new TmuxServer();
    servers.push(tmux);
    tmux.newSession('agent', `sh -c 'i=0; while [ $i -lt 400 ]; do i=$((i+1)); echo "turn $i"; sleep 0.05; done; sleep 60'`);
    const task: Task = taskFixture({ id: `pane-${Date.now()}`, runner: { runnerId: 'r', runtime: { type: 'tmux', ref: tmux.ref('agent') }, claimedAt: 0 } });
    const first = await waitFor('the pane to show output', async () => {
      const r = await reader.read(task, {}, 0, signal());
      return r.lines.length ? r : undefined;
    }, 15_000);
    expect(first.source).toBe('pane');
    await new Promise((r) => setTimeout(r, 500));
    const second = await reader.read(task, first.cursor, 0, signal());
    const numbers = [...texts(first), ...texts(second)].map((l) => Number(/^turn (\d+)$/.exec(l)?.[1]));
    // Every line once, in order, none missed between the two captures.
    expect(texts(second).length).toBeGreaterThan(0);
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
  });
});

describe('newSnapshotLines', () => {
  it('returns what follows the newest occurrence of the previous capture\'s last lines', () => {
    expect(newSnapshotLines([], ['a', 'b'])).toEqual(['a', 'b']);
    expect(newSnapshotLines(['a', 'b'], ['x', 'a', 'b', 'c', 'd'])).toEqual(['c', 'd']);
    expect(newSnapshotLines(['a', 'b'], ['a', 'b'])).toEqual([]);
    // Scrolled past: all of it is new.
    expect(newSnapshotLines(['a', 'b'], ['c', 'd'])).toEqual(['c', 'd']);
  });
});
