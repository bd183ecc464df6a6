/**
 * The Express application: per request, a request id, then the fault injector
 * (throttling and injected 5xx come before anything else, as a front door
 * would), then the SigV4 header check (its contents are not verified), the
 * body (bounded), and the operation. Every failure, including a body that
 * cannot be read or a bug, ends as an ErrorResponse; nothing can crash the server.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { FaultInjector } from '../core/faults.js';
import { boundedBody, DEFAULT_HTTP_LIMITS, type HttpLimits } from '../core/http-body.js';
import { TransactionRejected } from '../core/zone-store.js';
import type { Route53Context } from './context.js';
import { locals, sendError, sendReply } from './envelope.js';
import { incompleteSignature, injectedFailure, invalidChangeBatch, missingAuthentication, Route53Error, throttling } from './errors.js';
import { newRequestId } from './ids.js';
import { ROUTES, type Route } from './routes.js';

export interface AppOptions {
  faults: FaultInjector;
  maxBodyBytes: number;
  http?: Partial<HttpLimits>;
  log?: (line: Record<string, unknown>) => void;
}

export function createRoute53App(ctx: Route53Context, options: AppOptions): express.Express {
  const { faults } = options;
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');

  app.use((req, res, next) => {
    const requestId = newRequestId();
    Object.assign(res.locals, { requestId, operation: 'Unknown' });
    res.setHeader('x-amzn-RequestId', requestId);
    const started = Date.now();
    res.on('finish', () => {
      options.log?.({
        emulator: 'route53',
        requestId,
        operation: locals(res).operation,
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Date.now() - started,
      });
    });
    next();
  });

  const admit: RequestHandler = async (_req, res, next) => {
    const verdict = await faults.admit();
    if (verdict.kind === 'throttle') return sendError(res, faults, throttling(), 'throttled');
    if (verdict.kind === 'error') return sendError(res, faults, injectedFailure(), 'injected_error');
    next();
  };

  const requireSignature: RequestHandler = (req, res, next) => {
    const auth = req.headers.authorization;
    if (!auth) return sendError(res, faults, missingAuthentication());
    if (!/^AWS4-HMAC-SHA256 +Credential=\S+/.test(auth)) return sendError(res, faults, incompleteSignature());
    next();
  };

  // Any content type: Route 53 reads the body as XML whatever the header says. Bounded in size and time.
  const readBody = boundedBody('text', { ...DEFAULT_HTTP_LIMITS, ...options.http, maxBodyBytes: options.maxBodyBytes });

  const run =
    (route: Route): RequestHandler =>
    (req, res) => {
      const body = typeof req.body === 'string' ? req.body : '';
      const reply = route.handler(ctx, { params: req.params as Record<string, string>, query: req.query as Record<string, unknown>, body });
      sendReply(res, faults, reply);
    };

  for (const route of ROUTES) {
    const tag: RequestHandler = (_req, res, next) => {
      locals(res).operation = route.operation;
      next();
    };
    const chain =
      route.method === 'post' ? [tag, admit, requireSignature, readBody, run(route)] : [tag, admit, requireSignature, run(route)];
    app[route.method](route.path, ...chain);
  }

  app.use((req: Request, res: Response) => {
    sendError(
      res,
      faults,
      new Route53Error('UnknownOperation', `No Route 53 API operation matches ${req.method} ${req.path} (API version 2013-04-01)`, 404),
    );
  });

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    sendError(res, faults, toRoute53Error(err, options.maxBodyBytes));
  });

  return app;
}

function toRoute53Error(err: unknown, maxBodyBytes: number): Route53Error {
  if (err instanceof Route53Error) return err;
  // The store's own guard (e.g. a name outside the zone); the batch checks should have caught it first.
  if (err instanceof TransactionRejected) return invalidChangeBatch([err.message]);
  const e = err as { type?: string; status?: number; message?: string };
  if (e.type === 'entity.too.large')
    return new Route53Error('RequestEntityTooLarge', `The request body is larger than ${maxBodyBytes} bytes`, 413);
  if (e.type === 'request.timeout') return new Route53Error('RequestTimeout', e.message ?? 'The request body did not arrive in time', 408);
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500)
    return new Route53Error('InvalidInput', `The request body could not be read: ${e.message ?? 'unknown reason'}`, 400);
  return new Route53Error('InternalFailure', `The emulator failed to handle the request: ${e.message ?? String(err)}`, 500, 'Receiver');
}
