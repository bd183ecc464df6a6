/**
 * Structured JSON logs (pino). Credentials never reach a log line: anything that
 * looks like a token, secret or authorization header is redacted by path.
 */
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

export const REDACTED_PATHS = [
  'token',
  'accessToken',
  'secret',
  'password',
  'authorization',
  '*.token',
  '*.accessToken',
  '*.secret',
  '*.password',
  '*.authorization',
  'req.headers.authorization',
  'req.headers["x-chaos-token"]',
  'req.headers["x-csrf-token"]',
  'req.headers["x-admin-token"]',
  'req.headers.cookie',
  'headers.authorization',
  'credentials',
  '*.credentials',
];

export interface LoggerSettings {
  name: string;
  level?: string;
  /** Destination stream; defaults to stdout. Tests pass a sink. */
  destination?: NodeJS.WritableStream;
  base?: Record<string, unknown>;
}

export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    name: settings.name,
    level: settings.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { pid: process.pid, ...settings.base },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return settings.destination ? pino(options, settings.destination as pino.DestinationStream) : pino(options);
}

/** A logger that discards everything, for tests and quiet library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
