/**
 * Where a tmux runner lives. The runtime ref is `session`, `socketName:session` or
 * `/path/to/socket:session`: a prefix with a `/` is a socket path (`tmux -S`), otherwise a socket
 * name (`tmux -L`); no prefix means the adapter's default server. tmux session names cannot hold
 * `:`, so the ref splits at the last one.
 */
export interface TmuxRef {
  session: string;
  socket?: { kind: 'name' | 'path'; value: string };
}

export function parseTmuxRef(ref: string): TmuxRef {
  const cut = ref.lastIndexOf(':');
  const prefix = cut >= 0 ? ref.slice(0, cut) : '';
  // tmux itself turns `:` and `.` into `_` when it creates a session, and `.` in a target would
  // name a pane: look the session up under the name tmux gave it.
  const session = (cut >= 0 ? ref.slice(cut + 1) : ref).replace(/\./g, '_');
  if (!session) throw new Error(`tmux ref ${JSON.stringify(ref)} names no session`);
  if (!prefix) return { session };
  return { session, socket: { kind: prefix.includes('/') ? 'path' : 'name', value: prefix } };
}

/** The socket arguments for tmux: the ref's own socket, else `-L defaultSocketName`, else none. */
export function socketArgs(ref: TmuxRef, defaultSocketName?: string): string[] {
  if (ref.socket) return ref.socket.kind === 'path' ? ['-S', ref.socket.value] : ['-L', ref.socket.value];
  return defaultSocketName ? ['-L', defaultSocketName] : [];
}

/** `session` or `session on socket x`, for evidence. */
export function describeTmuxRef(ref: TmuxRef, defaultSocketName?: string): string {
  const socket = ref.socket?.value ?? defaultSocketName;
  return `tmux session ${ref.session}${socket ? ` (socket ${socket})` : ''}`;
}
