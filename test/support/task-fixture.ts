import type { Task } from '@smart-reap/shared';

/** A valid in-progress task for pure tests; each test states only what it is about. */
export function taskFixture(over: Partial<Task> = {}): Task {
  return {
    id: 't1',
    kind: 'k',
    status: 'IN_PROGRESS',
    attempt: 1,
    maxRetries: 1,
    extensions: 0,
    fencedRunners: [],
    context: {},
    history: [],
    createdAt: 0,
    updatedAt: 0,
    ...over,
  };
}
