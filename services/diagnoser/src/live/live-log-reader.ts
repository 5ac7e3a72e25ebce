import type { Redis } from 'ioredis';
import { logRefTarget, type Keys, type LiveLine, type Task } from '@smart-reap/shared';
import type { FileLogSource } from '../log-sources/file-log-source.js';

/** Where the live watcher got to in an attempt's log, kept between scans. */
export interface LiveCursor {
  /** The last stream entry read (the task's Redis log stream). */
  streamId?: string;
  /** Whether the stream ever had a line of this attempt: a tmux or pod runner without one is read from its pane or pod. */
  streamSeen?: boolean;
  /** Bytes of the logRef file read so far. */
  fileOffset?: number;
  /** The last lines of the previous pane or pod capture, to find where the new ones begin. */
  tailLines?: string[];
}

/** A source that shows only its latest lines (a tmux pane, a pod's log): read whole each time, then diffed. */
export type SnapshotRead = (task: Task, maxBytes: number, signal: AbortSignal) => Promise<Buffer | undefined>;

export interface LiveLogReaderOptions {
  redis: Redis;
  keys: Keys;
  file?: FileLogSource;
  pane?: SnapshotRead;
  pod?: SnapshotRead;
  /** New lines read from one attempt per scan at most; beyond it only the newest are read. Default 500. */
  maxLines?: number;
  /** Bytes read from a file or a snapshot per scan at most. Default 64 KiB. */
  maxBytes?: number;
}

export interface LiveRead {
  lines: LiveLine[];
  cursor: LiveCursor;
  /** Which source was read. */
  source: 'stream' | 'file' | 'pane' | 'pod' | 'none';
}

/** Lines kept from a snapshot to find the overlap with the next one. */
const OVERLAP_LINES = 8;

/**
 * Reads the lines an attempt wrote since the last scan, from the sources a crash capture uses
 * (DESIGN §5's order): its `logRef` file from the last offset, else its Redis stream from the last
 * id (the common case: `reaper run` and `POST /tasks/:id/log`; one XRANGE), and for a tmux or pod
 * runner that never wrote to the stream its pane or pod log, captured and diffed.
 */
export class LiveLogReader {
  private readonly maxLines: number;
  private readonly maxBytes: number;
  constructor(private readonly o: LiveLogReaderOptions) {
    this.maxLines = o.maxLines ?? 500;
    this.maxBytes = o.maxBytes ?? 64 * 1024;
  }

  async read(task: Task, cursor: LiveCursor, now: number, signal: AbortSignal): Promise<LiveRead> {
    const logRef = task.runner?.logRef;
    if (logRef && logRefTarget(logRef).kind === 'file' && this.o.file) return this.readFile(task, cursor, now);
    if (logRef?.startsWith('tmux:') && this.o.pane) return this.readSnapshot('pane', this.o.pane, task, cursor, now, signal);
    if (logRef?.startsWith('k8s:') && this.o.pod) return this.readSnapshot('pod', this.o.pod, task, cursor, now, signal);
    const stream = await this.readStream(task, cursor);
    if (stream.cursor.streamSeen) return stream;
    const runtime = task.runner?.runtime.type;
    if (runtime === 'tmux' && this.o.pane) return this.readSnapshot('pane', this.o.pane, task, stream.cursor, now, signal);
    if (runtime === 'kubernetes' && this.o.pod) return this.readSnapshot('pod', this.o.pod, task, stream.cursor, now, signal);
    return stream;
  }

  /** The stream is per task, shared by its attempts: this attempt's lines start at its claim. Entry ids carry the time each line was written. */
  private async readStream(task: Task, cursor: LiveCursor): Promise<LiveRead> {
    const key = this.o.keys.log(task.id);
    const start = cursor.streamId ? `(${cursor.streamId}` : String(task.runner?.claimedAt ?? 0);
    let entries = await this.o.redis.xrange(key, start, '+', 'COUNT', this.maxLines + 1);
    // More than a scan reads: only the newest count, the loop is about now.
    if (entries.length > this.maxLines) entries = (await this.o.redis.xrevrange(key, '+', start, 'COUNT', this.maxLines)).reverse();
    if (!entries.length) return { lines: [], cursor, source: 'stream' };
    const lines = entries.map(([id, fields]) => ({ text: fields[1] ?? '', at: Number(id.split('-')[0]) }));
    return { lines, cursor: { ...cursor, streamId: entries[entries.length - 1]![0], streamSeen: true }, source: 'stream' };
  }

  private async readFile(task: Task, cursor: LiveCursor, now: number): Promise<LiveRead> {
    const got = await this.o.file!.readFrom(task, cursor.fileOffset ?? 0, this.maxBytes);
    if (!got || !got.bytes.length) return { lines: [], cursor: { ...cursor, fileOffset: got?.size ?? cursor.fileOffset }, source: 'file' };
    let text = got.bytes.toString('utf8');
    let start = got.from;
    // Skipped ahead past unread bytes: the first line is cut, and not read.
    if (got.from > (cursor.fileOffset ?? 0) && got.from > 0) {
      const nl = text.indexOf('\n');
      start += nl < 0 ? got.bytes.length : Buffer.byteLength(text.slice(0, nl + 1));
      text = nl < 0 ? '' : text.slice(nl + 1);
    }
    // A line still being written is read next time, whole.
    const lastNl = text.lastIndexOf('\n');
    const complete = lastNl < 0 ? '' : text.slice(0, lastNl);
    const offset = start + (lastNl < 0 ? 0 : Buffer.byteLength(text.slice(0, lastNl + 1)));
    const lines = complete ? complete.split('\n').slice(-this.maxLines).map((l) => ({ text: l, at: now })) : [];
    return { lines, cursor: { ...cursor, fileOffset: offset }, source: 'file' };
  }

  private async readSnapshot(source: 'pane' | 'pod', read: SnapshotRead, task: Task, cursor: LiveCursor, now: number, signal: AbortSignal): Promise<LiveRead> {
    const bytes = await read(task, this.maxBytes, signal);
    const all = (bytes?.toString('utf8') ?? '').split(/\r?\n/).map((l) => l.trimEnd());
    while (all.length && all[all.length - 1] === '') all.pop();
    const fresh = newSnapshotLines(cursor.tailLines ?? [], all).slice(-this.maxLines);
    return { lines: fresh.map((text) => ({ text, at: now })), cursor: { ...cursor, tailLines: all.slice(-OVERLAP_LINES) }, source };
  }
}

/**
 * The lines of a capture that come after the previous capture's last lines: the newest place
 * where `previous` (its last lines) appears ends what was already read. When it appears nowhere
 * (the screen scrolled past it, or a first capture), every line is new.
 */
export function newSnapshotLines(previous: readonly string[], capture: readonly string[]): string[] {
  if (!previous.length) return [...capture];
  for (let end = capture.length; end >= previous.length; end -= 1) {
    let same = true;
    for (let i = 0; i < previous.length && same; i += 1) same = capture[end - previous.length + i] === previous[i];
    if (same) return capture.slice(end);
  }
  return [...capture];
}
