import { describe, expect, it } from 'vitest';
import { DEFAULT_TAIL_BYTES, tailText } from '../../src/domain/log-tail.js';

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('tailText', () => {
  it('returns a short buffer whole', () => {
    expect(tailText(utf8('hello\nworld\n'))).toEqual({ text: 'hello\nworld\n', bytes: 12 });
  });

  it('keeps only the last 4096 bytes by default', () => {
    const buf = utf8('a'.repeat(5000) + 'END');
    const tail = tailText(buf);
    expect(DEFAULT_TAIL_BYTES).toBe(4096);
    expect(tail.bytes).toBe(4096);
    expect(tail.text.endsWith('END')).toBe(true);
    expect(tail.text.length).toBe(4096);
  });

  it('takes exactly maxBytes when the cut falls on a character boundary', () => {
    expect(tailText(utf8('abcdef'), 3)).toEqual({ text: 'def', bytes: 3 });
  });

  it('handles empty input', () => {
    expect(tailText(Buffer.alloc(0))).toEqual({ text: '', bytes: 0 });
    expect(tailText(new Uint8Array(0), 10)).toEqual({ text: '', bytes: 0 });
  });

  it('accepts a plain Uint8Array', () => {
    expect(tailText(new TextEncoder().encode('xyz'), 2)).toEqual({ text: 'yz', bytes: 2 });
  });

  it.each([
    ['two-byte é', 'é', 2],
    ['three-byte €', '€', 3],
    ['four-byte emoji', '😀', 4],
  ])('never starts inside a %s', (_name, char, width) => {
    const buf = utf8(`x${char}${char}`);
    for (let cut = 1; cut < width; cut += 1) {
      // maxBytes lands `cut` bytes into the first multi-byte character.
      const tail = tailText(buf, 2 * width - cut);
      expect(tail.text).toBe(char);
      expect(tail.bytes).toBe(width);
      expect(tail.text).not.toContain('\uFFFD');
    }
  });

  it('keeps a character the cut starts exactly at', () => {
    expect(tailText(utf8('a€b'), 4)).toEqual({ text: '€b', bytes: 4 });
  });

  it('replaces invalid bytes with U+FFFD instead of throwing', () => {
    const buf = Buffer.from([0x6f, 0x6b, 0xff, 0xfe, 0x0a, 0xc3, 0x28]);
    const tail = tailText(buf);
    expect(tail.text).toBe('ok\uFFFD\uFFFD\n\uFFFD(');
    expect(tail.bytes).toBe(7);
  });

  it('replaces a character cut off at the end of the buffer', () => {
    const euro = utf8('€');
    const buf = Buffer.concat([utf8('done '), euro.subarray(0, 2)]);
    expect(tailText(buf).text).toBe('done \uFFFD');
  });

  it('skips at most three continuation bytes, even in binary junk', () => {
    const junk = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x41]);
    const tail = tailText(junk, 5);
    expect(tail.bytes).toBe(2);
    expect(tail.text).toBe('\uFFFDA');
  });

  it('keeps NUL bytes and CRLF line endings as they are', () => {
    const tail = tailText(Buffer.from('line1\r\nbin\0ary\r\n', 'utf8'));
    expect(tail.text).toBe('line1\r\nbin\u0000ary\r\n');
  });

  it('keeps a leading byte-order mark instead of silently dropping it', () => {
    expect(tailText(Buffer.from([0xef, 0xbb, 0xbf, 0x41])).text).toBe('\uFEFFA');
  });

  it('decodes random binary without throwing and within the byte limit', () => {
    let seed = 42;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
    for (let round = 0; round < 50; round += 1) {
      const buf = Buffer.from(Array.from({ length: 300 }, next));
      const tail = tailText(buf, 100);
      expect(tail.bytes).toBeLessThanOrEqual(100);
      expect(tail.bytes).toBeGreaterThanOrEqual(97);
      expect(typeof tail.text).toBe('string');
    }
  });

  it.each([
    ['zero', 0],
    ['negative', -5],
    ['NaN', Number.NaN],
  ])('gives an empty tail for a %s limit', (_name, limit) => {
    expect(tailText(utf8('abc'), limit)).toEqual({ text: '', bytes: 0 });
  });

  it('floors a fractional limit and treats Infinity as everything', () => {
    expect(tailText(utf8('abcdef'), 2.9)).toEqual({ text: 'ef', bytes: 2 });
    expect(tailText(utf8('abcdef'), Number.POSITIVE_INFINITY)).toEqual({ text: 'abcdef', bytes: 6 });
  });
});
