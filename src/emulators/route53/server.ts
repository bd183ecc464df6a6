/**
 * Starts the Route 53 API on loopback. The listener follows the `apiDown`
 * fault (closed port, so clients see ECONNREFUSED), like every emulator's.
 */
import { createServer } from 'node:http';
import type { ApiServerOptions, RunningApi } from '../core/api.js';
import { ManagedListener } from '../core/listener.js';
import { createRoute53App } from './app.js';
import { ChangeLog } from './change-log.js';
import type { Route53Context } from './context.js';
import { HealthCheckEngine } from './engine/checkers.js';
import { newHealthCheckRegistry } from './health-checks.js';
import { installLiveAnswers } from './live-answers.js';
import { RoutingSets } from './routing-sets.js';

export interface Route53ApiOptions extends ApiServerOptions {
  /** A change reads INSYNC once this much time has passed (or on its second GetChange). Default 500 ms. */
  changeSyncMs?: number;
  /** Clock for change status; tests pass their own. */
  now?: () => number;
  /** Request bodies above this are refused with 413. Default 1 MiB, well above a maximal batch. */
  maxBodyBytes?: number;
  /**
   * Probe interval of every health check, in ms, instead of its RequestInterval
   * (10 or 30 s): the one deviation, for local drills. Default: Route 53's intervals.
   */
  healthCheckIntervalMs?: number;
}

export interface RunningRoute53Api extends RunningApi {
  /** The simulated health checkers (interval knob, probe count). */
  readonly healthChecks: HealthCheckEngine;
}

const DEFAULT_CHANGE_SYNC_MS = 500;
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export async function startRoute53Api(opts: Route53ApiOptions): Promise<RunningRoute53Api> {
  // Only called while serving requests, after the listener exists.
  const endpoint = (): string => {
    const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
    return `http://${host}:${listener.boundPort}`;
  };
  const engine = new HealthCheckEngine(opts.healthCheckIntervalMs !== undefined ? { intervalMs: opts.healthCheckIntervalMs } : {});
  const routing = new RoutingSets();
  installLiveAnswers(opts.store, routing, engine);
  const ctx: Route53Context = {
    store: opts.store,
    changes: new ChangeLog(opts.changeSyncMs ?? DEFAULT_CHANGE_SYNC_MS, opts.now ?? Date.now),
    callerReferences: new Set(),
    endpoint,
    zoneMeta: new Map(),
    healthChecks: newHealthCheckRegistry(),
    engine,
    routing,
    healthCheckUser: (id) => routing.userOf(id),
  };
  const app = createRoute53App(ctx, {
    faults: opts.faults,
    maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    ...(opts.http ? { http: opts.http } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  const server = createServer(app);
  // A client that never finishes its request must not hold a socket forever.
  server.requestTimeout = 15_000;
  server.headersTimeout = 10_000;
  const listener = new ManagedListener(server, opts.host, opts.port, opts.faults);
  await listener.start();
  return {
    get endpoint() {
      return endpoint();
    },
    get port() {
      return listener.boundPort;
    },
    healthChecks: engine,
    settled: () => listener.settled(),
    stop: async () => {
      engine.stop();
      await listener.stop();
    },
  };
}
