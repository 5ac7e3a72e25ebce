/** The decoded end of a log, as much as the diagnoser keeps of it (DESIGN §5: 4096 bytes). */
export interface LogTail {
  text: string;
  /** Bytes of the input that `text` was decoded from (after the cut moved to a character boundary). */
  bytes: number;
}

export const DEFAULT_TAIL_BYTES = 4096;

// A UTF-8 character has at most three continuation bytes (0b10xxxxxx) after its lead byte.
const MAX_CONTINUATION_BYTES = 3;

// Not fatal: a log may hold binary junk, and a diagnosis must still be written.
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

const isContinuationByte = (byte: number): boolean => (byte & 0xc0) === 0x80;

/**
 * The last `maxBytes` of `buf`, decoded as UTF-8. The cut moves forward past the continuation bytes
 * of a character it fell inside, so the text never starts with half a character; bytes that are not
 * UTF-8 come out as U+FFFD. Never throws: a bad `maxBytes` (negative, NaN) gives an empty tail.
 */
export function tailText(buf: Buffer | Uint8Array, maxBytes: number = DEFAULT_TAIL_BYTES): LogTail {
  const limit = Number.isNaN(maxBytes) ? 0 : Math.max(0, Math.floor(maxBytes));
  let start = Math.max(0, buf.length - limit);
  if (start > 0) {
    const stop = Math.min(buf.length, start + MAX_CONTINUATION_BYTES);
    while (start < stop && isContinuationByte(buf[start] ?? 0)) start += 1;
  }
  const slice = buf.subarray(start);
  return { text: decoder.decode(slice), bytes: slice.length };
}
