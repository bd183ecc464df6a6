/**
 * Fault injection for one emulator: API down (connection refused), a share of
 * requests failing with 5xx, added latency, throttling (always, or a token bucket
 * with the provider's published numbers), and the DNS data plane down on its own.
 * Every API request is counted per operation and outcome.
 *
 * Time and randomness are injected so tests are deterministic.
 */
import { EventEmitter } from 'node:events';

export interface TokenBucketSettings {
  capacity: number;
  refillPerSecond: number;
}

export interface FaultSettings {
  /** The API listener is closed: clients get ECONNREFUSED. */
  apiDown: boolean;
  /** The DNS data plane does not answer (queries time out). */
  dnsDown: boolean;
  /** Share of API requests (0..1) answered with a 5xx. */
  errorRate: number;
  /** Added to every API request, in ms. */
  latencyMs: number;
  /** `always`: every request throttled; `bucket`: token bucket below. */
  throttle: 'off' | 'always' | 'bucket';
  bucket: TokenBucketSettings;
}

export type FaultPatch = Partial<Omit<FaultSettings, 'bucket'>> & { bucket?: Partial<TokenBucketSettings> };

export type RequestVerdict = { kind: 'pass' } | { kind: 'error' } | { kind: 'throttle'; retryAfterSeconds: number };

export type Outcome = 'ok' | 'client_error' | 'server_error' | 'throttled' | 'injected_error';

export interface OperationCount {
  total: number;
  ok: number;
  client_error: number;
  server_error: number;
  throttled: number;
  injected_error: number;
}

export interface FaultInjectorOptions {
  /** Default bucket numbers for this provider (Route 53: 50, 10/s; ARM writes: 200, 10/s). */
  bucket: TokenBucketSettings;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface FaultEvents {
  change: [settings: FaultSettings];
}

export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private settings: TokenBucketSettings,
    private readonly now: () => number,
  ) {
    this.tokens = settings.capacity;
    this.last = now();
  }
  reset(settings: TokenBucketSettings): void {
    this.settings = settings;
    this.tokens = settings.capacity;
    this.last = this.now();
  }
  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.settings.capacity, this.tokens + ((t - this.last) / 1000) * this.settings.refillPerSecond);
    this.last = t;
  }
  /** Take one token; false when empty. */
  take(): boolean {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
  /** Seconds until one token is available (at least 1, as providers round up). */
  secondsUntilToken(): number {
    this.refill();
    const missing = Math.max(0, 1 - this.tokens);
    return Math.max(1, Math.ceil(missing / this.settings.refillPerSecond));
  }
}

function emptyCount(): OperationCount {
  return { total: 0, ok: 0, client_error: 0, server_error: 0, throttled: 0, injected_error: 0 };
}

export class FaultInjector extends EventEmitter<FaultEvents> {
  private current: FaultSettings;
  private readonly defaults: FaultSettings;
  private readonly bucket: TokenBucket;
  private readonly counts = new Map<string, OperationCount>();
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: FaultInjectorOptions) {
    super();
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.defaults = { apiDown: false, dnsDown: false, errorRate: 0, latencyMs: 0, throttle: 'off', bucket: { ...options.bucket } };
    this.current = structuredClone(this.defaults);
    this.bucket = new TokenBucket(this.current.bucket, this.now);
  }

  get settings(): FaultSettings {
    return structuredClone(this.current);
  }

  /** Change some settings; validates ranges and throws a RangeError naming the field. */
  set(patch: FaultPatch): FaultSettings {
    const next: FaultSettings = { ...this.current, ...patch, bucket: { ...this.current.bucket, ...patch.bucket } } as FaultSettings;
    validate(next);
    const bucketChanged =
      JSON.stringify(next.bucket) !== JSON.stringify(this.current.bucket) ||
      (next.throttle === 'bucket' && this.current.throttle !== 'bucket');
    this.current = next;
    if (bucketChanged) this.bucket.reset(next.bucket);
    this.emit('change', this.settings);
    return this.settings;
  }

  /** Back to no faults (keeps counters). */
  heal(): FaultSettings {
    this.current = structuredClone(this.defaults);
    this.bucket.reset(this.current.bucket);
    this.emit('change', this.settings);
    return this.settings;
  }

  /** Called by the API front end for every request, before handling it. */
  async admit(): Promise<RequestVerdict> {
    const s = this.current;
    if (s.latencyMs > 0) await this.sleep(s.latencyMs);
    if (s.throttle === 'always') return { kind: 'throttle', retryAfterSeconds: 1 };
    if (s.throttle === 'bucket' && !this.bucket.take()) return { kind: 'throttle', retryAfterSeconds: this.bucket.secondsUntilToken() };
    if (s.errorRate > 0 && this.random() < s.errorRate) return { kind: 'error' };
    return { kind: 'pass' };
  }

  record(operation: string, outcome: Outcome): void {
    let c = this.counts.get(operation);
    if (!c) {
      c = emptyCount();
      this.counts.set(operation, c);
    }
    c.total += 1;
    c[outcome] += 1;
  }

  /** Per-operation counts, e.g. `{ ChangeResourceRecordSets: { total: 3, ok: 2, throttled: 1, ... } }`. */
  counters(): Record<string, OperationCount> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, { ...v }]));
  }

  totalRequests(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c.total;
    return n;
  }

  resetCounters(): void {
    this.counts.clear();
  }
}

function validate(s: FaultSettings): void {
  const fail = (field: string, expected: string, got: unknown) => {
    throw new RangeError(`fault setting '${field}': expected ${expected}, got ${JSON.stringify(got)}`);
  };
  if (typeof s.apiDown !== 'boolean') fail('apiDown', 'true or false', s.apiDown);
  if (typeof s.dnsDown !== 'boolean') fail('dnsDown', 'true or false', s.dnsDown);
  if (typeof s.errorRate !== 'number' || !(s.errorRate >= 0 && s.errorRate <= 1)) fail('errorRate', 'a number from 0 to 1', s.errorRate);
  if (typeof s.latencyMs !== 'number' || !(s.latencyMs >= 0 && s.latencyMs <= 600_000))
    fail('latencyMs', 'milliseconds from 0 to 600000', s.latencyMs);
  if (!['off', 'always', 'bucket'].includes(s.throttle)) fail('throttle', "'off', 'always' or 'bucket'", s.throttle);
  if (typeof s.bucket.capacity !== 'number' || !(s.bucket.capacity >= 1)) fail('bucket.capacity', 'a number >= 1', s.bucket.capacity);
  if (typeof s.bucket.refillPerSecond !== 'number' || !(s.bucket.refillPerSecond > 0))
    fail('bucket.refillPerSecond', 'a number > 0', s.bucket.refillPerSecond);
}
