import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { envScript } from '../../src/held-command.js';
import { MAX_INLINE_ENV_CHARS, taskEnvironment } from '../../src/task-environment.js';
import { taskFixture } from '../../../../test/support/task-fixture.js';

const ctx = { runnerId: 'r1', apiUrl: 'http://127.0.0.1:8080', lease: 'the-lease', dir: '/run/x' };
const scratch = mkdtempSync(join(tmpdir(), 'reaper-env-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('envScript', () => {
  it('gives sh back every value byte for byte, quotes and shell syntax included', () => {
    const vars = { A: "it's $(rm -rf /) `x` \"q\" \\n", B: 'line one\nline two', C: '' };
    const file = join(scratch, 'env.sh');
    writeFileSync(file, envScript(vars));
    const out = execFileSync('/bin/sh', ['-c', '. "$1"; printf "%s\\0%s\\0%s" "$A" "$B" "$C"', 'sh', file], { encoding: 'utf8' });
    expect(out.split('\0')).toEqual([vars.A, vars.B, vars.C]);
  });

  it('refuses a name that is not a variable and a value with NUL', () => {
    expect(() => envScript({ 'A;rm': 'x' })).toThrow(/not a variable name/);
    expect(() => envScript({ A: 'x\0y' })).toThrow(/NUL/);
  });
});

describe('taskEnvironment', () => {
  it('names the task, the runner and the API, and hands on the payload inline and in a file', () => {
    const task = taskFixture({ id: 'abc', kind: 'fix', attempt: 2, maxRetries: 3, payload: { issue: 42 } });
    const env = taskEnvironment(task, ctx);
    expect(env.vars).toEqual({
      REAPER_TASK_ID: 'abc',
      REAPER_TASK_KIND: 'fix',
      REAPER_TASK_ATTEMPT: '2',
      REAPER_TASK_MAX_RETRIES: '3',
      REAPER_RUNNER_ID: 'r1',
      REAPER_API_URL: 'http://127.0.0.1:8080',
      REAPER_TASK_LEASE: 'the-lease',
      REAPER_TASK_PAYLOAD: '{"issue":42}',
      REAPER_TASK_PAYLOAD_FILE: '/run/x/payload.json',
    });
    expect(env.files).toEqual({ '/run/x/payload.json': '{"issue":42}' });
  });

  it('sets no payload variable for a task without one', () => {
    const env = taskEnvironment(taskFixture(), ctx);
    expect(env.vars.REAPER_TASK_PAYLOAD).toBeUndefined();
    expect(env.files).toEqual({});
  });

  it('unwraps a continuation: the work payload, the partial output, its ratio and the parent', () => {
    const task = taskFixture({
      parentId: 'p1',
      payload: {
        parentPayload: { parentPayload: { issue: 7 }, partialOutput: 'old', partialOutputRatio: 0.2, resumeFrom: 'x' },
        partialOutput: 'half done',
        partialOutputRatio: 0.5,
        resumeFrom: 'Unhandled Python exception',
      },
    });
    const { vars, files } = taskEnvironment(task, ctx);
    expect(vars).toMatchObject({
      REAPER_TASK_PARENT_ID: 'p1',
      REAPER_TASK_PAYLOAD: '{"issue":7}',
      REAPER_PARTIAL_OUTPUT: 'half done',
      REAPER_PARTIAL_OUTPUT_FILE: '/run/x/partial-output.txt',
      REAPER_PARTIAL_OUTPUT_RATIO: '0.5',
      REAPER_RESUME_FROM: 'Unhandled Python exception',
    });
    expect(files['/run/x/partial-output.txt']).toBe('half done');
  });

  it('leaves a payload of the same shape alone when the task is no continuation', () => {
    const payload = { parentPayload: 1, partialOutput: 'mine' };
    const { vars } = taskEnvironment(taskFixture({ payload }), ctx);
    expect(vars.REAPER_TASK_PAYLOAD).toBe(JSON.stringify(payload));
    expect(vars.REAPER_PARTIAL_OUTPUT).toBeUndefined();
  });

  it('keeps a value too long for exec out of the environment, in its file only', () => {
    const big = 'x'.repeat(MAX_INLINE_ENV_CHARS + 1);
    const { vars, files } = taskEnvironment(taskFixture({ payload: big }), ctx);
    expect(vars.REAPER_TASK_PAYLOAD).toBeUndefined();
    expect(vars.REAPER_TASK_PAYLOAD_FILE).toBe('/run/x/payload.json');
    expect(files['/run/x/payload.json']).toBe(JSON.stringify(big));
  });

  it('hands on a heal hint', () => {
    const { vars } = taskEnvironment(taskFixture({ healHint: { memory: '2Gi', reason: 'oom' } }), ctx);
    expect(JSON.parse(vars.REAPER_HEAL_HINT!)).toEqual({ memory: '2Gi', reason: 'oom' });
  });
});
