import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import type { Progress, Task } from '@smart-reap/shared';
import { ApiClient, RunnerApiError, RunnerClient } from '@smart-reap/runner';
import { readProcessStartTime } from '@smart-reap/shared';
import { Lines, parseControlLine, type ControlMessage } from './control-channel.js';
import { LogPump } from './log-pump.js';
import type { ProgramInfo, ProgramSpec } from './runner-programs.js';

export interface RunnerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** When its parent saw it die (epoch ms). */
  at: number;
}

export interface DemoRunnerOptions {
  apiUrl: string;
  /** The reaper's NODE_NAME: this host, where the prober looks at the pid. */
  host: string;
  kind: string;
  /** Part of the runner id: `demo-<name>-<pid>`. */
  name: string;
  program: ProgramSpec;
  /** The program's first stdin line, from the claimed task. */
  info: (task: Task) => ProgramInfo;
  /** The programs' environment. */
  env: NodeJS.ProcessEnv;
  /** Something went wrong on the runner's side (not the program's own output). */
  onNote?: (note: string) => void;
}

export interface DemoRunner {
  readonly pid: number;
  readonly runnerId: string;
  readonly task: Task;
  /** Resolves once the process is gone and its last lines (and its exit, when still its to tell) reached the log. */
  readonly exited: Promise<RunnerExit>;
  exit(): RunnerExit | undefined;
  kill(signal: NodeJS.Signals): void;
}

/** `[demo runner] pid 123 exited with code 1`, `… was killed by signal SIGKILL (exit code 137)`: what a shell or a supervisor prints. */
export function exitLine(pid: number, exit: Pick<RunnerExit, 'code' | 'signal'>): string {
  if (exit.code !== null) return `[demo runner] pid ${pid} exited with code ${exit.code}`;
  const signo = exit.signal ? constants.signals[exit.signal] : undefined;
  return `[demo runner] pid ${pid} was killed by signal ${exit.signal ?? 'unknown'}${signo === undefined ? '' : ` (exit code ${128 + signo})`}`;
}

/**
 * Whether the runner should still write its process's exit into the task's log: only while the
 * attempt is its own, and not when the reaper took the attempt down before the process died (it
 * stopped a stuck runner: the SIGTERM is the reaper's own, not the cause).
 */
export function shouldTellExit(task: Task | undefined, mine: { runnerId: string; attempt: number }, diedAt: number): boolean {
  if (!task) return true;
  if (task.status !== 'IN_PROGRESS' || task.attempt !== mine.attempt || task.runner?.runnerId !== mine.runnerId) return false;
  return !(task.reap && task.reap.at <= diedAt);
}

/**
 * A real runner process for the demo: the program starts held in a shell (core dumps off), the
 * task is claimed for its pid and start time (`process` runtime on this host), and only then is
 * it released. The program's stdout and stderr go line by line into the task's log through the
 * runner client; its control messages on fd 3 become heartbeats, progress and completion; its
 * exit, as its parent sees it, is the log's last line. The parent never reports a failure: the
 * reaper's probes find each death.
 */
