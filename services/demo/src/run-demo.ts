import {
  createLogger,
  createRedisClient,
  redisHost,
  waitForReady,
  type AuditEvent,
  type Task,
} from '@smart-reap/shared';
import { ApiClient } from '@smart-reap/runner';
import type { DemoRedis, DemoStack, DemoStarters } from './starters.js';
import { DEMO_SETTINGS, DEMO_TIME_LIMIT_MS, RUNNER_TIMING, demoConfig, demoKeyPrefix } from './demo-config.js';
import { startDemoRunner, type DemoRunner } from './demo-runner.js';
import { finalVerdict, judge, type Observation } from './expectations.js';
import { startFakeProvider, type FakeProvider } from './fake-provider.js';
import { InPlaceBlock, buildRow, changeLines, renderTable, seconds } from './live-table.js';
import { programSpec, pythonAvailable, type ProgramInfo } from './runner-programs.js';
import { SCENARIOS, type ProgramName, type Scenario } from './scenarios.js';
import { renderSummary, summarize } from './summary.js';

export interface DemoOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface DemoOptions extends DemoStarters {
  /** Keep the stack up after the summary until `stop` aborts. */
  keep: boolean;
  /** The API's port; 0 picks a free one. */
  port: number;
  env: NodeJS.ProcessEnv;
  out: DemoOutput;
  /** Ctrl-C: ends the demo (or the `--keep` wait). */
  stop: AbortSignal;
  /** Between two refreshes of the table. Default 250 ms. */
  refreshMs?: number;
}

interface ScenarioState {
  scenario: Scenario;
  taskId: string;
  obs: Observation;
  /** Runners started, by `<task id>#<attempt>`: one per attempt. */
  launched: Set<string>;
  cancelled: boolean;
}

/** Exit codes: every scenario as expected, some not, stopped by the user before the end. */
export const DEMO_EXIT = { ok: 0, unexpected: 1, interrupted: 130 } as const;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/** The programs' environment: nothing of the stack's own settings or secrets. */
function runnerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const k of ['REDIS_URL', 'API_TOKEN', 'ESCALATION_WEBHOOK_URL', 'NODE_OPTIONS']) delete out[k];
  return out;
}

/** A continuation's program learns how far its parent got, and how much partial output it inherits: never the output itself. */
function programInfo(task: Task, providerUrl: string): ProgramInfo {
  const payload = (task.parentId ? task.payload : undefined) as { partialOutput?: unknown; partialOutputRatio?: unknown } | undefined;
  return {
    attempt: task.attempt,
    beatMs: RUNNER_TIMING.beatMs,
    stepMs: RUNNER_TIMING.stepMs,
    blockMs: RUNNER_TIMING.blockMs,
    providerUrl,
    ...(typeof payload?.partialOutputRatio === 'number' ? { resumeRatio: payload.partialOutputRatio } : {}),
    ...(typeof payload?.partialOutput === 'string' ? { partialChars: payload.partialOutput.length } : {}),
    ...(task.healHint?.reason ? { hint: task.healHint.reason } : {}),
  };
}

