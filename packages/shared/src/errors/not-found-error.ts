export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(readonly taskId: string) {
    super(`task ${taskId} not found`);
  }
}
