const MAX_GIST = 140;

/** A line made fit for a one-line summary: whitespace collapsed, long text cut with an ellipsis. */
export function gist(text: string, max: number = MAX_GIST): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

const STRING_VALUE = /"(?:[^"\\]|\\.)*"/g;

/**
 * The part of `match.input` that carries the match, fit for a summary: the whole line when short,
 * else the quoted value holding it (a JSON line's `"result": "…"`), else a window around it, so a
 * long structured line is not summarised by its first fields.
 */
export function excerpt(match: RegExpExecArray, max: number = MAX_GIST): string {
  const line = match.input;
  if (line.replace(/\s+/g, ' ').trim().length <= max) return gist(line, max);
  const start = match.index;
  const end = start + match[0].length;
  for (const q of line.matchAll(STRING_VALUE)) {
    if (q.index < start && q.index + q[0].length > end) return gist(q[0].slice(1, -1).replace(/\\(.)/g, '$1'), max);
  }
  const from = Math.max(0, start - Math.floor((max - (end - start)) / 3));
  const cut = line.slice(from, from + max - 2);
  return gist(`${from > 0 ? '…' : ''}${cut}${from + cut.length < line.length ? '…' : ''}`, max);
}
