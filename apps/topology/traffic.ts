/**
 * The drills' client load: at a fixed rate, resolve the service's name through a
 * resolver that honours TTLs (the providers' name servers, as a real client's
 * resolver would ask them), call the address it got and note which cloud
 * answered, or how the request failed. Always bounded (duration and request
 * count), so a forgotten generator stops by itself.
 */
import { performance } from 'node:perf_hooks';
import type { NameserverInput } from '../../src/drills/nameserver.js';
import { ResolutionFailed, StubResolver, type AddressResolver, type Resolution } from '../../src/drills/resolver.js';
import {
  clientErrorWindow,
  percentile,
  type ClientErrorWindow,
  type RequestOutcome,
  type TrafficErrorKind,
  type WindowOptions,
} from '../../src/drills/traffic-timeline.js';
import { askWhoAnswered } from '../../src/drills/who-answered.js';

export const DEFAULT_RATE_PER_SECOND = 20;
/** Above this the generator would measure itself more than the service. */
export const MAX_RATE_PER_SECOND = 500;
export const DEFAULT_REQUEST_TIMEOUT_MS = 1_000;
export const DEFAULT_MAX_DURATION_MS = 10 * 60_000;
export const DEFAULT_MAX_REQUESTS = 100_000;
/** Requests waiting at once before ticks are skipped instead of piling up. */
export const DEFAULT_MAX_IN_FLIGHT = 256;
/** Clouds always shown in the summary line, answered or not. */
const KNOWN_CLOUDS = ['aws', 'azure', 'gcp'];

export interface TrafficGeneratorOptions {
  /** The service's DNS name, e.g. app.example.test. */
  name: string;
  /** The providers' name servers; needed unless `resolver` is given. */
  nameservers?: readonly NameserverInput[];
  /** The service's port on every address. */
  port: number;
  ratePerSecond?: number;
  /** Deadline of one HTTP request. */
  timeoutMs?: number;
  /** Deadline of one DNS question, for the resolver built from `nameservers`. */
  dnsTimeoutMs?: number;
  resolver?: AddressResolver;
  /** Clock of the timeline (ms); latencies are measured with performance.now(). */
  now?: () => number;
  /** Picks one address when DNS gives several. */
  random?: () => number;
  path?: string;
  maxDurationMs?: number;
  maxRequests?: number;
  maxInFlight?: number;
  /** Called with every finished request (e.g. the dashboard's client-impact feed); must not throw. */
  onOutcome?: (outcome: RequestOutcome) => void;
}

export interface TrafficStats {
  readonly ratePerSecond: number;
  readonly running: boolean;
  /** Requests sent (finished + in flight). */
  readonly sent: number;
  readonly finished: number;
  readonly inFlight: number;
  /** Ticks not sent because maxInFlight requests were still waiting. */
  readonly skipped: number;
  readonly ok: number;
  /** Answers per cloud, from the `cloud` field of the service's JSON. */
  readonly perCloud: Readonly<Record<string, number>>;
  readonly errorCount: number;
  readonly errors: Readonly<Partial<Record<TrafficErrorKind, number>>>;
  /** Empty DNS answers the resolver received (NOERROR without A, or NXDOMAIN). */
  readonly emptyAnswers: number;
  /** Latency of answered requests (ms), DNS included. */
  readonly latency: { readonly p50: number | undefined; readonly p95: number | undefined };
}

/** A setting out of range; names the setting and what it accepts. */
export class TrafficOptionError extends RangeError {
  override readonly name = 'TrafficOptionError';
}

function positive(value: number, name: string, max = Infinity): number {
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    throw new TrafficOptionError(`traffic ${name}: expected a number above 0${max < Infinity ? ` and at most ${max}` : ''}, got ${value}`);
  }
  return value;
}

function dnsErrorKind(err: unknown): TrafficErrorKind {
  if (!(err instanceof ResolutionFailed)) return 'dns-error';
  if (err.reason === 'timeout') return 'dns-timeout';
  if (err.reason === 'refused') return 'dns-refused';
  if (err.reason === 'servfail') return 'dns-servfail';
  return 'dns-error';
}

export class TrafficGenerator {
  readonly name: string;
  readonly ratePerSecond: number;
  readonly resolver: AddressResolver;
  private readonly port: number;
  private readonly timeoutMs: number;
  private readonly path: string;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly maxDurationMs: number;
  private readonly maxRequests: number;
  private readonly maxInFlight: number;
  private readonly onOutcome: ((outcome: RequestOutcome) => void) | undefined;

