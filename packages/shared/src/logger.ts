import { pino, type Logger, type LoggerOptions } from 'pino';

/**
 * Paths that must never reach a log line: credentials, and anything that can hold a task's
 * payload or a runner's output (DESIGN §6: no payload, no message contents).
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'authorization',
  'password',
  'token',
  'apiToken',
  'payload',
  'output',
  'partialOutput',
  'lines',
  'logTail',
  '*.password',
  '*.token',
  '*.apiToken',
  '*.payload',
  '*.output',
  '*.partialOutput',
  '*.lines',
  '*.logTail',
  '*.redisUrl',
];

export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info', destination?: NodeJS.WritableStream): Logger {
  const options: LoggerOptions = {
    name,
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: name },
  };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}

export type { Logger };
