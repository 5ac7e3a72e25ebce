import { TaskSchema, type Task } from '../schemas/task.js';

/** Distinct stored forms remembered; past this the memory starts over (a tick's worth of misses). */
const DEFAULT_CAPACITY = 50_000;

/**
 * Turns a stored task's JSON into a Task, validated. The probe rounds read every supervised task
 * every second and most of them have not changed since the last read, so a stored form that once
 * passed the schema and is its own canonical serialisation is remembered, and the next time only
 * JSON.parse runs (a fresh object each time, so callers never share one). A form that needed
 * defaults or coercion is never remembered: it is validated on every read.
 */
export class TaskDecoder {
  private readonly valid = new Set<string>();

  constructor(private readonly capacity: number = DEFAULT_CAPACITY) {}

  decode(json: string): Task {
    if (this.valid.has(json)) return JSON.parse(json) as Task;
    const task = TaskSchema.parse(JSON.parse(json));
    if (JSON.stringify(task) === json) {
      if (this.valid.size >= this.capacity) this.valid.clear();
      this.valid.add(json);
    }
    return task;
  }
}
