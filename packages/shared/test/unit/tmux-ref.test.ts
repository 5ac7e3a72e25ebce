import { describe, expect, it } from 'vitest';
import { describeTmuxRef, parseTmuxRef, socketArgs } from '../../src/probes/tmux-ref.js';

describe('tmux refs', () => {
  it('reads a bare session, a socket name and a socket path', () => {
    expect(parseTmuxRef('agent-7')).toEqual({ session: 'agent-7' });
    expect(parseTmuxRef('runners:agent-7')).toEqual({ session: 'agent-7', socket: { kind: 'name', value: 'runners' } });
    expect(parseTmuxRef('/tmp/tmux-1000/default:agent-7')).toEqual({ session: 'agent-7', socket: { kind: 'path', value: '/tmp/tmux-1000/default' } });
  });

  it('splits at the last colon, since session names cannot hold one', () => {
    expect(parseTmuxRef('/run/a:b/sock:s1')).toEqual({ session: 's1', socket: { kind: 'path', value: '/run/a:b/sock' } });
  });

  it('looks a dotted name up as tmux named it (dots become underscores)', () => {
    expect(parseTmuxRef('agent.v2').session).toBe('agent_v2');
  });

  it('rejects a ref without a session', () => {
    expect(() => parseTmuxRef('')).toThrow(/names no session/);
    expect(() => parseTmuxRef('sock:')).toThrow(/names no session/);
  });

  it('builds socket arguments: the ref wins over the default, no socket means tmux default', () => {
    expect(socketArgs(parseTmuxRef('s'))).toEqual([]);
    expect(socketArgs(parseTmuxRef('s'), 'fallback')).toEqual(['-L', 'fallback']);
    expect(socketArgs(parseTmuxRef('mine:s'), 'fallback')).toEqual(['-L', 'mine']);
    expect(socketArgs(parseTmuxRef('/p/sock:s'), 'fallback')).toEqual(['-S', '/p/sock']);
    expect(describeTmuxRef(parseTmuxRef('mine:s'))).toBe('tmux session s (socket mine)');
  });
});