async function dropKeys(url: string, prefix: string): Promise<void> {
  const r = createRedisClient({ url, role: 'worker' });
  try {
    await waitForReady(r);
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `{${prefix}}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}

/**
 * `reaper demo`: the stack in this process on the embedded default, one real runner process per
 * scenario, a live table of what the reaper sees and decides, and a summary. Resolves to the exit
 * code (DEMO_EXIT).
 */
export async function runDemo(o: DemoOptions): Promise<number> {
  const started = Date.now();
  const say = (line = '') => o.out.write(`${line}\n`);
  const width = () => Math.max(60, (o.out.columns ?? 160) - 1);
  const keyPrefix = demoKeyPrefix();
  const config = demoConfig({ env: o.env, port: o.port, keyPrefix });
  const logger = createLogger('smart-reap-demo', o.env.LOG_LEVEL || 'silent', process.stderr);
  const privateRedis = !config.REDIS_URL;

  let redis: DemoRedis | undefined;
  let stack: DemoStack | undefined;
  let provider: FakeProvider | undefined;
  const runners: DemoRunner[] = [];
  const timers: NodeJS.Timeout[] = [];
  const notes: string[] = [];
  try {
    // The demo keeps nothing: its keys are removed at the end, its private Redis with it.
    redis = await o.redisForStart({ redisUrl: config.REDIS_URL, dataDir: undefined, logger });
    stack = await o.startStack({ config, redisUrl: redis.url, logger, host: '127.0.0.1' });
    provider = await startFakeProvider({ retryAfterSeconds: RUNNER_TIMING.retryAfterSeconds });
    const python = pythonAvailable();
    const apiUrl = stack.url;
    const dashboardUrl = `${apiUrl}/admin/queues`;
    const core = stack.core;

    say(`smart-reap demo: ${SCENARIOS.length} real runner processes; the reaper, prober and diagnoser run in this process`);
    say(
      privateRedis
        ? `  Redis      private redis-server on ${redisHost(redis.url)} (REDIS_URL is not set; nothing is kept)`
        : `  Redis      REDIS_URL (${redisHost(redis.url)}), keys under {${keyPrefix}}, removed at the end`,
    );
    say(`  API        ${apiUrl}   dashboard (Bull Board) ${dashboardUrl}`);
    say(
      `  settings   probes every ${DEMO_SETTINGS.PROBE_INTERVAL_MS} ms, heartbeat grace ${DEMO_SETTINGS.HEARTBEAT_GRACE_MS / 1000} s, ` +
        `${DEMO_SETTINGS.MAX_EXTENSIONS} extensions, runners beat every ${RUNNER_TIMING.beatMs / 1000} s`,
    );
    say(`  segfault   ${python ? 'python3 dereferencing NULL through ctypes' : 'node recursing past the end of its stack (no python3 here)'}`);
    say();

    const api = new ApiClient({ apiUrl });
    const states: ScenarioState[] = [];
    for (const s of SCENARIOS) {
      const created = await api.createTask({ kind: s.kind, maxAgeMinutes: s.maxAgeMinutes, maxRetries: 1, payload: { demo: s.name } });
      states.push({ scenario: s, taskId: created.id, obs: { events: [] }, launched: new Set(), cancelled: false });
    }

    const env = runnerEnv(o.env);
    const launch = async (st: ScenarioState, program: ProgramName, key: string): Promise<DemoRunner | undefined> => {
      if (st.launched.has(key)) return undefined;
      st.launched.add(key);
      try {
        const r = await startDemoRunner({
          apiUrl,
          host: config.NODE_NAME,
          kind: st.scenario.kind,
          name: st.scenario.name,
          program: programSpec(program, { python }),
          info: (task) => programInfo(task, provider!.url),
          env,
          onNote: (n) => notes.push(n),
        });
        runners.push(r);
        return r;
      } catch (err) {
        st.obs.runnerProblem = `runner for ${key} did not start: ${(err as Error).message}`;
        return undefined;
      }
    };
    const t0 = Date.now();
    for (const st of states) {
      timers.push(
        setTimeout(async () => {
          const r = await launch(st, st.scenario.program, `${st.taskId}#1`);
          if (!r) return;
          void r.exited.then((exit) => (st.obs.deathAt = exit.at));
          const killAfter = st.scenario.killAfterMs;
          if (killAfter !== undefined) timers.push(setTimeout(() => r.kill('SIGKILL'), killAfter));
        }, st.scenario.startAfterMs),
      );
    }

    // The reaper's view, read where it keeps it: the task store and the audit trail.
    const events: AuditEvent[] = [];
    const seenEvents = new Set<string>();
    const refresh = async (): Promise<void> => {
      const ids = states.flatMap((st) => [st.taskId, ...(st.obs.task?.continuationId ? [st.obs.task.continuationId] : [])]);
      const byId = new Map((await core.store.getMany(ids)).map((t) => [t.id, t]));
      const fresh = (await core.events.list({ limit: 500 })).filter((e) => !seenEvents.has(e.id)).reverse();
      for (const e of fresh) {
        seenEvents.add(e.id);
        events.push(e);
      }
      for (const st of states) {
        const t = byId.get(st.taskId);
        if (!t) continue;
        st.obs.task = t;
        if (t.status === 'IN_PROGRESS' && t.attempt === 1 && t.deadline !== undefined) st.obs.lastDeadline = t.deadline;
        const d = t.context.reap_diagnosis;
        if (!st.obs.firstDiagnosis && d?.attempt === 1) st.obs.firstDiagnosis = d;
        if (t.continuationId) st.obs.continuation = byId.get(t.continuationId) ?? st.obs.continuation;
        const mine = new Set([st.taskId, st.obs.continuation?.id]);
        st.obs.events = events.filter((e) => mine.has(e.taskId));
      }
    };

    // What a person or a runner pool would do next: run the retries and the continuation, and
    // attend to the escalated task (cancel it, which fences its runner).
    const followUp = async (): Promise<void> => {
      for (const st of states) {
        const t = st.obs.task;
        if (t?.status === 'ASSIGNED' && t.attempt > 1) void launch(st, 'work', `${t.id}#${t.attempt}`);
        const c = st.obs.continuation;
        if (c?.status === 'ASSIGNED') void launch(st, 'work', `${c.id}#${c.attempt}`);
        if (st.scenario.expect.type === 'escalated' && t?.status === 'IN_PROGRESS' && !st.cancelled && st.obs.events.some((e) => e.type === 'escalate')) {
          st.cancelled = true;
          const res = await fetch(`${apiUrl}/tasks/${encodeURIComponent(t.id)}/cancel`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ reason: 'demo: escalated while alive; cancelled as a person would' }),
          }).catch((err: Error) => err);
          if (res instanceof Error || !res.ok) notes.push(`${st.scenario.name}: cancel failed: ${res instanceof Error ? res.message : res.status}`);
        }
      }
    };

    const tty = o.out.isTTY === true;
    const block = new InPlaceBlock((text) => o.out.write(text));
    const seenRows = new Map<string, string>();
    const draw = (final: boolean): void => {
      const now = Date.now();
      const rows = states.map((st) => buildRow(st.scenario, st.obs, now));
      if (tty) {
        const done = states.filter((st) => judge(st.scenario, st.obs).settled).length;
        block.draw([
          ...renderTable(rows, width()),
          '',
          `  ${seconds(now - t0)}   ${done} of ${states.length} scenarios settled${final ? '' : '   (Ctrl-C to stop)'}`,
        ]);
      } else {
        for (const line of changeLines(seenRows, rows, now - t0, width())) say(line);
      }
    };

    let timedOut = false;
    for (;;) {
      await refresh();
      await followUp();
      draw(false);
      if (o.stop.aborted) break;
      if (states.every((st) => judge(st.scenario, st.obs).settled)) break;
      if (Date.now() - started > DEMO_TIME_LIMIT_MS) {
        timedOut = true;
        break;
      }
      await sleep(o.refreshMs ?? 250, o.stop);
    }
    for (const t of timers) clearTimeout(t);
    await refresh();
    draw(true);
    const interrupted = o.stop.aborted;

    // Whatever still runs (only when something went wrong) is killed now: its task stays as it is.
    for (const r of runners) r.kill('SIGKILL');
    await Promise.race([Promise.all(runners.map((r) => r.exited)), sleep(5000)]);

    const verdicts = states.map((st) => finalVerdict(st.scenario, st.obs, timedOut || interrupted));
    const rows = states.map((st, i) => summarize(st.scenario, st.obs, verdicts[i]!));
    say();
    for (const line of renderSummary(rows, { apiUrl, dashboardUrl, wallMs: Date.now() - started, kept: o.keep && !interrupted, width: width() })) say(line);
    if (verdicts.some((v) => !v.ok) && notes.length) {
      say();
      say('Runner notes:');
      for (const n of notes) say(`  ${n}`);
    }

    if (o.keep && !interrupted) {
      say();
      say(`The stack stays up at ${apiUrl} (dashboard ${dashboardUrl}); Ctrl-C to stop.`);
      await new Promise<void>((resolve) => (o.stop.aborted ? resolve() : o.stop.addEventListener('abort', () => resolve(), { once: true })));
    }
    if (interrupted) return DEMO_EXIT.interrupted;
    return verdicts.every((v) => v.ok) ? DEMO_EXIT.ok : DEMO_EXIT.unexpected;
  } finally {
    for (const t of timers) clearTimeout(t);
    for (const r of runners) r.kill('SIGKILL');
    await provider?.close().catch(() => undefined);
    await stack?.close().catch((err: Error) => logger.warn({ err: err.message }, 'stack close failed'));
    if (redis && !privateRedis) await dropKeys(redis.url, keyPrefix).catch((err: Error) => logger.warn({ err: err.message }, 'could not remove the demo keys'));
    await redis?.stop();
  }
}