export async function startDemoRunner(o: DemoRunnerOptions): Promise<DemoRunner> {
  const hold = `ulimit -c 0 2>/dev/null; ${o.program.prelude ? `${o.program.prelude}; ` : ''}read -r _ || exit 125; exec "$0" "$@"`;
  const child = spawn('/bin/sh', ['-c', hold, o.program.command, ...o.program.args], { stdio: ['pipe', 'pipe', 'pipe', 'pipe'], env: o.env });
  const spawnFailed = new Promise<never>((_, reject) => child.once('error', (err) => reject(new Error(`cannot start ${o.program.command}: ${err.message}`))));
  spawnFailed.catch(() => undefined);
  const pid = child.pid;
  if (pid === undefined) return spawnFailed;
  child.stdin!.on('error', () => undefined);

  const note = (m: string) => o.onNote?.(`${o.name} (pid ${pid}): ${m}`);
  const runnerId = `demo-${o.name}-${pid}`;
  const client = new RunnerClient({ apiUrl: o.apiUrl, runnerId });
  let task: Task | undefined;
  const pump = new LogPump(
    (lines) => client.log(task!.id, lines),
    (err) => note(`log lines not sent: ${(err as Error).message}`),
  );
  const out = new Lines((l) => pump.push(l));
  const err = new Lines((l) => pump.push(l));
  child.stdout!.setEncoding('utf8').on('data', (d: string) => out.push(d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => err.push(d));

  let exit: RunnerExit | undefined;
  let fenced = false;
  let completed = false;
  const exitSeen = new Promise<RunnerExit>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal, at: Date.now() };
      resolve(exit);
    }),
  );
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));

  // Heartbeats: one in flight at most; a beat asked for meanwhile goes out after it. None once
  // the program said it is done (a beat landing after the completion would be refused).
  let progress: Progress | undefined;
  let progressSent: Progress | undefined;
  let inFlight: Promise<void> | undefined;
  let beatWanted = false;
  let finishing = false;
  const beat = (): void => {
    beatWanted = true;
    if (inFlight || fenced || finishing || exit || !task) return;
    beatWanted = false;
    const p = progress !== progressSent ? progress : undefined;
    inFlight = client
      .heartbeat(task.id, p)
      .then(
        () => {
          if (p) progressSent = p;
        },
        (e: unknown) => {
          if (e instanceof RunnerApiError && e.isFenced) return onFenced(e);
          note(`heartbeat failed: ${(e as Error).message}`);
        },
      )
      .finally(() => {
        inFlight = undefined;
        if (beatWanted) beat();
      });
  };
  // Fenced (reaped or cancelled): the work is no longer this runner's; stop it, as `reaper run` does.
  const onFenced = (e: RunnerApiError): void => {
    if (fenced) return;
    fenced = true;
    note(`fenced (${e.serverMessage}): stopping the program`);
    if (!exit) child.kill('SIGTERM');
    setTimeout(() => !exit && child.kill('SIGKILL'), 3000).unref();
  };
  const onControl = async (m: ControlMessage): Promise<void> => {
    if (!task || fenced) return;
    if (m.t === 'beat') return beat();
    if (m.t === 'progress') {
      progress = { ratio: m.ratio, ...(m.partial !== undefined ? { partialOutput: m.partial } : {}) };
      return beat();
    }
    // done: no more beats, its last lines, then the completion, then the program may exit.
    finishing = true;
    while (inFlight) await inFlight;
    await pump.flush();
    try {
      await client.complete(task.id, { chars: m.chars });
      completed = true;
    } catch (e) {
      note(`completion refused: ${(e as Error).message}`);
    }
    child.stdin!.write('exit\n');
  };
  const control = new Lines((l) => {
    const m = parseControlLine(l);
    if (m) void onControl(m);
  });
  (child.stdio[3] as Readable).setEncoding('utf8').on('data', (d: string) => control.push(d));

  const abandon = async (why: string): Promise<never> => {
    child.kill('SIGKILL');
    await closed;
    throw new Error(why);
  };
  let pidStartTime: string | undefined;
  try {
    pidStartTime = await Promise.race([readProcessStartTime(pid), spawnFailed]);
  } catch (e) {
    return abandon((e as Error).message);
  }
  if (!pidStartTime) return abandon(`${o.program.command} died before its task was claimed`);
  try {
    task = await client.claim({ kinds: [o.kind], runtime: { type: 'process', ref: '' }, pid, pidStartTime, host: o.host });
  } catch (e) {
    return abandon(`claim failed: ${(e as Error).message}`);
  }
  if (!task) return abandon(`no task of kind ${o.kind} was waiting`);
  const claimed = task;
  pump.open();
  child.stdin!.write(`go\n${JSON.stringify(o.info(claimed))}\n`);

  const exited = (async () => {
    const seen = await exitSeen;
    await closed;
    out.end();
    err.end();
    if (!completed && !fenced) {
      const now = await new ApiClient({ apiUrl: o.apiUrl }).getTask(claimed.id).catch(() => undefined);
      if (shouldTellExit(now, { runnerId, attempt: claimed.attempt }, seen.at)) pump.push(exitLine(pid, seen));
    }
    await pump.flush();
    return seen;
  })();

  return {
    pid,
    runnerId,
    task: claimed,
    exited,
    exit: () => exit,
    kill(signal) {
      if (!exit) child.kill(signal);
    },
  };
}
