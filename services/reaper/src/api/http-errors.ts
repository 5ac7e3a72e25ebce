import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import type { Logger } from '@smart-reap/shared';

export interface FieldIssue {
  field: string;
  reason: string;
}

export function zodIssues(err: ZodError): FieldIssue[] {
  return err.issues.map((i) => ({ field: i.path.join('.') || '(body)', reason: i.message }));
}

/**
 * One place maps domain errors to HTTP: unknown task 404, refused transition or foreign runner
 * 409, bad input 400. Anything else is a 500 whose details stay in the log, never in the answer.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof ZodError) {
      res.status(400).json({ error: 'invalid request', issues: zodIssues(err) });
      return;
    }
    const name = (err as Error)?.name;
    if (name === 'InvalidFieldError') {
      const { field, reason } = err as { field: string; reason: string };
      res.status(400).json({ error: 'invalid request', issues: [{ field, reason }] });
      return;
    }
    if (name === 'NotFoundError') {
      res.status(404).json({ error: (err as Error).message });
      return;
    }
    if (name === 'ConflictError') {
      res.status(409).json({ error: (err as Error).message, code: (err as { code?: string }).code });
      return;
    }
    // body-parser's errors: malformed JSON, too large, wrong charset.
    const status = (err as { status?: number; type?: string }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json({ error: (err as Error).message, issues: [{ field: '(body)', reason: (err as Error).message }] });
      return;
    }
    if (name === 'MaxRetriesPerRequestError' || /Connection is closed|Stream isn't writeable|enableOfflineQueue/.test(String((err as Error)?.message))) {
      res.status(503).json({ error: 'store unavailable; nothing was changed, try again' });
      return;
    }
    logger.error({ err: { name, message: (err as Error)?.message, stack: (err as Error)?.stack }, path: req.path }, 'request failed');
    res.status(500).json({ error: 'internal error' });
  };
}
