/**
 * The controller's HTTP face (Express 5), bound to config.api.host:port,
 * loopback by default:
 *
 *   GET  /                        the dashboard (static files, strict CSP) and GET /api/ui-config
 *   GET  /healthz                 liveness, with the loop's phase
 *   GET  /status                  services, targets, providers (serving as last verified over DNS), overrides
 *   GET  /events?since=ID&limit=N the event stream as a JSON list (newest N after ID)
 *   GET  /events/stream           the same events live, as Server-Sent Events
 *   GET  /metrics                 Prometheus text exposition
 *   GET  /client-impact           what clients saw per second and the faults injected (fed by the local demo's traffic)
 *   GET  /audit?since=&limit=     the durable audit history, read from the file
 *   GET  /overrides               the operator's overrides
 *   POST|DELETE /overrides/drain  {cloud, reason, operator?}
 *   POST|DELETE /overrides/pin    {service, target, reason, operator?}  (DELETE: {service, ...})
 *   POST|DELETE /overrides/pause  {service, reason, operator?}
 *   POST /demo/chaos, /demo/drill local demo only, when the caller hands in demo hooks
 *
 * Mutating endpoints need the admin bearer token (auth.ts: FAILOVER_ADMIN_TOKEN
 * or api.tokenFile; without one they are off). Errors are JSON.
 *
 * Order of the controller's event listeners matters: the audit log is bound
 * ahead of every other listener (the controller's own logger included), so an
 * event is on disk before the SSE stream, the log or anyone else sees it.
 * Everything runs synchronously inside EventLog.record(), so no HTTP request
 * (/status, /events) can observe the event in between either.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type Request, type RequestHandler } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { z } from 'zod';
import { formatPath } from '../../src/config/load.js';
import { CLOUDS } from '../../src/config/schema.js';
import type { Controller, ControllerMonitor } from '../../src/controller/controller.js';
import type { ControllerEvent } from '../../src/observability/events.js';
import { OverrideError, type OverrideRequest } from '../../src/controller/override-store.js';
import type { HealthMonitorEvents } from '../../src/health/monitor-events.js';
import { bindAuditLog, type AuditLog } from '../../src/observability/audit-log.js';
import type { Logger } from '../../src/observability/logger.js';
import {
  bindControllerMetrics,
  bindHealthMetrics,
  ControllerMetrics,
  seedFromSnapshot,
  seedPublishPending,
} from '../../src/observability/metrics.js';
import { jsonErrors, notFound } from '../sample-service/http-basics.js';
import { auditHandler, metricsHandler } from './observability-routes.js';
import { adminBodyErrors, createAdminAuth, isLoopback, requireLoopbackHost, warnIfExposed, type RateLimitSettings } from './auth.js';
import { clientImpactHandler, type ClientImpactFeed } from './client-impact.js';
import { mountDashboard, type UiChaosTarget, type UiConfig, type UiDrill } from './dashboard.js';
import { createEventStream } from './sse.js';
import { buildStatus } from './status.js';

/**
 * The local demo's chaos and drill buttons (POST /demo/chaos, /demo/drill,
 * behind the admin guard). Only the demo hands these in; a production
 * controller has no such routes at all.
 */
export interface DemoHooks {
  /** What the dashboard offers, per target; requests for anything else get 400. */
  readonly chaos: readonly UiChaosTarget[];
  readonly drills?: readonly UiDrill[];
  /** Apply one chaos action (e.g. target `aws`, action `down`); resolves once it is in effect. */
  applyChaos(target: string, action: string): Promise<void>;
  /** Run a drill to its end; the route answers 202 at once and logs the outcome. */
  runDrill?(scenario: string): Promise<unknown>;
}

export interface ControllerApiOptions {
  readonly controller: Controller;
  readonly logger: Logger;
  /** The admin token; undefined turns the override endpoints off. */
  readonly adminToken: string | undefined;
  readonly rateLimit?: RateLimitSettings;
  readonly now?: () => number;
  /**
   * The durable audit log (opened by the caller, who also closes it): bound to
   * the controller's events ahead of every other listener, served at /audit.
   * Without one, /audit answers 503.
   */
  readonly auditLog?: AuditLog;
  /** The health monitor, for the per-probe metrics (failover_probes_total, latencies, breaker changes). */
  readonly monitor?: ControllerMonitor;
  /** The product version for failover_build_info. */
  readonly version?: string;
  /** prom-client's process metrics (CPU, memory, event loop) on /metrics; default on. */
  readonly processMetrics?: boolean;
  readonly demo?: DemoHooks;
  /** SSE heartbeat; 15 s by default. */
  readonly sseHeartbeatMs?: number;
  /** What clients saw (the local demo's traffic generator feeds it); without one GET /client-impact says nobody feeds it. */
  readonly clientImpact?: ClientImpactFeed;
}

export interface RunningControllerApi {
  readonly url: string;
  readonly port: number;
  readonly metrics: ControllerMetrics;
  close(): Promise<void>;
}

