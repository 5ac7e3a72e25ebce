/**
 * Where a page of GET /tasks ended: the last task's creation time and id. Every list index is
 * scored by creation time, so this one position resumes any of them, whatever filter is walked.
 * Opaque to clients (base64url) so that its form may change without breaking them.
 */
export interface ListCursor {
  createdAt: number;
  id: string;
}

export function encodeListCursor(c: ListCursor): string {
  return Buffer.from(`${c.createdAt}:${c.id}`, 'utf8').toString('base64url');
}

/** The cursor's position, or undefined when the string is not one that encodeListCursor made. */
export function decodeListCursor(s: string): ListCursor | undefined {
  if (!/^[A-Za-z0-9_-]{3,400}$/.test(s)) return undefined;
  const text = Buffer.from(s, 'base64url').toString('utf8');
  const m = /^(\d{1,16}):([^\s]{1,200})$/.exec(text);
  if (!m) return undefined;
  return { createdAt: Number(m[1]), id: m[2]! };
}
