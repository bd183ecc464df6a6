/**
 * The Cloud DNS JSON REST v1 front end (`/dns/v1/projects/{project}/...`) that
 * the official `@google-cloud/dns` client talks to with only its base URL and
 * credentials changed. Per request: match the route (names the operation), pass
 * fault injection, check the bearer token, parse the JSON body, run the handler;
 * every request is counted once per operation and outcome when it ends.
 */
import { createServer } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { ApiServerOptions, RunningApi } from '../core/api.js';
import type { Outcome } from '../core/faults.js';
import { boundedBody, DEFAULT_HTTP_LIMITS } from '../core/http-body.js';
import { ManagedListener } from '../core/listener.js';
import { EMULATOR_DEFAULTS } from '../defaults.js';
import { ChangeLog } from './change-log.js';
import type { ApiRequest, CloudDnsContext, Route } from './context.js';
import { GoogleApiError, googleErrors } from './google-error.js';
import { DEFAULT_PAGE_SIZE, MAX_BODY_BYTES } from './limits.js';
import { changeRoutes } from './routes/changes.js';
import { managedZoneRoutes } from './routes/managed-zones.js';
import { notEmulatedFeature } from './not-emulated.js';
import { rrsetRoutes } from './routes/rrsets.js';
import { healthCheckRoutes } from './routes/health-checks.js';
import { HealthCheckRegistry } from './health-checks/registry.js';
import { HealthEngine } from './health/engine.js';
import { ROUTING_LIVE_SOURCE } from './routing/policy-model.js';
import { ZoneOperationLog } from './zone-operations.js';
import { ZoneSettingsRegistry } from './zone-settings.js';

export interface CloudDnsApiOptions extends ApiServerOptions {
  /** Which bearer tokens are valid; default: any non-empty token. */
  acceptToken?: (token: string) => boolean;
  /** Projects that exist without zones; default: the emulator's default project. */
  projectIds?: readonly string[];
  /** Page size of list calls without `maxResults` (default 100). */
  pageSize?: number;
  /**
   * Probe routing-policy health checks every this many ms instead of their
   * `checkIntervalSec` (30 s or more on Cloud DNS): the one deviation, for local
   * drills. Changeable later with `engine.configure`. Default: the checks' own.
   */
  healthCheckIntervalMs?: number;
}

export interface RunningCloudDnsApi extends RunningApi {
  /** The failover engine: probes the endpoints routing policies name; the DNS server answers routed sets from it. */
  readonly engine: HealthEngine;
}

const BASE = '/dns/v1/projects/:project';
/** Protobuf's JSON parser's recursion limit, which Google's front end applies to request bodies. */
const PROTOBUF_MAX_DEPTH = 100;
/** The Compute health checks routing policies name are served beside the DNS API, as on googleapis.com. */
const COMPUTE_BASE = '/compute/v1/projects/:project';
/** A request that stalls mid-body is cut off after this long rather than held forever. */
const REQUEST_TIMEOUT_MS = 30_000;

type Injected = 'throttled' | 'injected_error';

function outcomeOf(res: Response): Outcome {
  const injected = res.locals.injected as Injected | undefined;
  if (injected) return injected;
  if (res.statusCode < 400) return 'ok';
  if (res.statusCode === 429) return 'throttled';
  return res.statusCode >= 500 ? 'server_error' : 'client_error';
}

function sendError(res: Response, err: GoogleApiError): void {
  if (err.code === 401) res.set('WWW-Authenticate', 'Bearer realm="https://accounts.google.com/", error="invalid_token"');
  res.status(err.code).json(err.toBody());
}

/** Map whatever a handler or the body parser threw to a Google error; never a crash. */
function toGoogleError(err: unknown): GoogleApiError {
  if (err instanceof GoogleApiError) return err;
  const e = err as { type?: string; status?: number; message?: string; limit?: number };
  switch (e.type) {
    case 'entity.parse.failed':
      return new GoogleApiError(400, 'parseError', `Invalid JSON payload received. ${e.message ?? ''}`.trim());
    case 'entity.too.large':
      return new GoogleApiError(413, 'uploadTooLarge', `Request payload size exceeds the limit: ${e.limit ?? MAX_BODY_BYTES} bytes.`);
    case 'entity.too.deep':
      // Google's front end converts JSON to protobuf, which stops at 100 levels ("Message too deep").
      return new GoogleApiError(400, 'invalid', `Invalid JSON payload received. ${e.message ?? ''}`.trim());
    case 'request.timeout':
      return new GoogleApiError(408, 'badRequest', e.message ?? 'The request body did not arrive in time');
    case 'encoding.unsupported':
    case 'charset.unsupported':
    case 'request.size.invalid':
    case 'request.aborted':
      return new GoogleApiError(400, 'badRequest', e.message ?? 'Bad request body');
  }
  if (e.status === 400) return new GoogleApiError(400, 'badRequest', `Malformed request: ${e.message ?? ''}`.trim());
  return new GoogleApiError(500, 'backendError', `Internal error in the emulator: ${e.message ?? String(err)}`);
}

function singleValued(query: Request['query']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(query)) {
    const first: unknown = Array.isArray(v) ? v[0] : v;
    if (typeof first === 'string') out[k] = first;
  }
  return out;
}

