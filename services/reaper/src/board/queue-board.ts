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
      board.addQueue(new BullMQAdapter(q, { readOnlyMode: !write }));
    }
  };
  refresh();
  const timer = setInterval(refresh, refreshMs);
  timer.unref();
  return { router: serverAdapter.getRouter() as Router, refresh, stop: () => clearInterval(timer) };
}
