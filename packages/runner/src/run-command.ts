import { writeFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Task } from '@smart-reap/shared';
import { RunnerApiError } from './client/runner-api-error.js';
import { RunnerClient } from './client/runner-client.js';
import { MemoryCgroupPinSchema, pinMemoryCgroup, readProcessStartTime } from '@smart-reap/shared';
import { describeApiFailure, isTransient, withRetries } from './api-failure.js';
import { RUN_EXIT, describeExit, exitCodeOf, signalExitCode } from './exit-status.js';
import { FileFollower } from './file-follower.js';
import { spawnHeld, type HeldCommand } from './held-command.js';
import { LineSplitter } from './line-splitter.js';
import { LogShipper } from './log-shipper.js';
import { RunDir } from './run-dir.js';
import { secretEnvScrubber } from './env-scrubber.js';
import { taskEnvironment } from './task-environment.js';

export interface RunCommandOptions {
  kind: string;
  command: string;
  args: string[];
  apiUrl: string;
  /** Bearer token for the API (its `API_TOKEN`). */
  token?: string;
  runnerId: string;
  /** The host the reaper's probes for this runner run on (NODE_NAME): the command's pid lives there. */
  host: string;
  /** Poll until a task comes instead of exiting RUN_EXIT.noTask. Default false. */
  wait?: boolean;
  /** Between beats while the command lives. Default 30 000 ms (DESIGN §2). */
  heartbeatMs?: number;
  /** Between claims with `wait`. Default 5000 ms. */
  pollMs?: number;
  /** After a 409, how long the command has between SIGTERM and SIGKILL. Default 10 000 ms. */
  killGraceMs?: number;
  /** How often the command's output files are read. Default 100 ms. */
  followMs?: number;
  /** The wrapper's own messages, one line each, for a person. */
  say: (line: string) => void;
  /** Where the command's output is echoed as well as streamed to the task's log. Default: none. */
  echoStdout?: Writable;
  echoStderr?: Writable;
  /** Environment the command starts from. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Signals forwarded to the command. Default SIGINT and SIGTERM. */
  forwardSignals?: NodeJS.Signals[];
}

/** RunCommandOptions with every default applied, once: what the wrapper reads. */
type RunSettings = RunCommandOptions & Required<Pick<RunCommandOptions, 'wait' | 'heartbeatMs' | 'pollMs' | 'killGraceMs' | 'followMs' | 'env' | 'forwardSignals'>>;

function runSettings(o: RunCommandOptions): RunSettings {
  return {
    ...o,
    wait: o.wait ?? false,
    heartbeatMs: o.heartbeatMs ?? 30_000,
    pollMs: o.pollMs ?? 5000,
    killGraceMs: o.killGraceMs ?? 10_000,
    followMs: o.followMs ?? 100,
    env: o.env ?? process.env,
    forwardSignals: o.forwardSignals ?? ['SIGINT', 'SIGTERM'],
  };
}

/** Output still buffered at exit gets this long to reach the API before the report goes out anyway. */
const FINAL_LOG_FLUSH_MS = 5000;

/**
 * `reaper run`: claims a task of one kind for a command started held (so the claim names the pid
 * and start time the command will run as: see held-command.ts, and this wrapper as the reporter
 * of its exit), releases the command with the task in its environment, beats while it lives,
 * streams its stdout and stderr into the task's log, and reports its exit. Returns the wrapper's
 * exit code: the command's own (128 + n for signal n), or one of RUN_EXIT.
 *
 * The command keeps running if the wrapper dies: it has its own session, its output goes to files,
 * and the reaper probes it by the pid in the claim. Its exit then reaches the task as the probe's
 * "process dead" (no reporter is left to wait for), and the diagnosis reads what the log got
 * before the wrapper died.
 */