export function createCloudDnsApp(ctx: CloudDnsContext, opts: CloudDnsApiOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Google paths are case-sensitive and have no trailing slash.
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  const accept = opts.acceptToken ?? ((t: string) => t.length > 0);

  const observe = (req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const operation = (res.locals.operation as string | undefined) ?? 'unknown';
      opts.faults.record(operation, res.writableFinished ? outcomeOf(res) : 'client_error');
      opts.log?.({
        api: 'clouddns',
        operation,
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
      });
    };
    res.on('finish', finish);
    res.on('close', finish);
    next();
  };
  const tag = (operation: string) => (_req: Request, res: Response, next: NextFunction) => {
    res.locals.operation = operation;
    next();
  };
  const admit = async (_req: Request, res: Response, next: NextFunction) => {
    const verdict = await opts.faults.admit();
    if (verdict.kind === 'pass') return next();
    if (verdict.kind === 'throttle') {
      res.locals.injected = 'throttled' satisfies Injected;
      res.set('Retry-After', String(verdict.retryAfterSeconds));
      return sendError(res, googleErrors.rateLimited());
    }
    res.locals.injected = 'injected_error' satisfies Injected;
    sendError(res, googleErrors.backend());
  };
  const authenticate = (req: Request, res: Response, next: NextFunction) => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (!m) {
      return sendError(
        res,
        new GoogleApiError(
          401,
          'required',
          'Request is missing required authentication credential. Expected OAuth 2 access token in the Authorization header.',
          'global',
          {
            location: 'Authorization',
            locationType: 'header',
          },
        ),
      );
    }
    if (!accept(m[1] ?? '')) {
      return sendError(
        res,
        new GoogleApiError(401, 'authError', 'Invalid Credentials', 'global', { location: 'Authorization', locationType: 'header' }),
      );
    }
    next();
  };
  // Any content type is read as JSON, as Google's front end does; size, time and nesting are capped.
  const json = boundedBody('json', {
    ...DEFAULT_HTTP_LIMITS,
    maxBodyBytes: MAX_BODY_BYTES,
    maxJsonDepth: PROTOBUF_MAX_DEPTH,
    ...opts.http,
  });
  const run = (route: Route) => (req: Request, res: Response) => {
    const request: ApiRequest = { params: req.params as Record<string, string>, query: singleValued(req.query), body: req.body as unknown };
    const reply = route.handle(request);
    if (reply.body === undefined) res.status(reply.status).end();
    else res.status(reply.status).json(reply.body);
  };

  app.use(observe);
  for (const route of [...managedZoneRoutes(ctx), ...rrsetRoutes(ctx), ...changeRoutes(ctx)]) {
    app.route(`${BASE}${route.path}`)[route.method](tag(route.operation), admit, authenticate, json, run(route));
  }
  for (const route of healthCheckRoutes(ctx)) {
    app.route(`${COMPUTE_BASE}${route.path}`)[route.method](tag(route.operation), admit, authenticate, json, run(route));
  }
  app.use(tag('unknown'), admit, authenticate, (req: Request) => {
    const below = /^\/dns\/v1\/projects\/[^/]+(\/.*)$/.exec(req.path)?.[1];
    const feature = below === undefined ? undefined : notEmulatedFeature(below);
    if (feature) throw googleErrors.notEmulated(feature, `${req.method} ${req.path}`);
    throw new GoogleApiError(404, 'notFound', `No Cloud DNS v1 method at ${req.method} ${req.path}`);
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const g = toGoogleError(err);
    if (g.code >= 500) opts.log?.({ api: 'clouddns', error: String((err as Error)?.stack ?? err) });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (g.code === 413 || g.code === 408) res.set('Connection', 'close');
    sendError(res, g);
  });
  return app;
}

export async function startCloudDnsApi(opts: CloudDnsApiOptions): Promise<RunningCloudDnsApi> {
  const ctx: CloudDnsContext = {
    store: opts.store,
    changes: new ChangeLog(),
    settings: new ZoneSettingsRegistry(),
    operations: new ZoneOperationLog(),
    projectIds: new Set(opts.projectIds ?? [EMULATOR_DEFAULTS.clouddns.projectId]),
    pageSize: opts.pageSize ?? DEFAULT_PAGE_SIZE,
    healthChecks: new HealthCheckRegistry(),
  };
  const engine = new HealthEngine({
    store: opts.store,
    healthChecks: ctx.healthChecks,
    ...(opts.healthCheckIntervalMs !== undefined ? { intervalMs: opts.healthCheckIntervalMs } : {}),
  });
  const server = createServer(createCloudDnsApp(ctx, opts));
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  const listener = new ManagedListener(server, opts.host, opts.port, opts.faults);
  await listener.start();
  // Routed sets are answered from the engine's decision of the moment; the data plane needs no API call to move.
  opts.store.liveValues = (rs) => (rs.liveSource === ROUTING_LIVE_SOURCE ? (engine.answer(rs) ?? rs.values) : rs.values);
  engine.start();
  return {
    engine,
    get endpoint() {
      return `http://${opts.host}:${listener.boundPort}`;
    },
    get port() {
      return listener.boundPort;
    },
    settled: () => listener.settled(),
    stop: () => {
      engine.stop();
      return listener.stop();
    },
  };
}
