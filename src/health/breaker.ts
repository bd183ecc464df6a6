/**
 * A circuit breaker (opossum) in front of each (target, vantage point) probe.
 * Hysteresis decides health; the breaker only saves work and sockets: after
 * enough failures in its rolling window it opens, and probes are not sent (each
 * becomes a failure `circuit open`, code EOPENBREAKER) until `resetTimeoutMs` has
 * passed; then it lets exactly one probe through (half-open), closing on success
 * and re-opening on failure.
 *
 * Trade-offs: a `circuit open` result counts as a failure only while the vantage
 * point already holds the target down (the monitor ignores it otherwise), so `fall`
 * always means `fall` real failures; the default breaker (100% errors over at least
 * `fall` probes, enforced by the config schema) cannot open before that anyway.
 * A recovered target waits for the half-open probe (up to resetTimeoutMs) before
 * its first success counts: recovery is meant to be slower than detection.
 *
 * Opossum runs on real time with unref'd timers, which is why it lives here at the
 * edge; the monitor can run without breakers on an injected clock in unit tests.
 */
import { EventEmitter } from 'node:events';
import CircuitBreaker from 'opossum';
import { performance } from 'node:perf_hooks';
import type { HttpProbeResult } from './probe.js';

export type BreakerState = 'closed' | 'open' | 'halfOpen';

/** The breaker settings from the health config, plus the probe timeout. */
export interface BreakerSettings {
  /** The probe's own timeout; opossum's is a little longer, as a backstop (the probe aborts itself). */
  readonly timeoutMs: number;
  readonly errorThresholdPercentage: number;
  readonly resetTimeoutMs: number;
  /** Probes in the rolling window before the breaker may open at all. */
  readonly volumeThreshold: number;
  /** Length of the rolling statistics window; see rollingWindowFor. */
  readonly rollingWindowMs: number;
  /** opossum's backstop firing this much late is event-loop lag: inconclusive, not a timeout. */
  readonly lagToleranceMs?: number;
}

/** Opossum's backstop fires this long after the probe should have timed out by itself. */
export const BREAKER_TIMEOUT_MARGIN_MS = 50;
const ROLLING_BUCKETS = 10;

/**
 * Opossum's default window is 10 s; with slow probe intervals it would never hold
 * `volumeThreshold` probes and the breaker could never open, so the window is
 * stretched to hold at least volumeThreshold + 1 probes at the normal interval.
 */
export function rollingWindowFor(cfg: { readonly intervalMs: number; readonly volumeThreshold: number }): number {
  return Math.max(10_000, (cfg.volumeThreshold + 1) * cfg.intervalMs);
}

export interface BreakerStateChange {
  readonly name: string;
  readonly from: BreakerState;
  readonly to: BreakerState;
}

interface ProbeBreakerEvents {
  state: [BreakerStateChange];
  /** A probe was not sent because the circuit is open. */
  reject: [{ readonly name: string }];
}

/** The probe behind a breaker; it gets a signal that aborts when opossum's backstop fires. */
export type GuardedProbe = (signal: AbortSignal) => Promise<HttpProbeResult>;

/** Carries a failed probe's result through opossum, which only counts rejections as failures. */
class ProbeFailed extends Error {
  constructor(readonly result: HttpProbeResult) {
    super(result.error ?? 'probe failed');
    this.name = 'ProbeFailed';
  }
}

function breakerError(err: unknown): { code?: string; message: string } {
  if (err instanceof Error) return { code: (err as NodeJS.ErrnoException).code, message: err.message };
  return { message: String(err) };
}

/** One breaker around one probe. `run` never rejects: every outcome is a probe result. */
export class ProbeBreaker extends EventEmitter<ProbeBreakerEvents> {
  readonly #breaker: CircuitBreaker<[AbortSignal], HttpProbeResult>;
  readonly #settings: BreakerSettings;
  #state: BreakerState = 'closed';

