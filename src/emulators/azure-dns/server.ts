/**
 * The Azure DNS management API (ARM, api-version 2018-05-01) over https, for the
 * official `@azure/arm-dns` client pointed at it. Each request: faults first
 * (throttle → 429 with retry-after, injected 500), then Bearer token and
 * api-version, then the resource logic. `apiDown` closes the port.
 *
 * Throttling: one bucket serves reads and writes alike (ARM keeps separate
 * read/write/delete buckets; the write bucket's numbers are the default).
 */
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { ApiServerOptions, RunningApi } from '../core/api.js';
import type { Outcome } from '../core/faults.js';
import { ManagedListener } from '../core/listener.js';
import type { TlsIdentity } from '../core/tls.js';
import { generateSelfSignedCert } from '../core/tls.js';
import { ArmError } from './arm-error.js';
import type { ArmRequest, ArmResponse } from './handler-types.js';
import type { Reply } from './http-io.js';
import { parseJsonBody, readBody, send } from './http-io.js';
import { RecordSetHandlers } from './record-set-handlers.js';
import { checkApiVersion, checkBearer, TRAFFIC_MANAGER_API_VERSIONS } from './request-gate.js';
import { aliasValues } from './alias.js';
import { TrafficManagerEngine } from './traffic-manager/engine.js';
import { TrafficManagerHandlers } from './traffic-manager/handlers.js';
import { TrafficManagerStore } from './traffic-manager/profile-model.js';
import type { Route } from './routes.js';
import { matchRoute, rawPathOf } from './routes.js';
import { dnsResourceReferences } from './resource-references.js';
import { ZoneHandlers } from './zone-handlers.js';

export interface AzureDnsApiOptions extends ApiServerOptions {
  /** Certificate and key to serve; a fresh self-signed pair when absent. */
  tls?: TlsIdentity;
  /** Which Bearer tokens are valid; any non-empty token by default. */
  acceptToken?: (token: string) => boolean;
  /**
   * Traffic Manager profiles and the engine probing them. Default: a store of
   * its own and an engine started with Azure's intervals, stopped with the API.
   */
  trafficManager?: TrafficManager;
  /** For the default engine: probe every profile this often instead of its 30 s / 10 s (local drills only). */
  probeIntervalMs?: number | null;
}

export interface TrafficManager {
  readonly store: TrafficManagerStore;
  readonly engine: TrafficManagerEngine;
}

export interface RunningAzureDnsApi extends RunningApi {
  /** PEM certificate clients must trust (`tlsOptions: { ca }`). */
  readonly caCertPem: string;
  readonly trafficManager: TrafficManager;
}

