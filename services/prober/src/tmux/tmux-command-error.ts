/** tmux failed in a way that says nothing about the session (no binary, socket permissions, …). */
export class TmuxCommandError extends Error {
  override readonly name = 'TmuxCommandError';
}