export async function runCommand(options: RunCommandOptions): Promise<number> {
  const o = runSettings(options);
  const signals = o.forwardSignals;
  const runDir = new RunDir();
  let held: HeldCommand;
  try {
    const outputs = runDir.openOutputs();
    try {
      held = spawnHeld({ command: o.command, args: o.args, stdoutFd: outputs.stdoutFd, stderrFd: outputs.stderrFd, env: o.env, envFile: runDir.envPath });
    } finally {
      outputs.close();
    }
  } catch (err) {
    runDir.remove();
    o.say(`cannot start the command: ${(err as Error).message}`);
    return RUN_EXIT.cannotRun;
  }

  let released = false;
  let stopSignal: NodeJS.Signals | undefined;
  let wakeWaiter: (() => void) | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (released) {
      held.signal(signal);
      return;
    }
    stopSignal ??= signal;
    wakeWaiter?.();
  };
  for (const s of signals) process.on(s, onSignal);

  const client = new RunnerClient({ apiUrl: o.apiUrl, token: o.token, runnerId: o.runnerId });
  try {
    const task = await claimTask(o, client, held, () => stopSignal, (wake) => (wakeWaiter = wake));
    if (typeof task === 'number') {
      await held.abandon();
      return task;
    }
    const lease = client.leaseOf(task.id) ?? '';
    // What leaves this process for the task (log lines, the failure text) never carries the exact
    // value of a secret in the command's environment, its lease included.
    const scrub = secretEnvScrubber({ ...o.env, REAPER_TASK_LEASE: lease });
    // Claimed, but the command will not run: the task is reported failed at once rather than left
    // for the probes to find the held shell gone.
    const giveUp = async (why: string, code: number): Promise<number> => {
      await held.abandon();
      o.say(`${why}: reporting task ${task.id} failed`);
      await withRetries(() => client.fail(task.id, { error: scrub(why) })).catch((err) => o.say(`could not report it: ${describeApiFailure(err, o.apiUrl)}`));
      return code;
    };
    if (stopSignal) return await giveUp(`reaper run was stopped by ${stopSignal} before the command started`, signalExitCode(stopSignal));
    if (held.hasExited()) return await giveUp('the held command died before it was started', RUN_EXIT.cannotRun);
    try {
      const env = taskEnvironment(task, { runnerId: o.runnerId, apiUrl: o.apiUrl, lease, dir: runDir.path });
      for (const [path, content] of Object.entries(env.files)) writeFileSync(path, content, { mode: 0o600 });
      held.release(env.vars);
    } catch (err) {
      return await giveUp(`the command could not be given its task: ${(err as Error).message}`, RUN_EXIT.cannotRun);
    }
    released = true;
    o.say(`task ${task.id} (kind ${task.kind}, attempt ${task.attempt}): running ${o.command} as pid ${held.pid}`);
    return await superviseRelease(o, client, held, task, runDir, scrub);
  } finally {
    for (const s of signals) process.off(s, onSignal);
    // A command still running (the wrapper failed around it) keeps writing into the directory.
    if (held.hasExited()) runDir.remove();
  }
}

