import { describe, expect, it } from 'vitest';
import { LineSplitter, splitLongLine } from '../../src/line-splitter.js';

function collect(maxLineChars?: number) {
  const lines: Array<[string, boolean]> = [];
  const splitter = new LineSplitter((line, ended) => lines.push([line, ended]), maxLineChars ? { maxLineChars } : {});
  return { splitter, lines };
}

describe('LineSplitter', () => {
  it('cuts text into lines across chunks, with \\n and \\r\\n, keeping empty lines', () => {
    const { splitter, lines } = collect();
    splitter.push('one\ntw');
    splitter.push('o\r');
    splitter.push('\n\nthree\r\nfour');
    expect(lines).toEqual([
      ['one', true],
      ['two', true],
      ['', true],
      ['three', true],
    ]);
    splitter.end();
    expect(lines.at(-1)).toEqual(['four', false]);
    splitter.end();
    expect(lines).toHaveLength(5);
  });

  it('hands on an over-long line in pieces, whole or still pending, so memory stays bounded', () => {
    const { splitter, lines } = collect(4);
    splitter.push('abcdefghij\nxy');
    expect(lines).toEqual([
      ['abcd', false],
      ['efgh', false],
      ['ij', true],
    ]);
    splitter.push('zabcdefg');
    expect(lines.slice(3)).toEqual([
      ['xyza', false],
      ['bcde', false],
    ]);
    splitter.push('\n');
    expect(lines.at(-1)).toEqual(['fg', true]);
  });

  it('never cuts a surrogate pair in two', () => {
    const pieces = splitLongLine('ab😀cd', 3);
    expect(pieces).toEqual(['ab', '😀c', 'd']);
    expect(pieces.join('')).toBe('ab😀cd');
  });

  it('takes a chunk of many lines in one push', () => {
    const { splitter, lines } = collect();
    const text = Array.from({ length: 10_000 }, (_, i) => `line ${i}`).join('\n') + '\n';
    splitter.push(text);
    expect(lines).toHaveLength(10_000);
    expect(lines[9_999]).toEqual(['line 9999', true]);
  });
});
