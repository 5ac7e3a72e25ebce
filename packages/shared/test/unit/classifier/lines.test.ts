import { describe, expect, it } from 'vitest';
import { stripPrefix, toLines } from '../../../src/domain/classifier/lines.js';

describe('stripPrefix', () => {
  it.each([
    ['2026-11-20T10:00:01.123Z ERROR Traceback (most recent call last):', 'Traceback (most recent call last):', true],
    ['2026-11-20 10:00:01,001 INFO agent: step 3', 'agent: step 3', true],
    ['[1234567.890480] Out of memory: Killed process 48211 (python3)', 'Out of memory: Killed process 48211 (python3)', true],
    ['Nov 20 03:13:09 worker-7 systemd[1]: agent.service: Failed', 'agent.service: Failed', true],
    ['ERROR:root:boom', 'boom', true],
    ['I1120 10:00:01.123456 140123 agent.py:88] batch 14/40 submitted', 'batch 14/40 submitted', true],
    ['agent-1  |   File "/app/main.py", line 12, in <module>', '  File "/app/main.py", line 12, in <module>', false],
    ['0|agent    | FATAL ERROR: Reached heap limit', 'FATAL ERROR: Reached heap limit', false],
    ['2026-11-20T10:00:01.123456789Z stderr F Killed', 'Killed', false],
    ['Error: boom', 'Error: boom', false],
  ])('%s', (line, body, logged) => {
    expect(stripPrefix(line)).toEqual({ body, logged });
  });
});

describe('toLines', () => {
  it('strips terminal colours and splits on any line ending', () => {
    const lines = toLines('\u001b[31mError: boom\u001b[0m\r\nnext\rlast');
    expect(lines.map((l) => l.text)).toEqual(['Error: boom', 'next', 'last']);
  });

  it('tells frames, echoed source, wrapper noise and content apart', () => {
    const tail = [
      '/app/index.js:10',
      "    if (res.status === 429) throw new Error('slow down');",
      '    ^',
      '',
      'Error: boom',
      '    at run (/app/index.js:10:11)',
      'Traceback (most recent call last):',
      '  File "/app/a.py", line 3, in <module>',
      '    raise RateLimited()',
      'goroutine 1 [running]:',
      'main.main()',
      '\t/app/main.go:23 +0x6c',
      'npm ERR! code ELIFECYCLE',
      'Node.js v20.18.0',
    ].join('\n');
    expect(toLines(tail).map((l) => l.kind)).toEqual([
      'frame',
      'code',
      'frame',
      'blank',
      'content',
      'frame',
      'content',
      'frame',
      'code',
      'content',
      'frame',
      'frame',
      'noise',
      'noise',
    ]);
  });

  it('never throws on binary junk', () => {
    const junk = String.fromCharCode(...Array.from({ length: 2000 }, (_, i) => (i * 37) % 256));
    expect(() => toLines(junk)).not.toThrow();
  });
});
