import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Router } from 'express';
import { QUEUE, type JobQueues } from '@smart-reap/shared';

export interface QueueBoard {
  router: Router;
  /** Adds queues that appeared since (host probe queues come and go with runner hosts). */
  refresh(): void;
  stop(): void;
}

export interface QueueBoardOptions {
  /** BOARD_WRITE: pause, resume, clean, retry, promote and remove through the board. Default false. */
  write?: boolean;
  basePath?: string;
  refreshMs?: number;
}

/**
 * What each queue is for, shown under its name on the board. Said most carefully where the board's
 * "No workers" would mislead: `assigned` has no BullMQ worker unless a SupervisedWorker runs, since
 * runners that claim over HTTP take its jobs without being workers of it.
 */
export function queueDescription(name: string): string {
  switch (name) {
    case QUEUE.tasks:
      return "Intake: a 'task' job (data: a POST /tasks body; job id: the idempotency key) becomes a task. Consumed by the reaper's intake worker; a job returns {taskId, status, created}.";
    case QUEUE.assigned:
      return "One pointer job per ASSIGNED attempt ({taskId, attempt}). Runners that claim over HTTP (reaper run, RunnerClient) remove its job at the claim without being workers of this queue; only a SupervisedWorker consumes it. 'No workers' here means no SupervisedWorker runs, not that tasks wait unserved.";
    case QUEUE.probe:
      return 'Probe rounds for runtimes any prober can check (http, heartbeat, kubernetes). Consumed by every prober.';
    case QUEUE.diagnose:
      return "One job per death: the diagnoser reads the log tail, classifies it and writes context.reap_diagnosis. A job returns {crashType, summary, confidence, recovery}.";
    case QUEUE.reassign:
      return "Recovery: a failed attempt's next attempt, after its backoff. Consumed by the reaper.";
    case QUEUE.decide:
      return "Probe results on their way to the reaper's decide step (truth table, mass-death breaker). Consumed by the reaper.";
    default:
      // probe-<host>: only that host's prober can look at its pids and tmux sessions.
      return `Probe rounds for process and tmux runners on host ${name.slice('probe-'.length)}. Consumed by that host's prober: 'No workers' here means that host's tasks are unsupervised (GET /readyz says so).`;
  }
}

/**
 * Bull Board over every queue: the fixed ones, and each `probe-<host>` queue as the scheduler
 * first uses it. Mounted behind the API's bearer token. Read-only unless told otherwise: a
 * paused probe queue stops supervision without a word, and one click on the board did that.
 * Read-only queues answer 405 to every action; "pause all" skips them.
 */
export function createQueueBoard(queues: JobQueues, o: QueueBoardOptions = {}): QueueBoard {
  const { write = false, basePath = '/admin/queues', refreshMs = 5000 } = o;
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  for (const name of Object.values(QUEUE)) queues.queue(name);
  const shown = new Set<string>();
  const board = createBullBoard({ queues: [], serverAdapter, options: { uiConfig: { boardTitle: 'smart-reap' } } });
  const refresh = () => {
    for (const q of queues.known()) {
      if (shown.has(q.name)) continue;
      shown.add(q.name);
      board.addQueue(new BullMQAdapter(q, { readOnlyMode: !write, description: queueDescription(q.name) }));
    }
  };
  refresh();
  const timer = setInterval(refresh, refreshMs);
  timer.unref();
  return { router: serverAdapter.getRouter() as Router, refresh, stop: () => clearInterval(timer) };
}
