/**
 * The controller's HTTP face (Express 5), bound to config.api.host:port,
 * loopback by default:
 *
 *   GET  /healthz                 liveness, with the loop's phase
 *   GET  /status                  services, targets, providers (serving asked over DNS), overrides
 *   GET  /events?since=ID&limit=N the event stream as a JSON list (newest N after ID)
 *   GET  /overrides               the operator's overrides
 *   POST|DELETE /overrides/drain  {cloud, reason, operator?}
 *   POST|DELETE /overrides/pin    {service, target, reason, operator?}  (DELETE: {service, ...})
 *   POST|DELETE /overrides/pause  {service, reason, operator?}
 *
 * Mutating endpoints need the admin bearer token (auth.ts: FAILOVER_ADMIN_TOKEN
 * or api.tokenFile; without one they are off). Errors are JSON.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type Request, type RequestHandler } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { z } from 'zod';
import { formatPath } from '../../src/config/load.js';
import { CLOUDS } from '../../src/config/schema.js';
import type { Controller } from '../../src/controller/controller.js';
import { OverrideError, type OverrideRequest } from '../../src/controller/override-store.js';
import type { Logger } from '../../src/observability/logger.js';
import { jsonErrors, notFound } from '../sample-service/http-basics.js';
import { adminBodyErrors, createAdminAuth, isLoopback, requireLoopbackHost, warnIfExposed, type RateLimitSettings } from './auth.js';
import { buildStatus } from './status.js';

export interface ControllerApiOptions {
  readonly controller: Controller;
  readonly logger: Logger;
  /** The admin token; undefined turns the override endpoints off. */
  readonly adminToken: string | undefined;
  readonly rateLimit?: RateLimitSettings;
  readonly now?: () => number;
}

export interface RunningControllerApi {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const who = {
  reason: z.string().trim().min(1, 'expected a reason (it is recorded in the event and the audit log)').max(500),
  operator: z.string().trim().min(1).max(100).optional(),
};
const cloudBody = z.strictObject({ cloud: z.enum(CLOUDS), ...who });
const serviceBody = z.strictObject({ service: z.string().min(1).max(253), ...who });
const pinBody = z.strictObject({ service: z.string().min(1).max(253), target: z.string().min(1).max(63), ...who });
// Clearing needs no reason; one is recorded when given.
const clearReason = { reason: who.reason.optional(), operator: who.operator };
const cloudClear = z.strictObject({ cloud: z.enum(CLOUDS), ...clearReason });
const serviceClear = z.strictObject({ service: z.string().min(1).max(253), ...clearReason });

class BadRequest extends Error {}

function parse<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  const result = schema.safeParse(req.body ?? {});
  if (!result.success) throw new BadRequest(result.error.issues.map((i) => `${formatPath(i.path) || 'body'}: ${i.message}`).join('; '));
  return result.data;
}

function requestOf(body: { reason?: string | undefined; operator?: string | undefined }, fallbackReason: string): OverrideRequest {
  return { operator: body.operator ?? 'operator', reason: body.reason ?? fallbackReason };
}

/** Override errors and body validation as 4xx JSON; anything else goes on to jsonErrors. */
const overrideErrors: express.ErrorRequestHandler = (err: unknown, _req, res, next) => {
  if (err instanceof OverrideError) {
    res.status(err.status).json({ error: err.status === 404 ? 'not-found' : 'bad-request', message: err.message });
    return;
  }
  if (err instanceof BadRequest) {
    res.status(400).json({ error: 'bad-request', message: err.message });
    return;
  }
  next(err);
};

export function createControllerApp(options: ControllerApiOptions, loopbackOnly: boolean): Express {
  const { controller } = options;
  const now = options.now ?? Date.now;
  const auth = createAdminAuth({ token: options.adminToken, ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}) });
  const app = express();
  app.disable('x-powered-by');
  app.use(
    pinoHttp({
      logger: options.logger,
      customLogLevel: (req, res, err) => (err !== undefined || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : req.url === '/healthz' ? 'debug' : 'info'),
    }),
  );
  app.use(helmet());
  if (loopbackOnly) app.use(requireLoopbackHost());
  app.use(((_req, res, next) => {
    res.setHeader('cache-control', 'no-store');
    next();
  }) as RequestHandler);

  app.get('/healthz', (_req, res) => {
    const ok = controller.phase === 'running';
    res.status(ok ? 200 : 503).json({ ok, phase: controller.phase });
  });
  app.get('/status', async (_req, res) => {
    res.json(await buildStatus(controller, now()));
  });
  app.get('/events', (req, res) => {
    const since = Number(req.query.since ?? 0);
    const limit = Number(req.query.limit ?? 500);
    if (!Number.isSafeInteger(since) || since < 0) throw new BadRequest(`since: expected an event id (a non-negative integer), got '${String(req.query.since)}'`);
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw new BadRequest(`limit: expected an integer from 1 to 1000, got '${String(req.query.limit)}'`);
    res.json({ lastId: controller.events.lastId, events: controller.events.since(since, limit) });
  });
  app.get('/overrides', (_req, res) => {
    res.json(controller.overrides.view());
  });
  app.get('/api/csrf', ...auth.guard, auth.csrfHandler);

  const changed = (res: express.Response, event: unknown) => res.json({ event, overrides: controller.overrides.view() });
  app.post('/overrides/drain', ...auth.guard, (req, res) => {
    const b = parse(cloudBody, req);
    changed(res, controller.drain(b.cloud, requestOf(b, '')));
  });
  app.delete('/overrides/drain', ...auth.guard, (req, res) => {
    const b = parse(cloudClear, req);
    changed(res, controller.undrain(b.cloud, requestOf(b, 'cleared')));
  });
  app.post('/overrides/pin', ...auth.guard, (req, res) => {
    const b = parse(pinBody, req);
    changed(res, controller.pin(b.service, b.target, requestOf(b, '')));
  });
  app.delete('/overrides/pin', ...auth.guard, (req, res) => {
    const b = parse(serviceClear, req);
    changed(res, controller.unpin(b.service, requestOf(b, 'cleared')));
  });
  app.post('/overrides/pause', ...auth.guard, (req, res) => {
    const b = parse(serviceBody, req);
    changed(res, controller.pause(b.service, requestOf(b, '')));
  });
  app.delete('/overrides/pause', ...auth.guard, (req, res) => {
    const b = parse(serviceClear, req);
    changed(res, controller.resume(b.service, requestOf(b, 'cleared')));
  });

  app.use(notFound);
  app.use(adminBodyErrors);
  app.use(overrideErrors);
  app.use(jsonErrors);
  return app;
}

/** Listen on host:port (0 picks a free port); close() stops accepting and ends open connections. */
export async function startControllerApi(options: ControllerApiOptions & { readonly host: string; readonly port: number }): Promise<RunningControllerApi> {
  const loopbackOnly = isLoopback(options.host);
  warnIfExposed(options.host, false, options.logger);
  const app = createControllerApp(options, loopbackOnly);
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(options.port, options.host, (err?: Error) => (err ? reject(err) : resolve(s)));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
