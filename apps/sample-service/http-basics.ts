/**
 * What every listener of the service shares: request ids, structured access logs,
 * security headers, a small body limit, and JSON errors that never leak a stack trace.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../../src/observability/logger.js';

export const BODY_LIMIT = '16kb';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const PROBE_PATHS = new Set(['/healthz', '/readyz']);

/** Keep a caller's x-request-id when it is safe to log, otherwise make one; echo it back. */
function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] ?? '/';
}

export function useRequestBasics(app: Express, logger: Logger): void {
  app.disable('x-powered-by');
  app.use(
    pinoHttp({
      logger,
      genReqId: requestId,
      // Health checkers probe every second from several places: successful probes are debug noise.
      customLogLevel: (req, res, err) => {
        if (err !== undefined || res.statusCode >= 500) return 'error';
        if (res.statusCode >= 400) return 'warn';
        return PROBE_PATHS.has(pathOf(req)) ? 'debug' : 'info';
      },
    }),
  );
  app.use(helmet());
  app.use(noStore);
  app.use(express.json({ limit: BODY_LIMIT }));
}

/** Which cloud answered must never come from a cache. */
const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('cache-control', 'no-store');
  next();
};

export const notFound: RequestHandler = (req, res) => {
  res.status(404).json({ error: 'not-found', message: `no route for ${req.method} ${req.path}` });
};

interface HttpishError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
  message?: string;
}

/** Errors with a client status (body too large, malformed JSON) say what was wrong; others say nothing inside. */
export const jsonErrors: ErrorRequestHandler = (err: HttpishError, req, res, _next) => {
  const status = err.status ?? err.statusCode ?? 500;
  const id = String((req as { id?: unknown }).id ?? '');
  if (status >= 500 || err.expose === false) {
    req.log?.error({ err }, 'request failed');
    res.status(status >= 400 ? status : 500).json({ error: 'internal', message: 'internal server error', requestId: id });
    return;
  }
  const code = err.type === 'entity.too.large' ? 'payload-too-large' : err.type === 'entity.parse.failed' ? 'bad-json' : 'bad-request';
  const message = code === 'payload-too-large' ? `request body larger than ${BODY_LIMIT}` : (err.message ?? 'bad request');
  res.status(status).json({ error: code, message, requestId: id });
};
