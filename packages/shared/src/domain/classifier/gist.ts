const MAX_GIST = 140;

/** A line made fit for a one-line summary: whitespace collapsed, long text cut with an ellipsis. */
export function gist(text: string, max: number = MAX_GIST): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
