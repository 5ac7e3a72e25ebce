import { spawnSync } from 'node:child_process';
import type { ProgramName } from './scenarios.js';

/** What a program gets on its first line of stdin once its task is claimed (never the task's payload). */
export interface ProgramInfo {
  attempt: number;
  /** Between the program's own beats. */
  beatMs: number;
  /** One step of its pretended work. */
  stepMs: number;
  /** The local fake provider. */
  providerUrl: string;
  /** How long `block` keeps its event loop blocked. */
  blockMs: number;
  /** A continuation: the ratio reached before, and how much partial output it inherits. */
  resumeRatio?: number;
  partialChars?: number;
  /** The heal hint's reason on a retried attempt. */
  hint?: string;
}

/** How to start a program: `command args…`, after `prelude` (shell lines) in the holding shell. */
export interface ProgramSpec {
  command: string;
  args: string[];
  prelude?: string;
}

/**
 * Shared by every Node program. Control messages go to fd 3 (control-channel.ts); the first stdin
 * line is the ProgramInfo, a later one tells a finished program that its completion was reported
 * and it may exit. A program whose parent is gone (stdin closed) exits, and none outlives 2 min.
 */
const NODE_PRELUDE = String.raw`'use strict';
const fs = require('fs');
const send = (m) => { try { fs.writeSync(3, JSON.stringify(m) + '\n'); } catch {} };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rl = require('readline').createInterface({ input: process.stdin });
const queued = [];
const waiting = [];
rl.on('line', (l) => { const w = waiting.shift(); if (w) w(l); else queued.push(l); });
rl.on('close', () => process.exit(70));
const nextLine = () => new Promise((r) => { const l = queued.shift(); if (l !== undefined) r(l); else waiting.push(r); });
const beating = (ms) => { send({ t: 'beat' }); const t = setInterval(() => send({ t: 'beat' }), ms); return () => clearInterval(t); };
const finish = async (chars) => { send({ t: 'done', chars }); await nextLine(); process.exit(0); };
setTimeout(() => process.exit(0), 120000).unref();
`;

const node = (body: string, flags: string[] = []): ProgramSpec => ({
  command: process.execPath,
  args: [...flags, '-e', `${NODE_PRELUDE}\nconst main = async (info) => {\n${body}\n};\nnextLine().then((l) => main(JSON.parse(l)));\n`],
});

const WORK = String.raw`
const stop = beating(info.beatMs);
const from = info.resumeRatio || 0;
const steps = 6;
if (info.attempt > 1) console.log('attempt ' + info.attempt + ': starting again' + (info.hint ? ' (heal hint: ' + info.hint + ')' : ''));
if (from > 0) console.log('continuing from ' + Math.round(from * 100) + ' %: ' + info.partialChars + ' characters of partial output kept');
else console.log('starting: ' + steps + ' sections to write');
for (let i = 1; i <= steps; i++) {
  await sleep(info.stepMs);
  const ratio = from + (1 - from) * (i / steps);
  send({ t: 'progress', ratio });
  console.log('section ' + i + ' of ' + steps + ' written (' + Math.round(ratio * 100) + ' %)');
}
stop();
console.log('all sections written');
await finish(steps * 200);
`;

const BLOCK = String.raw`
const stop = beating(info.beatMs);
console.log('reading the input index');
await sleep(1000);
console.log('parsing a large file synchronously: the event loop is blocked for ' + info.blockMs / 1000 + ' s, no beat can go out');
// A synchronous wait: to the reaper the same as a busy loop (alive, silent), without burning a core.
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, info.blockMs);
console.log('parse finished: the event loop runs again');
await sleep(info.stepMs);
stop();
console.log('done');
await finish(1200);
`;

const HANG_BEATING = String.raw`
beating(info.beatMs);
console.log('calling a tool and waiting for its answer (it never comes; the heartbeat keeps going)');
await new Promise(() => {});
`;

const HANG_SILENT = String.raw`
console.log('took the work lock; waiting for a peer that never answers');
console.log('this runner never beats: alive but silent');
setInterval(() => {}, 1 << 30);
`;