/** The claimed task, or the exit code to leave with. */
async function claimTask(
  o: RunSettings,
  client: RunnerClient,
  held: HeldCommand,
  stopped: () => NodeJS.Signals | undefined,
  onWake: (wake: () => void) => void,
): Promise<Task | number> {
  let pidStartTime: string | undefined;
  let reporter: { pid: number; pidStartTime: string } | undefined;
  // The command's memory cgroup, pinned now that it lives: after an OOM kill its counter tells. A
  // path the claim would refuse (a cgroup name with characters the API does not take) is left out
  // rather than costing the claim.
  const pinned = await pinMemoryCgroup(held.pid);
  const memoryCgroup = pinned && MemoryCgroupPinSchema.safeParse(pinned).success ? pinned : undefined;
  try {
    // The held shell's start time is the command's: exec keeps it.
    pidStartTime = await readProcessStartTime(held.pid);
    const own = await readProcessStartTime(process.pid);
    reporter = own === undefined ? undefined : { pid: process.pid, pidStartTime: own };
  } catch {
    pidStartTime = undefined; // no procfs here: the claim names the pid alone
  }
  let saidWaiting = false;
  let lastProblem = '';
  for (;;) {
    const signal = stopped();
    if (signal) return signalExitCode(signal);
    try {
      const task = await client.claim({ kinds: [o.kind], runtime: { type: 'process', ref: '' }, pid: held.pid, pidStartTime, host: o.host, reporter, memoryCgroup });
      if (task) return task;
      if (!o.wait) {
        o.say(`no task of kind ${o.kind} is waiting (use --wait to wait for one)`);
        return RUN_EXIT.noTask;
      }
      if (!saidWaiting) o.say(`no task of kind ${o.kind} yet: waiting for one`);
      saidWaiting = true;
      lastProblem = '';
    } catch (err) {
      const problem = describeApiFailure(err, o.apiUrl);
      if (!o.wait || !isTransient(err)) {
        o.say(`cannot claim a task: ${problem}`);
        return RUN_EXIT.apiUnavailable;
      }
      if (problem !== lastProblem) o.say(`cannot claim a task yet: ${problem}; trying again`);
      lastProblem = problem;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, o.pollMs);
      onWake(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** From release to the report: beats, streams the output, and reports the exit. */
async function superviseRelease(
  o: RunSettings,
  client: RunnerClient,
  held: HeldCommand,
  task: Task,
  runDir: RunDir,
  scrub: (text: string) => string,
): Promise<number> {
  let apiTrouble = false;
  const shipper = new LogShipper((lines) => client.log(task.id, lines), {
    onError: (err, willRetry) => {
      if (apiTrouble && willRetry) return;
      apiTrouble = willRetry;
      o.say(`log lines ${willRetry ? 'not sent yet' : 'refused'}: ${describeApiFailure(err, o.apiUrl)}`);
    },
  });
  const follow = (path: string, echo: Writable | undefined): { follower: FileFollower; splitter: LineSplitter } => {
    const splitter = new LineSplitter((line) => shipper.push(scrub(line)));
    const follower = new FileFollower(
      path,
      (text) => {
        echo?.write(text);
        splitter.push(text);
      },
      { pollMs: o.followMs },
    );
    return { follower, splitter };
  };
  const streams = [follow(runDir.stdoutPath, o.echoStdout), follow(runDir.stderrPath, o.echoStderr)];
  await Promise.all(streams.map((s) => s.follower.start()));

  let fenced: RunnerApiError | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  let beatTrouble = false;
  const stopBeat = client.startHeartbeat(task.id, {
    intervalMs: o.heartbeatMs,
    onFenced: (err) => {
      fenced = err;
      shipper.discard();
      o.say(`task ${task.id} is no longer this runner's (${describeApiFailure(err, o.apiUrl)}): stopping the command`);
      held.signal('SIGTERM');
      killTimer = setTimeout(() => held.signal('SIGKILL'), o.killGraceMs);
    },
    onError: (err) => {
      if (beatTrouble) return;
      beatTrouble = true;
      o.say(`heartbeat failed: ${describeApiFailure(err, o.apiUrl)}; beating on`);
    },
  });

  const exit = await held.exited;
  clearTimeout(killTimer);
  if (held.leftoversKilled()) o.say(`the command ${describeExit(exit)}; what it left running in its process group was killed`);
  for (const s of streams) {
    await s.follower.finish().catch((err: unknown) => o.say(`reading the command's output failed: ${(err as Error).message}`));
    s.splitter.end();
  }

  if (fenced) {
    await stopBeat();
    o.say(`the command ${describeExit(exit)}; nothing reported: the task was taken from this runner`);
    return RUN_EXIT.fenced;
  }
  const flushLog = async (): Promise<void> => {
    await shipper.close(FINAL_LOG_FLUSH_MS);
    if (shipper.lostLines > 0) o.say(`${shipper.lostLines} lines of output did not reach the task's log`);
  };

  const code = exitCodeOf(exit);
  try {
    if (exit.code === 0) {
      // The last lines go first, success or failure: the API refuses log lines once the attempt
      // has ended, and a failure's diagnosis reads the log's tail as soon as the report is in.
      // Meanwhile the probes find the command's pid gone and this wrapper, its reporter, alive:
      // they wait for the report (readExitReport).
      await flushLog();
      await withRetries(() => client.complete(task.id));
      o.say(`task ${task.id} completed`);
    } else {
      await flushLog();
      await withRetries(() => client.fail(task.id, { exitCode: exit.code ?? undefined, signal: exit.signal ?? undefined }));
      o.say(`task ${task.id} failed: the command ${describeExit(exit)}; the reaper diagnoses it (reaper task ${task.id})`);
    }
    return code;
  } catch (err) {
    await stopBeat();
    const why = describeApiFailure(err, o.apiUrl);
    if (err instanceof RunnerApiError && err.isFenced) {
      o.say(`the command ${describeExit(exit)}, but task ${task.id} was no longer this runner's (${why})`);
      return RUN_EXIT.fenced;
    }
    o.say(`the command ${describeExit(exit)}, but reporting it failed (${why}); the reaper's probes will find the command gone and diagnose task ${task.id}`);
    return exit.code === 0 ? RUN_EXIT.apiUnavailable : code;
  }
}
