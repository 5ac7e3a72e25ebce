import { TaskSchema, type CreateTaskBody, type Task, type TaskStatus } from '@smart-reap/shared';
import { ApiTransport, type ApiTransportOptions } from './api-transport.js';

export interface CreatedTask {
  id: string;
  status: TaskStatus;
  /** False when the idempotency key was known: the id is that of the existing task. */
  created: boolean;
}

/** The producer and read side of the HTTP API, for the CLI and scripts. */
export class ApiClient {
  private readonly http: ApiTransport;

  constructor(options: ApiTransportOptions) {
    this.http = new ApiTransport(options);
  }

  /** The task with its diagnosis; a RunnerApiError with status 404 when there is no such task. */
  async getTask(id: string): Promise<Task> {
    const answer = await this.http.request('GET', `/tasks/${encodeURIComponent(id)}`);
    return TaskSchema.parse(answer.body);
  }

  /** The task exactly as the API sent it (unknown fields kept), for printing as JSON. */
  async getTaskJson(id: string): Promise<unknown> {
    const answer = await this.http.request('GET', `/tasks/${encodeURIComponent(id)}`);
    return answer.body;
  }

  async createTask(body: CreateTaskBody): Promise<CreatedTask> {
    const answer = await this.http.request('POST', '/tasks', body);
    const { id, status } = answer.body as { id: string; status: TaskStatus };
    return { id, status, created: answer.status === 201 };
  }
}