const OOM = String.raw`
beating(info.beatMs);
console.log('loading the whole dataset into memory (V8 heap limit 32 MB)');
await sleep(300);
const held = [];
for (let i = 1; ; i++) {
  held.push(new Array(100000).fill(i));
  if (i % 20 === 0) console.log('loaded ' + i + ' chunks');
}
`;

const SEGFAULT_NODE = String.raw`
beating(info.beatMs);
console.log('parsing a deeply nested document');
await sleep(300);
// --stack-size above the real stack: the recursion runs off the end of the stack, a real SIGSEGV.
const dive = (n) => dive(n + 1) + 1;
dive(0);
`;

const SEGFAULT_PYTHON = [
  'import sys, ctypes, time',
  'sys.stdin.readline()',
  "print('loading the native tokenizer extension', flush=True)",
  'time.sleep(0.3)',
  "print('tokenizing the first document', flush=True)",
  'ctypes.string_at(0)',
].join('\n');

const RATE_LIMIT = String.raw`
beating(info.beatMs);
const url = info.providerUrl + '/v1/messages';
console.log('turn 1: asking the model for a plan');
await sleep(info.stepMs);
console.log('POST ' + url);
const res = await fetch(url, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
  body: JSON.stringify({ model: 'demo-model', max_tokens: 1024, messages: [{ role: 'user', content: 'plan the next step' }] }),
});
const body = await res.text();
console.error('HTTP ' + res.status + ' from the provider; retry-after: ' + res.headers.get('retry-after'));
class RateLimitError extends Error { constructor(m) { super(m); this.name = 'RateLimitError'; this.status = res.status; } }
throw new RateLimitError(res.status + ' ' + body);
`;

const KILLED = String.raw`
beating(info.beatMs);
for (let i = 1; i <= 200; i++) {
  console.log('indexing batch ' + i);
  await sleep(info.stepMs);
}
await finish(0);
`;

const CRASH_HALF = String.raw`
beating(info.beatMs);
const http = require('http');
const steps = 10;
let partial = '';
console.log('writing a report of ' + steps + ' sections');
for (let i = 1; i <= 5; i++) {
  await sleep(info.stepMs);
  partial += '## Section ' + i + '\n' + 'What this section found. '.repeat(8) + '\n';
  send({ t: 'progress', ratio: i / steps, partial });
  console.log('section ' + i + ' of ' + steps + ' written (' + i * 10 + ' %)');
}
// Long enough for the 50 % to reach the API before the crash.
await sleep(1000);
const url = info.providerUrl + '/v1/messages?stream=true';
console.log('streaming section 6 from ' + url);
await new Promise((_, reject) => {
  const req = http.request(url, { method: 'POST' }, (res) => res.resume());
  req.on('error', reject);
  req.end('{}');
});
`;

/** Whether python3 with ctypes and faulthandler runs here: it gives a real segfault with a readable line. */
export function pythonAvailable(): boolean {
  const r = spawnSync('python3', ['-c', 'import ctypes, faulthandler'], { stdio: 'ignore', timeout: 10_000 });
  return r.status === 0;
}

/**
 * The program of each name. The segfault is a real one: python3 dereferencing NULL through ctypes
 * (faulthandler prints "Fatal Python error: Segmentation fault" before the signal) where python3
 * runs, else Node recursing past the real end of its stack.
 */
export function programSpec(name: ProgramName, opts: { python: boolean }): ProgramSpec {
  switch (name) {
    case 'work':
      return node(WORK);
    case 'block':
      return node(BLOCK);
    case 'hang-beating':
      return node(HANG_BEATING);
    case 'hang-silent':
      return node(HANG_SILENT);
    case 'oom':
      return node(OOM, ['--max-old-space-size=32']);
    case 'segfault':
      return opts.python
        ? { command: 'python3', args: ['-X', 'faulthandler', '-c', SEGFAULT_PYTHON] }
        : { ...node(SEGFAULT_NODE, ['--stack-size=65500']), prelude: 'ulimit -s 8192 2>/dev/null' };
    case 'rate-limit':
      return node(RATE_LIMIT);
    case 'killed':
      return node(KILLED);
    case 'crash-half':
      return node(CRASH_HALF);
  }
}
