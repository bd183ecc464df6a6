/**
 * What every emulator API front end (Route 53, Azure DNS, Cloud DNS) takes and
 * returns, so `startEmulators()` can compose them with the DNS data plane.
 */
import type { FaultInjector } from './faults.js';
import type { HttpLimits } from './http-body.js';
import type { ZoneStore } from './zone-store.js';

export interface ApiServerOptions {
  /** Loopback address to bind. */
  host: string;
  /** 0 picks a free port. */
  port: number;
  store: ZoneStore;
  faults: FaultInjector;
  /** Optional sink for one line per request (method, path, status, ms). */
  log?: (line: Record<string, unknown>) => void;
  /** Request-body limits (time, JSON depth; size where the front end has no option of its own). Defaults: DEFAULT_HTTP_LIMITS. */
  http?: Partial<HttpLimits>;
}

export interface RunningApi {
  /** Base URL the official SDK is pointed at, e.g. `http://127.0.0.1:4510`. */
  readonly endpoint: string;
  readonly port: number;
  /** Resolves when the listener reflects the current apiDown setting. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}
