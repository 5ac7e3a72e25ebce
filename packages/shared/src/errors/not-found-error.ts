/** No task with this id: the HTTP API answers 404. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(readonly taskId: string) {
    super(`task ${taskId} not found`);
  }
}
