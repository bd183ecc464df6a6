/**
 * A vantage point: a named prober, one of the independent observers whose quorum
 * decides whether a target is down.
 *
 * LIMITATION: in production each vantage point would run somewhere else (another
 * region, another cloud, another network) and report its results; here the
 * controller runs them all in-process, on one host and one network path. They are
 * independent in state and in failure injection, not in where they stand. To make
 * the quorum demonstrable locally, a vantage point can be partitioned from a target
 * on its own: its probes then behave like a blackhole (no answer until the timeout)
 * while the target itself, and every other vantage point, are untouched.
 */
import http from 'node:http';
import https from 'node:https';
import { realClock, waitFor, type Clock } from '../time/clock.js';
import { probeHttp, type HttpProber, type HttpProbeResult } from './probe.js';

/** What a vantage point needs to know about a target to probe it (a subset of the target config). */
export interface ProbeTarget {
  readonly id: string;
  readonly healthUrl: string;
  readonly expectStatus: number;
  readonly bodyContains?: string;
}

export interface VantagePointOptions {
  readonly id: string;
  /** The transport; probeHttp by default, a scripted network in unit tests. */
  readonly http?: HttpProber;
  /** Drives the partition blackhole's wait; the real clock by default. */
  readonly clock?: Clock;
  /**
   * Reuse connections to healthy targets (default true): a probe over a kept-alive
   * connection costs a fraction of one that opens a new one. See probe.ts for why
   * this hides no dead server.
   */
  readonly keepAlive?: boolean;
}

export interface VantageProbeOptions {
  readonly timeoutMs: number;
  /** See ProbeOptions.lagToleranceMs. */
  readonly lagToleranceMs?: number;
  readonly signal?: AbortSignal;
}

export class VantagePoint {
  readonly id: string;
  readonly #http: HttpProber;
  readonly #clock: Clock;
  readonly #partitioned = new Set<string>();
  readonly #agents: { readonly http: http.Agent; readonly https: https.Agent } | undefined;

  constructor(options: VantagePointOptions) {
    this.id = options.id;
    this.#http = options.http ?? probeHttp;
    this.#clock = options.clock ?? realClock;
    // One idle socket per target is all a prober needs; idle ones are unref'd by Node.
    this.#agents =
      options.keepAlive === false
        ? undefined
        : { http: new http.Agent({ keepAlive: true, maxFreeSockets: 1 }), https: new https.Agent({ keepAlive: true, maxFreeSockets: 1 }) };
  }

  /** Close the kept-alive connections (the monitor does this when it stops). */
  closeConnections(): void {
    this.#agents?.http.destroy();
    this.#agents?.https.destroy();
  }

  /** Cut this vantage point off from one target: its probes get no answer until healed. */
  partition(targetId: string): void {
    this.#partitioned.add(targetId);
  }

  heal(targetId: string): void {
    this.#partitioned.delete(targetId);
  }

  healAll(): void {
    this.#partitioned.clear();
  }

  isPartitioned(targetId: string): boolean {
    return this.#partitioned.has(targetId);
  }

  /** Target ids this vantage point is cut off from, sorted. */
  get partitions(): string[] {
    return [...this.#partitioned].sort();
  }

  /** Probe `target` from here. Never rejects. */
  async probe(target: ProbeTarget, options: VantageProbeOptions): Promise<HttpProbeResult> {
    const at = this.#clock.now();
    if (this.#partitioned.has(target.id)) {
      // Like a dropped SYN: nothing is sent, nothing comes back before the deadline.
      const ranOut = await waitFor(this.#clock, options.timeoutMs, options.signal);
      return ranOut
        ? { ok: false, at, latencyMs: options.timeoutMs, code: 'EPARTITIONED', error: `partitioned: timeout after ${options.timeoutMs} ms` }
        : { ok: false, at, latencyMs: this.#clock.now() - at, code: 'EABORTED', error: 'aborted' };
    }
    return this.#http(target.healthUrl, {
      timeoutMs: options.timeoutMs,
      expectStatus: target.expectStatus,
      ...(target.bodyContains !== undefined ? { bodyContains: target.bodyContains } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.lagToleranceMs !== undefined ? { lagToleranceMs: options.lagToleranceMs } : {}),
      headers: { 'x-health-vantage-point': this.id },
      ...(this.#agents ? { agent: target.healthUrl.startsWith('https:') ? this.#agents.https : this.#agents.http } : {}),
      now: () => this.#clock.now(),
    });
  }
}
