import { describe, expect, it, vi } from 'vitest';
import { ZodError } from 'zod';
import { TaskSchema } from '../../src/schemas/task.js';
import { TaskDecoder } from '../../src/store/task-decoder.js';
import { taskFixture } from '../../../../test/support/task-fixture.js';

const stored = JSON.stringify(TaskSchema.parse(taskFixture({ heartbeatAt: 5, history: [{ from: 'PENDING', to: 'ASSIGNED', at: 1, by: 'api', reason: 'created' }] })));

describe('TaskDecoder', () => {
  it('validates a stored form once, then only parses it, handing out a fresh object each time', () => {
    const decoder = new TaskDecoder();
    const parse = vi.spyOn(TaskSchema, 'parse');
    const a = decoder.decode(stored);
    const b = decoder.decode(stored);
    expect(parse).toHaveBeenCalledTimes(1);
    parse.mockRestore();
    expect(b).toEqual(a);
    expect(b).not.toBe(a);
    b.history.push({ from: 'ASSIGNED', to: 'IN_PROGRESS', at: 2, by: 'x', reason: 'y' });
    expect(decoder.decode(stored).history).toHaveLength(1);
  });

  it('refuses what does not match the schema, every time', () => {
    const decoder = new TaskDecoder();
    const bad = JSON.stringify({ ...JSON.parse(stored), status: 'NAPPING' });
    expect(() => decoder.decode(bad)).toThrow(ZodError);
    expect(() => decoder.decode(bad)).toThrow(ZodError);
  });

  it('validates every time a form that is not its own canonical serialisation', () => {
    const decoder = new TaskDecoder();
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(stored) as object).reverse()));
    const parse = vi.spyOn(TaskSchema, 'parse');
    decoder.decode(reordered);
    decoder.decode(reordered);
    expect(parse).toHaveBeenCalledTimes(2);
    parse.mockRestore();
  });

  it('forgets everything when full, and goes on validating', () => {
    const decoder = new TaskDecoder(1);
    const other = JSON.stringify({ ...JSON.parse(stored), id: 't2' });
    const parse = vi.spyOn(TaskSchema, 'parse');
    decoder.decode(stored);
    decoder.decode(other);
    decoder.decode(stored);
    expect(parse).toHaveBeenCalledTimes(3);
    parse.mockRestore();
  });
});
