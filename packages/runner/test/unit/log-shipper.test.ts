import { describe, expect, it } from 'vitest';
import { RunnerApiError } from '../../src/client/runner-api-error.js';
import { LogShipper } from '../../src/log-shipper.js';

const offline = () => Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });

describe('LogShipper', () => {
  it('sends lines in order, batched by count and size, one call at a time', async () => {
    const calls: string[][] = [];
    let inFlight = 0;
    let overlapped = false;
    const shipper = new LogShipper(
      async (lines) => {
        overlapped ||= inFlight > 0;
        inFlight++;
        calls.push(lines);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
      },
      { flushMs: 1, maxBatchLines: 3, maxBatchChars: 10 },
    );
    for (const l of ['a', 'b', 'c', 'd', 'eeeeeeeee', 'f']) shipper.push(l);
    await shipper.close(1000);
    expect(calls).toEqual([['a', 'b', 'c'], ['d', 'eeeeeeeee'], ['f']]);
    expect(overlapped).toBe(false);
    expect(shipper.lostLines).toBe(0);
  });

  it('keeps a batch through a passing failure and sends it again, noting lines dropped over the buffer', async () => {
    const calls: string[][] = [];
    let failures = 2;
    const errors: boolean[] = [];
    const shipper = new LogShipper(
      async (lines) => {
        if (failures-- > 0) throw offline();
        calls.push(lines);
      },
      { flushMs: 1, retryMs: 5, maxBufferedLines: 3, onError: (_e, retry) => errors.push(retry) },
    );
    shipper.push('1');
    await new Promise((r) => setTimeout(r, 3));
    for (const l of ['2', '3', '4', '5']) shipper.push(l);
    await shipper.close(2000);
    expect(errors.every(Boolean)).toBe(true);
    const sent = calls.flat();
    expect(sent.at(0)).toMatch(/^\[reaper run\] 2 lines of output were dropped/);
    expect(sent.slice(1)).toEqual(['3', '4', '5']);
    expect(shipper.lostLines).toBe(2);
  });

  it('drops a batch the API refuses instead of trying it forever', async () => {
    const calls: string[][] = [];
    const shipper = new LogShipper(async (lines) => {
      if (lines.includes('bad')) throw new RunnerApiError('POST', '/tasks/x/log', 400, 'lines: too long');
      calls.push(lines);
    }, { flushMs: 1, maxBatchLines: 1 });
    for (const l of ['ok', 'bad', 'fine']) shipper.push(l);
    await shipper.close(1000);
    expect(calls).toEqual([['ok'], ['fine']]);
    expect(shipper.lostLines).toBe(1);
  });

  it('gives up at the close deadline while the API stays away, and sends nothing after discard', async () => {
    let calls = 0;
    const shipper = new LogShipper(async () => {
      calls++;
      throw offline();
    }, { flushMs: 1, retryMs: 10 });
    shipper.push('x');
    const started = Date.now();
    await shipper.close(50);
    expect(Date.now() - started).toBeLessThan(500);
    expect(shipper.lostLines).toBe(1);

    const sent: string[][] = [];
    const fenced = new LogShipper(async (l) => void sent.push(l), { flushMs: 1 });
    fenced.push('before');
    fenced.discard();
    fenced.push('after');
    await fenced.close(100);
    expect(sent).toEqual([]);
    expect(calls).toBeGreaterThan(0);
  });
});
