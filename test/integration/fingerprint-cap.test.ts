import { afterEach, describe, expect, it } from 'vitest';
import { startTestStack, waitFor, type TestStack } from '../support/stack.js';

describe('the fingerprint cap with real runner processes (DESIGN §8)', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.dispose();
    stack = undefined;
  });

  async function claimAndKill(s: TestStack, first: boolean): Promise<string> {
    const child = s.spawnRunner();
    const task = first ? await s.claimFor(child, { dedupKey: 'issue-9', maxRetries: 5 }) : await waitFor(() => s.claimAs(child), 5000, 'the next attempt to be claimable');
    await waitFor(async () => (await s.task(task.id)).probe?.processState === 'alive', 5000, 'an alive probe');
    child.kill('SIGKILL');
    return task.id;
  }

  const diagnosed = (s: TestStack, id: string, attempt: number) =>
    waitFor(async () => {
      const t = await s.task(id);
      return t.attempt === attempt && t.status !== 'IN_PROGRESS' && t.context.reap_diagnosis?.attempt === attempt ? t : undefined;
    }, 10_000, `task ${id} attempt ${attempt} diagnosed`);

  it('one fingerprint gets 3 attempts whatever maxRetries says, then FAILED and a person asked to look', async () => {
    stack = await startTestStack();
    const id = await claimAndKill(stack, true);
    expect((await diagnosed(stack, id, 1)).context.reap_diagnosis?.decision).toBe('reassign');
    await claimAndKill(stack, false);
    expect((await diagnosed(stack, id, 2)).context.reap_diagnosis?.decision).toBe('reassign');
    await claimAndKill(stack, false);
    const last = await diagnosed(stack, id, 3);
    expect(last.status).toBe('FAILED');
    expect(last.context.reap_diagnosis?.decision).toBe('fail');
    expect(last.needsAttention?.reason).toMatch(/^one fingerprint has failed 3 times: /);
  });
});
