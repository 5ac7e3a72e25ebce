/** The longest line the API's log route takes (UTF-16 units, as zod counts them). */
export const MAX_LOG_LINE_CHARS = 64 * 1024;

export interface LineSplitterOptions {
  /**
   * The longest line handed on whole; a longer one is handed on in pieces of this size, so memory
   * stays bounded whatever the command prints. Default 64 Ki: the longest line `POST /tasks/:id/log`
   * takes.
   */
  maxLineChars?: number;
}

/** `ended` is false for a piece of an over-long line and for a last line with no newline. */
export type LineHandler = (line: string, ended: boolean) => void;

/** Cuts a text stream into lines (`\n` or `\r\n`). */
export class LineSplitter {
  private readonly maxLineChars: number;
  private pending = '';

  constructor(
    private readonly onLine: LineHandler,
    options: LineSplitterOptions = {},
  ) {
    this.maxLineChars = options.maxLineChars ?? MAX_LOG_LINE_CHARS;
  }

  push(text: string): void {
    const joined = this.pending + text;
    let start = 0;
    for (let nl = joined.indexOf('\n'); nl >= 0; nl = joined.indexOf('\n', start)) {
      const line = joined.slice(start, nl);
      start = nl + 1;
      this.emitWhole(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
    let rest = joined.slice(start);
    while (rest.length > this.maxLineChars) {
      const piece = chunkEnd(rest, this.maxLineChars);
      this.onLine(rest.slice(0, piece), false);
      rest = rest.slice(piece);
    }
    this.pending = rest;
  }

  /** Hands on a last line that had no newline. */
  end(): void {
    if (this.pending) this.onLine(this.pending, false);
    this.pending = '';
  }

  private emitWhole(line: string): void {
    const pieces = splitLongLine(line, this.maxLineChars);
    pieces.forEach((piece, i) => this.onLine(piece, i === pieces.length - 1));
  }
}

/** Pieces of at most `maxChars` UTF-16 units, never cutting a surrogate pair in two. */
export function splitLongLine(line: string, maxChars: number): string[] {
  if (line.length <= maxChars) return [line];
  const pieces: string[] = [];
  let rest = line;
  while (rest.length > maxChars) {
    const end = chunkEnd(rest, maxChars);
    pieces.push(rest.slice(0, end));
    rest = rest.slice(end);
  }
  if (rest) pieces.push(rest);
  return pieces;
}

function chunkEnd(text: string, maxChars: number): number {
  const code = text.charCodeAt(maxChars - 1);
  const isHighSurrogate = code >= 0xd800 && code <= 0xdbff;
  return isHighSurrogate ? maxChars - 1 : maxChars;
}