  constructor(
    readonly name: string,
    probe: GuardedProbe,
    settings: BreakerSettings,
    rotateBucketController?: EventEmitter,
  ) {
    super();
    this.#settings = settings;
    this.#breaker = new CircuitBreaker(
      async (signal: AbortSignal) => {
        const result = await probe(signal);
        // An inconclusive probe (our lag, not the target) must not push the breaker open.
        if (!result.ok && !result.inconclusive) throw new ProbeFailed(result);
        return result;
      },
      {
        name,
        timeout: settings.timeoutMs + BREAKER_TIMEOUT_MARGIN_MS,
        errorThresholdPercentage: settings.errorThresholdPercentage,
        resetTimeout: settings.resetTimeoutMs,
        volumeThreshold: settings.volumeThreshold,
        rollingCountTimeout: settings.rollingWindowMs,
        rollingCountBuckets: ROLLING_BUCKETS,
        // Nobody listens to snapshots; each one would cost a timer per breaker.
        enableSnapshots: false,
        ...(rotateBucketController ? { rotateBucketController } : {}),
      },
    );
    this.#breaker.on('open', () => this.#moveTo('open'));
    this.#breaker.on('halfOpen', () => this.#moveTo('halfOpen'));
    this.#breaker.on('close', () => this.#moveTo('closed'));
    this.#breaker.on('reject', () => this.emit('reject', { name }));
  }

  get state(): BreakerState {
    return this.#state;
  }

  /** Opossum's rolling counts (fires, failures, rejects, ...), for metrics. */
  get stats(): CircuitBreaker.Stats {
    return this.#breaker.stats;
  }

  /** Send the probe through the breaker; `signal` aborts it (the monitor is stopping). */
  async run(signal?: AbortSignal): Promise<HttpProbeResult> {
    const at = Date.now();
    const started = performance.now();
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    if (signal?.aborted) controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.#breaker.fire(controller.signal);
    } catch (err) {
      if (err instanceof ProbeFailed) return err.result;
      const latencyMs = Math.round(performance.now() - started);
      const { code, message } = breakerError(err);
      if (code === 'EOPENBREAKER') return { ok: false, at, latencyMs: 0, code, error: 'circuit open' };
      if (code === 'ETIMEDOUT' && CircuitBreaker.isOurError(err as Error)) {
        // The probe overran its own deadline: end it now rather than let it run on.
        controller.abort();
        const lateMs = performance.now() - started - this.#settings.timeoutMs - BREAKER_TIMEOUT_MARGIN_MS;
        if (lateMs > (this.#settings.lagToleranceMs ?? Number.POSITIVE_INFINITY))
          return {
            ok: false,
            at,
            latencyMs,
            code: 'ELAG',
            inconclusive: true,
            error: `inconclusive: the breaker's deadline fired ${Math.round(lateMs)} ms late (event-loop lag)`,
          };
        return { ok: false, at, latencyMs, code, error: `timeout after ${this.#settings.timeoutMs} ms` };
      }
      if (code === 'ESHUTDOWN') return { ok: false, at, latencyMs: 0, code, error: 'circuit shut down' };
      // A probe function is not supposed to throw; if one does, it is still just a failed probe.
      return { ok: false, at, latencyMs, code: code ?? 'EPROBE', error: message };
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Stop opossum's timers; later runs fail with `circuit shut down`. */
  shutdown(): void {
    this.#breaker.shutdown();
  }

  #moveTo(to: BreakerState): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    this.emit('state', { name: this.name, from, to });
  }
}

/**
 * The breakers of one monitor, sharing a single bucket-rotation timer instead of
 * one interval per breaker (opossum's rotateBucketController).
 */
export class BreakerGroup {
  readonly #rotation = new EventEmitter();
  readonly #breakers: ProbeBreaker[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(readonly settings: BreakerSettings) {
    // Every breaker of the group listens to the rotation emitter.
    this.#rotation.setMaxListeners(0);
  }

  create(name: string, probe: GuardedProbe): ProbeBreaker {
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#rotation.emit('rotate'), Math.floor(this.settings.rollingWindowMs / ROLLING_BUCKETS));
      this.#timer.unref();
    }
    const breaker = new ProbeBreaker(name, probe, this.settings, this.#rotation);
    this.#breakers.push(breaker);
    return breaker;
  }

  /** Shut down every breaker and the rotation timer. */
  shutdown(): void {
    for (const b of this.#breakers) b.shutdown();
    this.#breakers.length = 0;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