/** An app and what must be undone when its listener closes. */
export interface ControllerApp {
  readonly app: Express;
  readonly metrics: ControllerMetrics;
  /** End every event stream and detach from the controller (the audit log stays open: its owner closes it). */
  detach(): void;
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

/** The cloud a monitor target runs in, for the metrics' `cloud` label (monitor ids may be `<target>@<service>`). */
function cloudOfTarget(controller: Controller): (monitorId: string) => string | undefined {
  return (monitorId) => {
    for (const service of controller.probeTargets.servicesOf(monitorId)) {
      const target = controller
        .service(service)
        ?.config.targets.find((t) => controller.probeTargets.monitorId(service, t.id) === monitorId);
      if (target !== undefined) return target.cloud;
    }
    return undefined;
  };
}

/** The controller's monitor as the metrics binding wants it (its `on` returns nothing useful). */
function monitorEvents(monitor: ControllerMonitor) {
  const source = {
    on<K extends keyof HealthMonitorEvents>(event: K, listener: (...args: HealthMonitorEvents[K]) => void) {
      monitor.on(event, listener);
      return source;
    },
    off<K extends keyof HealthMonitorEvents>(event: K, listener: (...args: HealthMonitorEvents[K]) => void) {
      monitor.off(event, listener);
      return source;
    },
  };
  return source as unknown as Parameters<typeof bindHealthMetrics>[0];
}

/**
 * The audit log's binding, placed first among the event log's listeners: the
 * controller registers its own (logging) listener when it is constructed, and
 * the SSE hub writes to sockets from its listener; neither may see an event
 * that is not yet on disk.
 */
function bindAuditFirst(controller: Controller, audit: AuditLog, logger: Logger): () => void {
  const events = controller.events;
  const first = {
    on: (event: 'event', listener: (e: ControllerEvent) => void) => events.prependListener(event, listener),
    off: (event: 'event', listener: (e: ControllerEvent) => void) => events.off(event, listener),
  };
  return bindAuditLog(first, audit, logger);
}

const READ_METHODS = new Set(['GET', 'HEAD']);

export function createControllerApp(options: ControllerApiOptions, loopbackOnly: boolean): ControllerApp {
  const { controller, logger } = options;
  const now = options.now ?? Date.now;
  const auth = createAdminAuth({ token: options.adminToken, ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}) });
  const undo: (() => void)[] = [];
  if (options.auditLog) undo.push(bindAuditFirst(controller, options.auditLog, logger));

  const cloudOf = cloudOfTarget(controller);
  const metrics = new ControllerMetrics({
    version: options.version ?? 'unknown',
    processMetrics: options.processMetrics ?? true,
    providers: controller.providerSync.all().map((p) => p.provider),
    services: controller.services().map((s) => s.name),
  });
  undo.push(bindControllerMetrics(controller.events, metrics, { cloudOf }));
  if (options.monitor) undo.push(bindHealthMetrics(monitorEvents(options.monitor), metrics, { cloudOf }));
  seedFromSnapshot(metrics, controller.monitorSnapshot(), { cloudOf });
  const { hub, detach: detachStream } = createEventStream(
    controller.events,
    options.sseHeartbeatMs !== undefined ? { heartbeatMs: options.sseHeartbeatMs } : {},
  );
  undo.push(() => hub.close(), detachStream);

  const app = express();
  app.disable('x-powered-by');
  app.use(
    pinoHttp({
      logger,
      // The dashboard polls /status and Prometheus scrapes /metrics: successful reads are debug noise; changes are not.
      customLogLevel: (req, res, err) =>
        err !== undefined || res.statusCode >= 500
          ? 'error'
          : res.statusCode >= 400
            ? 'warn'
            : READ_METHODS.has(req.method ?? '')
              ? 'debug'
              : 'info',
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
  // Never asks DNS per request: serving comes from the controller's last verification.
  app.get('/status', (_req, res) => {
    res.json(buildStatus(controller, now()));
  });
  app.get('/events', (req, res) => {
    const since = Number(req.query.since ?? 0);
    const limit = Number(req.query.limit ?? 500);
    if (!Number.isSafeInteger(since) || since < 0)
      throw new BadRequest(`since: expected an event id (a non-negative integer), got '${String(req.query.since)}'`);
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000)
      throw new BadRequest(`limit: expected an integer from 1 to 1000, got '${String(req.query.limit)}'`);
    res.json({ lastId: controller.events.lastId, events: controller.events.since(since, limit) });
  });
  app.get('/events/stream', hub.handler);
  app.get('/client-impact', clientImpactHandler(options.clientImpact));
  const serveMetrics = metricsHandler(metrics);
  app.get('/metrics', (req, res, next) => {
    // State gauges from the monitor's snapshot at scrape time: right even for changes no event carried.
    seedFromSnapshot(metrics, controller.monitorSnapshot(), { cloudOf });
    seedPublishPending(metrics, controller.services());
    return serveMetrics(req, res, next);
  });
  if (options.auditLog) app.get('/audit', auditHandler(options.auditLog.path));
  else {
    app.get('/audit', (_req, res) => {
      res.status(503).json({
        error: 'audit-disabled',
        message: 'this API was started without an audit log; the controller command always opens one (config auditLog)',
      });
    });
  }
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
  if (options.demo) mountDemo(app, auth.guard, options.demo, options.auditLog, logger);

  const demo = options.demo;
  const uiConfig = (): UiConfig => ({
    demo: demo !== undefined,
    chaos: demo?.chaos ?? [],
    drills: demo?.runDrill ? (demo.drills ?? []) : [],
    adminEnabled: options.adminToken !== undefined,
    title: controller.config.zone,
    clientImpact: options.clientImpact !== undefined,
  });
  mountDashboard(app, { uiConfig });

  app.use(notFound);
  app.use(adminBodyErrors);
  app.use(overrideErrors);
  app.use(jsonErrors);
  return {
    app,
    metrics,
    detach() {
      for (const step of undo.splice(0).reverse()) step();
    },
  };
}

const chaosBody = z.strictObject({
  target: z.string().min(1).max(63),
  action: z.string().min(1).max(63),
  reason: who.reason.optional(),
  operator: who.operator,
});
const drillBody = z.strictObject({ scenario: z.string().min(1).max(63), reason: who.reason.optional(), operator: who.operator });

/**
 * POST /demo/chaos and /demo/drill. Both are manual actions, so each goes into
 * the audit log (before the answer) like an override; one drill at a time.
 */
function mountDemo(app: Express, guard: RequestHandler[], demo: DemoHooks, audit: AuditLog | undefined, logger: Logger): void {
  let drillRunning: string | undefined;
  const record = (kind: string, operator: string, reason: string, detail: Record<string, unknown>) => {
    audit?.append({ kind, actor: 'operator', operator, reason, detail });
  };
  app.post('/demo/chaos', ...guard, async (req, res) => {
    const b = parse(chaosBody, req);
    const offered = demo.chaos.find((c) => c.target === b.target);
    if (offered === undefined || !offered.actions.includes(b.action)) {
      const choices = demo.chaos.map((c) => `${c.target}: ${c.actions.join('|')}`).join('; ');
      throw new BadRequest(`no chaos action '${b.action}' for '${b.target}'; the demo offers ${choices || 'none'}`);
    }
    const operator = b.operator ?? 'operator';
    const reason = b.reason ?? `demo chaos: ${b.target} ${b.action}`;
    await demo.applyChaos(b.target, b.action);
    record('demo-chaos', operator, reason, { target: b.target, action: b.action });
    logger.info({ target: b.target, action: b.action, operator }, 'demo chaos applied');
    res.json({ target: b.target, action: b.action, event: { reason } });
  });
  app.post('/demo/drill', ...guard, (req, res) => {
    const b = parse(drillBody, req);
    const runDrill = demo.runDrill;
    if (runDrill === undefined || !(demo.drills ?? []).some((d) => d.scenario === b.scenario)) {
      throw new BadRequest(`no drill '${b.scenario}'; the demo offers ${(demo.drills ?? []).map((d) => d.scenario).join(', ') || 'none'}`);
    }
    if (drillRunning !== undefined) {
      res.status(409).json({ error: 'drill-running', message: `the drill '${drillRunning}' is still running; wait for it to end` });
      return;
    }
    const operator = b.operator ?? 'operator';
    const reason = b.reason ?? `demo drill: ${b.scenario}`;
    record('demo-drill', operator, reason, { scenario: b.scenario });
    drillRunning = b.scenario;
    void runDrill(b.scenario)
      .then((outcome) => logger.info({ scenario: b.scenario, outcome }, 'demo drill finished'))
      .catch((err: unknown) =>
        logger.error({ scenario: b.scenario, err: err instanceof Error ? err.message : String(err) }, 'demo drill failed'),
      )
      .finally(() => (drillRunning = undefined));
    res.status(202).json({ scenario: b.scenario, accepted: true, event: { reason: `${reason}: started` } });
  });
}

/** Listen on host:port (0 picks a free port); close() ends the event streams, stops accepting and ends open connections. */
export async function startControllerApi(
  options: ControllerApiOptions & { readonly host: string; readonly port: number },
): Promise<RunningControllerApi> {
  const loopbackOnly = isLoopback(options.host);
  // This listener has no TLS of its own: anything beyond loopback needs a TLS-terminating proxy in front.
  warnIfExposed(options.host, false, options.logger);
  const { app, metrics, detach } = createControllerApp(options, loopbackOnly);
  let server: Server;
  try {
    server = await new Promise((resolve, reject) => {
      const s = app.listen(options.port, options.host, (err?: Error) => (err ? reject(err) : resolve(s)));
      s.once('error', reject);
    });
  } catch (err) {
    detach();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    metrics,
    close() {
      closing ??= new Promise<void>((resolve) => {
        // Streams first: server.close() would otherwise wait for them forever.
        detach();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
