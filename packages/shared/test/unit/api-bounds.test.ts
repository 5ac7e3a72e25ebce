import { describe, expect, it } from 'vitest';
import { CompleteBodySchema, CreateTaskBodySchema, FailBodySchema, MAX_JSON_DEPTH, nestsDeeperThan } from '@smart-reap/shared';

const nested = (levels: number): unknown => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);
const fields = (r: { success: boolean; error?: { issues: Array<{ path: PropertyKey[] }> } }) => r.error?.issues.map((i) => i.path.join('.'));

describe('JSON bounds of what clients send', () => {
  it('depth counts objects and arrays, not scalars, and never overflows the stack itself', () => {
    expect(nestsDeeperThan(1, 0)).toBe(false);
    expect(nestsDeeperThan([], 0)).toBe(true);
    expect(nestsDeeperThan({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: [{ b: {} }] }, 3)).toBe(true);
    expect(nestsDeeperThan(nested(1_000_000), MAX_JSON_DEPTH)).toBe(true);
  });

  it('a payload (POST /tasks, TaskProducer.create) deeper than 64 levels names payload', () => {
    expect(CreateTaskBodySchema.safeParse({ kind: 'k', payload: nested(64) }).success).toBe(true);
    expect(fields(CreateTaskBodySchema.safeParse({ kind: 'k', payload: nested(65) }))).toEqual(['payload']);
    expect(fields(CreateTaskBodySchema.safeParse({ kind: 'k', payload: { a: nested(10_000) } }))).toEqual(['payload']);
  });

  it('output is bounded in depth and in size', () => {
    expect(fields(CompleteBodySchema.safeParse({ runnerId: 'r', output: nested(65) }))).toEqual(['output']);
    expect(fields(CompleteBodySchema.safeParse({ runnerId: 'r', output: 'x'.repeat(1_000_000) }))).toEqual(['output']);
    expect(CompleteBodySchema.safeParse({ runnerId: 'r', output: 'x'.repeat(999_990) }).success).toBe(true);
    expect(CompleteBodySchema.safeParse({ runnerId: 'r' }).success).toBe(true);
  });

  it('exitCode within 0..255, signal a real signal name', () => {
    for (const exitCode of [0, 1, 137, 255]) expect(FailBodySchema.safeParse({ runnerId: 'r', exitCode }).success).toBe(true);
    for (const exitCode of [-1, 256, 2.5]) expect(fields(FailBodySchema.safeParse({ runnerId: 'r', exitCode }))).toEqual(['exitCode']);
    for (const signal of ['SIGKILL', 'SIGSEGV', 'SIGTERM']) expect(FailBodySchema.safeParse({ runnerId: 'r', signal }).success).toBe(true);
    for (const signal of ['yesterday', 'sigkill', 'SIGNOPE']) expect(fields(FailBodySchema.safeParse({ runnerId: 'r', signal }))).toEqual(['signal']);
  });
});