function outcomeOf(status: number): Outcome {
  if (status === 429) return 'throttled';
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'client_error';
  return 'ok';
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

function reply(res: ArmResponse): Reply {
  return { status: res.status, body: res.body, headers: res.etag ? { etag: `"${res.etag}"` } : {} };
}

export async function startAzureDnsApi(opts: AzureDnsApiOptions): Promise<RunningAzureDnsApi> {
  const tls = opts.tls ?? (await generateSelfSignedCert({ hosts: [opts.host] }));
  const acceptToken = opts.acceptToken ?? ((t: string) => t.length > 0);
  const ownEngine = opts.trafficManager === undefined;
  const tmStore = opts.trafficManager?.store ?? new TrafficManagerStore();
  const engine = opts.trafficManager?.engine ?? new TrafficManagerEngine(tmStore, { probeIntervalMs: opts.probeIntervalMs ?? null });
  // Alias record sets are answered over DNS from the engine's live decision.
  opts.store.liveValues = aliasValues(tmStore, engine);
  const zones = new ZoneHandlers(opts.store);
  const recordSets = new RecordSetHandlers(opts.store, tmStore);
  const profiles = new TrafficManagerHandlers(tmStore, engine.statusOf);
  let endpoint = '';

  /** Host the client used, when it is a plain host[:port], so nextLinks come back to us. */
  const originOf = (req: IncomingMessage): string => {
    const host = req.headers.host;
    return host && /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(host) ? `https://${host}` : endpoint;
  };

  const dispatch = async (req: IncomingMessage, route: Route, url: URL): Promise<ArmResponse> => {
    checkBearer(req, acceptToken);
    // ARM routes before it checks the api-version: a path nothing serves is a 404 whatever the version.
    if (route.kind === 'unserved') throw route.error(url.searchParams.get('api-version'));
    const trafficManager =
      route.kind === 'tmProfile' ||
      route.kind === 'tmProfiles' ||
      route.kind === 'tmEndpoint' ||
      /^(Profiles|Endpoints)(_|$)/.test(route.operation);
    checkApiVersion(url.searchParams, trafficManager ? TRAFFIC_MANAGER_API_VERSIONS : undefined);
    if (route.kind === 'none') throw route.error;
    const method = req.method ?? 'GET';
    const body =
      method === 'PUT' || method === 'PATCH' || method === 'POST'
        ? parseJsonBody(req, await readBody(req, opts.http), opts.http?.maxJsonDepth)
        : undefined;
    const armReq: ArmRequest = {
      query: url.searchParams,
      body,
      preconditions: { ifMatch: header(req, 'if-match'), ifNoneMatch: header(req, 'if-none-match') },
      origin: originOf(req),
      pathname: url.pathname,
    };
    switch (route.kind) {
      case 'zones':
        return zones.list(route, armReq);
      case 'zone':
        return zones.handle(route, armReq);
      case 'recordSets':
        return recordSets.list(route, armReq);
      case 'recordSet':
        return recordSets.handle(route, armReq);
      case 'dnsResourceReference':
        return dnsResourceReferences(armReq, opts.store);
      case 'tmProfiles':
        return profiles.list(route);
      case 'tmProfile':
        return profiles.profile(route, armReq);
      case 'tmEndpoint':
        return profiles.endpoint(route, armReq);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'https://emulator.invalid');
    // Routed on the path as sent: URL parsing would resolve '..' and '%2e%2e' onto another resource.
    const route = matchRoute(req.method ?? 'GET', rawPathOf(req.url ?? '/'));
    let outcome: Outcome;
    let out: Reply;
    const verdict = await opts.faults.admit();
    if (verdict.kind === 'throttle') {
      outcome = 'throttled';
      out = {
        status: 429,
        headers: { 'retry-after': String(verdict.retryAfterSeconds) },
        body: new ArmError(
          429,
          'TooManyRequests',
          `The request is being throttled. Please retry after ${verdict.retryAfterSeconds} seconds.`,
        ).body(),
      };
    } else if (verdict.kind === 'error') {
      outcome = 'injected_error';
      out = {
        status: 500,
        body: new ArmError(500, 'InternalServerError', 'Encountered internal server error (injected fault). Please retry.').body(),
      };
    } else {
      try {
        out = reply(await dispatch(req, route, url));
      } catch (err) {
        const e =
          err instanceof ArmError
            ? err
            : new ArmError(500, 'InternalServerError', `Encountered internal server error: ${(err as Error).message}`);
        out = { status: e.status, body: e.body(), headers: e.headers };
      }
      outcome = outcomeOf(out.status);
    }
    opts.faults.record(route.operation, outcome);
    if (!res.destroyed && !res.headersSent) send(req, res, out);
    opts.log?.({
      api: 'azure',
      method: req.method,
      path: url.pathname,
      operation: route.operation,
      status: out.status,
      ms: Date.now() - started,
    });
  };

  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    handle(req, res).catch(() => {
      // Only a broken socket gets here (the handler turns every error into an ARM answer).
      if (!res.headersSent && !res.destroyed) res.writeHead(500).end();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  // https.Server has every http.Server method ManagedListener uses (listen, close, closeAllConnections).
  const listener = new ManagedListener(server as unknown as HttpServer, opts.host, opts.port, opts.faults);
  await listener.start();
  if (ownEngine) engine.start();
  const hostPart = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  endpoint = `https://${hostPart}:${listener.boundPort}`;
  // Started while the API is meant to be down: let the listener follow.
  if (opts.faults.settings.apiDown) opts.faults.set({ apiDown: true });

  return {
    endpoint,
    port: listener.boundPort,
    caCertPem: tls.cert,
    trafficManager: { store: tmStore, engine },
    settled: () => listener.settled(),
    stop: async () => {
      if (ownEngine) engine.stop();
      await listener.stop();
    },
  };
}
