import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import { ConflictError, ForbiddenError, InvalidFieldError, isStoreUnavailable, NotFoundError, type Logger } from '@smart-reap/shared';

export interface FieldIssue {
  field: string;
  reason: string;
}

export function zodIssues(err: ZodError): FieldIssue[] {
  return err.issues.map((i) => ({ field: i.path.join('.') || '(body)', reason: i.message }));
}

/**
 * One place maps domain errors to HTTP: unknown task 404, a call without the attempt's lease 403,
 * refused transition or ended attempt 409, bad input 400. Anything else is a 500 whose details stay in the log, never in the answer.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof ZodError) {
      res.status(400).json({ error: 'invalid request', issues: zodIssues(err) });
      return;
    }
    const name = (err as Error)?.name;
    if (err instanceof InvalidFieldError) {
      res.status(400).json({ error: 'invalid request', issues: [{ field: err.field, reason: err.reason }], ...err.details });
      return;
    }
    if (err instanceof NotFoundError) {
      res.status(404).json({ error: err.message });
      return;
    }
    if (err instanceof ForbiddenError) {
      res.status(403).json({ error: err.message, code: err.code, issues: [{ field: err.field, reason: err.message }] });
      return;
    }
    if (err instanceof ConflictError) {
      res.status(409).json({ error: err.message, code: err.code });
      return;
    }
    // body-parser's errors: malformed JSON, too large, wrong charset.
    const status = (err as { status?: number; type?: string }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json({ error: (err as Error).message, issues: [{ field: '(body)', reason: (err as Error).message }] });
      return;
    }
    if (isStoreUnavailable(err)) {
      res.status(503).json({ error: 'store unavailable; nothing was changed, try again' });
      return;
    }
    logger.error({ err: { name, message: (err as Error)?.message, stack: (err as Error)?.stack }, path: req.path }, 'request failed');
    res.status(500).json({ error: 'internal error' });
  };
}
