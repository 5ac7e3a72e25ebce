import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { redisUrl, testRedis } from '../../../../test/support/redis-context.js';

const root = join(import.meta.dirname, '../../../..');
const main = join(root, 'services/cli/src/main.ts');

/**
 * `reaper demo` end to end, as a subprocess (node --import tsx, as `pnpm -s reaper` runs it).
 *
 * It runs on the suite's Redis (REDIS_URL set) rather than on a private redis-server: that works
 * wherever the suite gets its Redis from (a CI service, a container, redis-server), and it checks
 * what matters on a shared Redis: the demo keeps to keys of its own and removes them at the end.
 * The private-server path (REDIS_URL unset) is the one `reaper start` uses, covered by
 * start-command.test.ts.
 */
describe('reaper demo', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  it(
    'runs to the end by itself, exits 0, names each diagnosis and the resumed task, and leaves no key behind',
    async () => {
      const env = { ...process.env, REDIS_URL: redisUrl() } as Record<string, string>;
      delete env.LOG_LEVEL;
      delete env.NODE_NAME;
      const started = Date.now();
      const child = spawn(process.execPath, ['--import', 'tsx', main, 'demo'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let out = '';
      let err = '';
      child.stdout!.on('data', (d) => (out += d));
      child.stderr!.on('data', (d) => (err += d));
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      const wallMs = Date.now() - started;

      const report = `exit ${code} after ${wallMs} ms\n--- stdout\n${out}\n--- stderr\n${err}`;
      expect(code, report).toBe(0);
      // The demo's own limit is 80 s; the process (tsx start-up included) ends within 90 s.
      expect(wallMs, report).toBeLessThan(90_000);

      const summary = out.slice(out.indexOf('smart-reap demo: summary'));
      expect(summary, report).toContain('All 9 scenarios ended as expected.');
      // Each death's diagnosis, in the summary's "Diagnoses" section: `<scenario>  <crashType> (confidence …)`.
      for (const [scenario, crashType] of [
        ['oom', 'oom'],
        ['segfault', 'segfault'],
        ['rate-limited', 'rate_limited'],
        ['killed', 'killed'],
        ['stuck', 'timeout'],
        ['resumed', 'network_error'],
      ]) {
        expect(summary, report).toMatch(new RegExp(`^ {2}${scenario} +${crashType} \\(confidence`, 'm'));
      }
      expect(summary, report).toMatch(/^ {2}ok {2}resumed .*FAILED → continuation COMPLETED .*resume → continuation completed$/m);
      expect(summary, report).toMatch(/^ {2}ok {2}blocks-loop .*extended ×\d, not reaped$/m);
      expect(summary, report).toMatch(/^ {2}ok {2}hangs .*escalated, cancelled by the demo$/m);
      expect(summary, report).toMatch(/Dashboard \(Bull Board\): http:\/\/127\.0\.0\.1:\d+\/admin\/queues/);
      // Not a terminal: plain lines, no cursor movement.
      expect(out).not.toContain('\u001b[');

      const prefix = /keys under \{([^}]+)\}/.exec(out)?.[1];
      expect(prefix, report).toMatch(/^sr-demo-[0-9a-f]{8}$/);
      const redis = testRedis('worker');
      try {
        const left: string[] = [];
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}}:*`, 'COUNT', 1000);
          left.push(...keys);
          cursor = next;
        } while (cursor !== '0');
        expect(left).toEqual([]);
      } finally {
        redis.disconnect();
      }
    },
    150_000,
  );
});