  private readonly outcomes: RequestOutcome[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly perCloud = new Map<string, number>(KNOWN_CLOUDS.map((c) => [c, 0]));
  private readonly errors = new Map<TrafficErrorKind, number>();
  private readonly latencies: number[] = [];
  private sent = 0;
  private skipped = 0;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private deadline: ReturnType<typeof setTimeout> | undefined;
  private stopping: Promise<void> | undefined;
  private resolveFinished!: () => void;
  /** Settles once the generator has stopped, by stop() or by reaching a bound. */
  readonly finished: Promise<void>;

  constructor(options: TrafficGeneratorOptions) {
    if (!options.name) throw new TrafficOptionError('traffic name: expected the service DNS name, e.g. app.example.test');
    if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
      throw new TrafficOptionError(`traffic port: expected 1..65535, got ${options.port}`);
    }
    this.name = options.name;
    this.port = options.port;
    this.ratePerSecond = positive(options.ratePerSecond ?? DEFAULT_RATE_PER_SECOND, 'ratePerSecond', MAX_RATE_PER_SECOND);
    this.timeoutMs = positive(options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, 'timeoutMs');
    this.maxDurationMs = positive(options.maxDurationMs ?? DEFAULT_MAX_DURATION_MS, 'maxDurationMs');
    this.maxRequests = positive(options.maxRequests ?? DEFAULT_MAX_REQUESTS, 'maxRequests');
    this.maxInFlight = positive(options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT, 'maxInFlight');
    this.path = options.path ?? '/';
    this.onOutcome = options.onOutcome;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    if (options.resolver) this.resolver = options.resolver;
    else if (options.nameservers && options.nameservers.length > 0) {
      this.resolver = new StubResolver({
        nameservers: options.nameservers,
        now: this.now,
        ...(options.dnsTimeoutMs !== undefined ? { timeoutMs: options.dnsTimeoutMs } : {}),
      });
    } else throw new TrafficOptionError('traffic: give the providers’ nameservers (host:port each) or a resolver');
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
  }

  get running(): boolean {
    return this.ticker !== undefined;
  }

  start(): void {
    if (this.ticker || this.stopping) throw new Error('traffic generator already started; make a new one for another run');
    this.ticker = setInterval(() => this.tick(), 1000 / this.ratePerSecond);
    // The bounds are a safety net: they must not keep a finished process alive.
    this.deadline = setTimeout(() => void this.stop(), this.maxDurationMs);
    this.deadline.unref();
    this.tick();
  }

  /** Stop sending; resolves once every request in flight has ended (each is bounded by its timeouts). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      clearInterval(this.ticker);
      clearTimeout(this.deadline);
      this.ticker = undefined;
      await Promise.all([...this.pending]);
      this.resolveFinished();
    })();
    return this.stopping;
  }

  /** Every finished request, in the order they finished. */
  timeline(): readonly RequestOutcome[] {
    return [...this.outcomes];
  }

  /** `client_errors` and `client_error_window_ms` after a fault injected at `fromMs`. */
  window(fromMs: number, options?: WindowOptions): ClientErrorWindow {
    return clientErrorWindow(this.outcomes, fromMs, options);
  }

  stats(): TrafficStats {
    const ok = [...this.perCloud.values()].reduce((a, b) => a + b, 0);
    const errorCount = [...this.errors.values()].reduce((a, b) => a + b, 0);
    return {
      ratePerSecond: this.ratePerSecond,
      running: this.running,
      sent: this.sent,
      finished: this.outcomes.length,
      inFlight: this.pending.size,
      skipped: this.skipped,
      ok,
      perCloud: Object.fromEntries(this.perCloud),
      errorCount,
      errors: Object.fromEntries(this.errors),
      emptyAnswers: this.resolver.stats().emptyAnswers,
      latency: { p50: percentile(this.latencies, 50), p95: percentile(this.latencies, 95) },
    };
  }

  /** One line for a live status display (cheap: no percentiles). */
  summary(): string {
    const clouds = [...this.perCloud].map(([cloud, n]) => `${cloud} ${n}`).join('  ');
    const errorCount = [...this.errors.values()].reduce((a, b) => a + b, 0);
    const kinds = [...this.errors]
      .sort(([, a], [, b]) => b - a)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ');
    return `traffic ${this.ratePerSecond}/s  ${clouds}  errors ${errorCount}${kinds ? ` (${kinds})` : ''}  empty ${this.resolver.stats().emptyAnswers}`;
  }

  private tick(): void {
    if (this.sent >= this.maxRequests) {
      void this.stop();
      return;
    }
    if (this.pending.size >= this.maxInFlight) {
      this.skipped += 1;
      return;
    }
    this.sent += 1;
    const request = this.send(this.sent).finally(() => this.pending.delete(request));
    this.pending.add(request);
  }

  private async send(seq: number): Promise<void> {
    const startedAt = this.now();
    const started = performance.now();
    const base = () => ({ seq, startedAt, endedAt: this.now(), latencyMs: Math.round((performance.now() - started) * 10) / 10 });

    let resolution: Resolution;
    try {
      resolution = await this.resolver.resolve(this.name);
    } catch (err) {
      return this.record({ ...base(), ok: false, error: dnsErrorKind(err), detail: (err as Error).message });
    }
    const via = { nameserver: resolution.nameserver, fromCache: resolution.fromCache };
    if (resolution.empty) {
      return this.record({
        ...base(),
        ...via,
        ok: false,
        error: 'dns-empty',
        detail: `${this.name} answered ${resolution.rcode} with no address`,
      });
    }
    const address =
      resolution.addresses[Math.min(resolution.addresses.length - 1, Math.floor(this.random() * resolution.addresses.length))]!;
    const answer = await askWhoAnswered({ address, port: this.port, hostName: this.name, path: this.path, timeoutMs: this.timeoutMs });
    this.record({ ...base(), ...via, address, ...answer });
  }

  private record(outcome: RequestOutcome): void {
    this.outcomes.push(outcome);
    this.onOutcome?.(outcome);
    if (outcome.ok) {
      this.perCloud.set(outcome.cloud, (this.perCloud.get(outcome.cloud) ?? 0) + 1);
      this.latencies.push(outcome.latencyMs);
    } else {
      this.errors.set(outcome.error, (this.errors.get(outcome.error) ?? 0) + 1);
    }
  }
}
