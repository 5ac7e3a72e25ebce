import { describe, expect, it } from 'vitest';
import { classify, withHostMemoryEvidence } from '../../../src/domain/classifier/index.js';

const killedTail = 'indexing shard 41\nindexing shard 42\nKilled';
const counted = { oomKills: { file: 'memory.events', before: 0, after: 1 } };

describe('withHostMemoryEvidence: the host says what the text cannot', () => {
  it('a SIGKILL death while the cgroup counted a new OOM kill is oom, with the counter as evidence', () => {
    const text = classify({ tail: killedTail, signal: 'SIGKILL' });
    expect(text.crashType).toBe('killed');
    const c = withHostMemoryEvidence(text, { signal: 'SIGKILL' }, counted);
    expect(c.crashType).toBe('oom');
    expect(c.confidence).toBe(0.95);
    expect(c.evidence[0]).toBe('memory.events oom_kill 0→1');
    expect(c.summary).toContain('OOM killer');
  });

  it('exit 137 and a kernel line naming the pid are enough without a pinned cgroup', () => {
    const line = 'Memory cgroup out of memory: Killed process 4242 (python3) total-vm:43292kB';
    const c = withHostMemoryEvidence(classify({ tail: killedTail, exitCode: 137 }), { exitCode: 137 }, { kernelLines: [line] });
    expect(c.crashType).toBe('oom');
    expect(c.evidence).toContain(`kernel: ${line}`);
  });

  it('the kernel sent the SIGKILL: it beats a cause the tail told before it', () => {
    const text = classify({ tail: 'requests.exceptions.ReadTimeout: read timed out', signal: 'SIGKILL' });
    expect(withHostMemoryEvidence(text, { signal: 'SIGKILL' }, counted).crashType).toBe('oom');
  });

  it('no new OOM kill in the cgroup leaves the verdict alone', () => {
    const text = classify({ tail: killedTail, signal: 'SIGKILL' });
    expect(withHostMemoryEvidence(text, { signal: 'SIGKILL' }, { oomKills: { file: 'memory.oom_control', before: 2, after: 2 } })).toEqual(text);
    expect(withHostMemoryEvidence(text, { signal: 'SIGKILL' }, {})).toEqual(text);
  });

  it('a death by another signal is not the OOM killer’s, whatever the cgroup counted', () => {
    const text = classify({ tail: 'Segmentation fault (core dumped)', exitCode: 139 });
    expect(withHostMemoryEvidence(text, { exitCode: 139 }, counted)).toEqual(text);
  });

  it('with no exit status seen, only a killed or unknown verdict becomes oom', () => {
    const unknown = classify({ tail: 'indexing shard 41' });
    const c = withHostMemoryEvidence(unknown, {}, counted);
    expect(c.crashType).toBe('oom');
    expect(c.confidence).toBe(0.85);
    const network = classify({ tail: 'Error: connect ECONNREFUSED 127.0.0.1:443' });
    expect(withHostMemoryEvidence(network, {}, counted)).toEqual(network);
  });
});
