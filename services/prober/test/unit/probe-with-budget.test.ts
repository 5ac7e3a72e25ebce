import { describe, expect, it } from 'vitest';
import type { ProbeAdapter, ProbeContext, ProbeResult, ProbeTarget } from '@smart-reap/shared';
import { probeWithBudget } from '../../src/probes/probe-with-budget.js';

const target: ProbeTarget = { taskId: 't1', runtime: { type: 'http', ref: 'http://x' } };
const budget = { timeoutMs: 100, now: 1_000 };
const adapter = (probe: (t: ProbeTarget, ctx: ProbeContext) => Promise<ProbeResult>): ProbeAdapter => ({ type: 'http', probe });

describe('probeWithBudget', () => {
  it('passes a result through and hands the adapter the clock and the grace', async () => {
    let seen: ProbeContext | undefined;
    const r = await probeWithBudget(
      adapter(async (_t, ctx) => {
        seen = ctx;
        return { runtimeState: 'alive', processState: 'dead', evidence: ['seen'], exitCode: 1 };
      }),
      target,
      budget,
    );
    expect(r).toEqual({ runtimeState: 'alive', processState: 'dead', evidence: ['seen'], exitCode: 1 });
    expect(seen).toMatchObject({ now: 1_000 });
    expect(seen?.signal.aborted).toBe(false);
  });

  it('returns unknown at the budget even when the adapter ignores its signal', async () => {
    const started = Date.now();
    const r = await probeWithBudget(adapter(() => new Promise(() => {})), target, budget);
    const took = Date.now() - started;
    expect(r).toEqual({ runtimeState: 'unknown', processState: 'unknown', evidence: ['probe timed out after 100 ms'] });
    expect(took).toBeGreaterThanOrEqual(95);
    expect(took).toBeLessThan(1_000);
  });

  it('aborts the adapter signal at the budget, and the timeout evidence wins over the adapter reacting to it', async () => {
    let signal: AbortSignal | undefined;
    const r = await probeWithBudget(
      adapter(
        (_t, ctx) =>
          new Promise((resolve) => {
            signal = ctx.signal;
            ctx.signal.addEventListener('abort', () => resolve({ runtimeState: 'unknown', processState: 'unknown', evidence: ['adapter saw abort'] }));
          }),
      ),
      target,
      budget,
    );
    expect(signal?.aborted).toBe(true);
    expect(r.evidence).toEqual(['probe timed out after 100 ms']);
  });

  it('turns a throw or a rejection into unknown, never dead', async () => {
    const thrown = await probeWithBudget(
      adapter(() => {
        throw new Error('boom');
      }),
      target,
      budget,
    );
    expect(thrown).toEqual({ runtimeState: 'unknown', processState: 'unknown', evidence: ['probe error: boom'] });
    const rejected = await probeWithBudget(adapter(() => Promise.reject(new TypeError('bad'))), target, budget);
    expect(rejected).toEqual({ runtimeState: 'unknown', processState: 'unknown', evidence: ['probe error: bad'] });
  });
});
