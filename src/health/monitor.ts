/**
 * The health monitor: probes every target from every vantage point on the
 * schedule of probe-schedule.ts, folds results into the rise/fall state machine
 * (target-state.ts), judges each target by quorum (quorum.ts), and reports what
 * changed as typed events. Decisions stay in those pure modules; this file only
 * owns timers, in-flight probes and bookkeeping.
 *
 * Guarantees:
 * - probes of one (target, vantage point) never overlap: the next one is scheduled
 *   when the previous one has finished, at nextProbeAt() or at once if that passed;
 * - time comes from an injected clock (real by default), and `at` of every result
 *   is the send time on that clock;
 * - stop() clears every timer, aborts in-flight probes (their results are dropped:
 *   stopping is not evidence) and resolves when nothing is running.
 *
 * At scale (thousands of pairs on one core):
 * - start() spreads first probes over the fast interval by a stable per-pair phase
 *   (real clock by default), so probes never run in synchronized bursts;
 * - timers are coalesced: pairs due in the same TIMER_SLOT_MS slot share one timer;
 * - one AbortController for the whole monitor (stop aborts everything at once);
 * - a timeout the monitor's own lag explains (late deadline timer, or event-loop
 *   lag past `lagThresholdMs` during the probe) is inconclusive, never a failure;
 * - past capacity the monitor stretches its cadence and emits `overload` (see
 *   overload.ts) instead of inventing outages; `probe-stats` gives counts per
 *   interval so consumers need not listen to every `probe`.
 */
import { EventEmitter, setMaxListeners } from 'node:events';
import { BreakerGroup, rollingWindowFor, type ProbeBreaker } from './breaker.js';
import { realClock, type Clock, type TimerHandle } from '../time/clock.js';
import type { HealthMonitorEvents, MonitorSnapshot, TargetSnapshot, VantageSnapshot } from './monitor-events.js';
import { eventLoopLag, noLag, type LagSource } from './loop-lag.js';
import { NOMINAL, nextOverloadState, phaseOffset, type OverloadState } from './overload.js';
import { nextProbeDelay, type ProbeCadence } from './probe-schedule.js';
import type { HttpProbeResult } from './probe.js';
import { defaultStaleAfterMs, judgeTarget, type TargetVerdict } from './quorum.js';
import { INITIAL_TARGET_STATE, observe, type TargetState } from './target-state.js';
import { VantagePoint, type ProbeTarget } from './vantage-point.js';

export type * from './monitor-events.js';

/** The health settings the monitor uses; the `health` section of the config fits. */
export interface MonitorSettings extends ProbeCadence {
  readonly timeoutMs: number;
  readonly rise: number;
  readonly fall: number;
  readonly quorum?: number;
  readonly vantagePoints: readonly { readonly id: string }[];
  readonly breaker: {
    readonly errorThresholdPercentage: number;
    readonly resetTimeoutMs: number;
    readonly volumeThreshold: number;
  };
}

export interface HealthMonitorOptions {
  readonly health: MonitorSettings;
  readonly targets: readonly ProbeTarget[];
  /** The probers; by default one HTTP VantagePoint per `health.vantagePoints` entry. */
  readonly vantagePoints?: readonly VantagePoint[];
  readonly clock?: Clock;
  /**
   * Put each (target, vantage point) probe behind an opossum breaker (default).
   * `false` sends probes straight to the vantage point, so unit tests can run the
   * whole monitor on a fake clock (opossum only knows real time).
   */
  readonly breakers?: boolean;
  /** A vantage point silent for longer counts neither way; default 2 × interval + timeout. */
  readonly staleAfterMs?: number;
  /** Spread first probes over the fast interval (default: true on the real clock, false on an injected one). */
  readonly spreadStart?: boolean;
  /** Timer lateness or event-loop lag beyond this (ms) means overloaded; default DEFAULT_LAG_THRESHOLD_MS. */
  readonly lagThresholdMs?: number;
  /** Where event-loop lag is read; Node's monitorEventLoopDelay on the real clock, none on an injected one. */
  readonly lag?: LagSource;
}

/** Lag past this is the monitor's, not a target's: timeouts are then inconclusive and the cadence stretches. */
export const DEFAULT_LAG_THRESHOLD_MS = 100;
/** Pairs due within the same slot share one timer. */
export const TIMER_SLOT_MS = 5;

/** A monitor used wrongly: duplicate ids, an unknown target, a restart after stop. */
export class HealthMonitorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HealthMonitorError';
  }
}

/** One (target, vantage point) pair: its state machine, its schedule and its last evidence. */
interface Slot {
  readonly target: ProbeTarget;
  readonly vantage: VantagePoint;
  readonly breaker: ProbeBreaker | undefined;
  state: TargetState;
  timer?: TimerHandle;
  inFlight?: Promise<void>;
  /** When the current timer was due (monitor clock), to tell a late timer from a slow target. */
  dueAt?: number;
  last?: HttpProbeResult;
  inconclusive: number;
  consecutiveSuccesses: number;
  consecutiveFailures: number;
  probes: number;
  failedProbes: number;
}

interface TargetEntry {
  readonly target: ProbeTarget;
  readonly slots: readonly Slot[];
  verdict: TargetVerdict;
  verdictSince: number;
}

function checkUnique(kind: string, ids: readonly string[]): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw new HealthMonitorError(`duplicate ${kind} id '${id}': each ${kind} must be named once`);
    seen.add(id);
  }
}

export class HealthMonitor extends EventEmitter<HealthMonitorEvents> {
  readonly vantagePoints: readonly VantagePoint[];
  readonly #health: MonitorSettings;
  readonly #clock: Clock;
  readonly #staleAfterMs: number;
  readonly #breakers: BreakerGroup | undefined;
  readonly #targets = new Map<string, TargetEntry>();
  readonly #spreadStart: boolean;
  readonly #lagThresholdMs: number;
  readonly #lag: LagSource;
  /** Aborts every in-flight probe at stop(); one for all, not one per probe. */
  readonly #stopping = new AbortController();
  /** Coalesced timers: slot time → pairs due then. */
  readonly #due = new Map<number, { readonly at: number; readonly handle: TimerHandle; readonly slots: Set<Slot> }>();
  #overload: OverloadState = NOMINAL;
  #windowTimer: TimerHandle | undefined;
  #windowStart = 0;
  #window = { probes: 0, failed: 0, inconclusive: 0, timerLateMs: 0 };
  #phase: 'idle' | 'running' | 'stopped' = 'idle';

  constructor(options: HealthMonitorOptions) {
    super();
    const health = options.health;
    this.#health = health;
    this.#clock = options.clock ?? realClock;
    this.#staleAfterMs = options.staleAfterMs ?? defaultStaleAfterMs(health);
    this.#spreadStart = options.spreadStart ?? options.clock === undefined;
    this.#lagThresholdMs = options.lagThresholdMs ?? DEFAULT_LAG_THRESHOLD_MS;
    this.#lag = options.lag ?? (options.clock === undefined ? eventLoopLag() : noLag);
    // Every in-flight probe listens to the one stop signal.
    setMaxListeners(0, this.#stopping.signal);
    this.vantagePoints = options.vantagePoints ?? health.vantagePoints.map((v) => new VantagePoint({ id: v.id, clock: this.#clock }));
    checkUnique(
      'vantage point',
      this.vantagePoints.map((v) => v.id),
    );
    checkUnique(
      'target',
      options.targets.map((t) => t.id),
    );
    this.#breakers =
      options.breakers === false
        ? undefined
        : new BreakerGroup({
            ...health.breaker,
            timeoutMs: health.timeoutMs,
            lagToleranceMs: this.#lagThresholdMs,
            rollingWindowMs: rollingWindowFor({ intervalMs: health.intervalMs, volumeThreshold: health.breaker.volumeThreshold }),
          });

    const now = this.#clock.now();
    for (const target of options.targets) {
      const slots = this.vantagePoints.map((vantage) => this.#createSlot(target, vantage));
      // Judging the empty evidence up front also validates the quorum against the vantage points.
      this.#targets.set(target.id, { target, slots, verdict: this.#judge(target.id, slots, now), verdictSince: now });
    }
  }

  get running(): boolean {
    return this.#phase === 'running';
  }

  /** How much the cadence is stretched: 1 when keeping up, more when overloaded. */
  get stretch(): number {
    return this.#overload.stretch;
  }

  /**
   * Begin probing: every pair is probed at once (or, with spreadStart, at its own
   * phase within the fast interval), then on its own schedule.
   */
  start(): void {
    if (this.#phase === 'stopped') throw new HealthMonitorError('this health monitor was stopped; create a new one to probe again');
    if (this.#phase === 'running') return;
    this.#phase = 'running';
    const now = this.#clock.now();
    for (const slot of this.#allSlots()) {
      const offset = this.#spreadStart ? phaseOffset(`${slot.target.id}@${slot.vantage.id}`, this.#health.fastIntervalMs) : 0;
      this.#arm(slot, now + offset);
    }
    this.#windowStart = now;
    this.#lag.read();
    this.#armWindow();
  }

  /** Clear every timer, abort in-flight probes, shut the breakers down; resolves when idle. */
  async stop(): Promise<void> {
    this.#phase = 'stopped';
    for (const { handle } of this.#due.values()) this.#clock.clearTimer(handle);
    this.#due.clear();
    if (this.#windowTimer !== undefined) this.#clock.clearTimer(this.#windowTimer);
    this.#windowTimer = undefined;
    this.#stopping.abort();
    const pending: Promise<void>[] = [];
    for (const slot of this.#allSlots()) {
      slot.dueAt = undefined;
      if (slot.inFlight) pending.push(slot.inFlight);
    }
    await Promise.all(pending);
    this.#lag.stop();
    this.#breakers?.shutdown();
    for (const vantage of this.vantagePoints) vantage.closeConnections();
  }

  /**
   * Probe now, from every vantage point, one target or all; resolves when the
   * results are in. A pair with a probe already in flight waits for that one
   * instead (probes never overlap).
   */
  async probeNow(targetId?: string): Promise<void> {
    if (this.#phase === 'stopped') throw new HealthMonitorError('this health monitor was stopped; create a new one to probe again');
    const slots = targetId === undefined ? [...this.#allSlots()] : this.#entry(targetId).slots;
    await Promise.all(slots.map((slot) => this.#probe(slot)));
  }

  /** The current verdict of one target. */
  verdict(targetId: string): TargetVerdict {
    return this.#entry(targetId).verdict;
  }

  /** Everything the status API shows, per target and vantage point. */
  snapshot(): MonitorSnapshot {
    const targets: TargetSnapshot[] = [...this.#targets.values()].map((entry) => ({
      targetId: entry.target.id,
      verdict: entry.verdict.kind,
      verdictSince: entry.verdictSince,
      reason: entry.verdict.reason,
      vantages: entry.slots.map((slot) => this.#slotSnapshot(slot)),
    }));
    return { at: this.#clock.now(), running: this.running, stretch: this.#overload.stretch, targets };
  }

  #createSlot(target: ProbeTarget, vantage: VantagePoint): Slot {
    const timeoutMs = this.#health.timeoutMs;
    const lagToleranceMs = this.#lagThresholdMs;
    const breaker = this.#breakers?.create(`${target.id}@${vantage.id}`, (signal) =>
      vantage.probe(target, { timeoutMs, lagToleranceMs, signal }),
    );
    const slot: Slot = {
      target,
      vantage,
      breaker,
      state: INITIAL_TARGET_STATE,
      inconclusive: 0,
      consecutiveSuccesses: 0,
      consecutiveFailures: 0,
      probes: 0,
      failedProbes: 0,
    };
    breaker?.on('state', ({ from, to }) =>
      this.emit('breaker', { targetId: target.id, vantageId: vantage.id, from, to, at: this.#clock.now() }),
    );
    return slot;
  }

  #entry(targetId: string): TargetEntry {
    const entry = this.#targets.get(targetId);
    if (!entry)
      throw new HealthMonitorError(`unknown target '${targetId}'; monitored targets: ${[...this.#targets.keys()].join(', ') || 'none'}`);
    return entry;
  }

  *#allSlots(): Iterable<Slot> {
    for (const entry of this.#targets.values()) yield* entry.slots;
  }

  #schedule(slot: Slot): void {
    if (this.#phase !== 'running' || slot.inFlight) return;
    const now = this.#clock.now();
    const stretch = this.#overload.stretch;
    // Start-to-start spacing from the last attempt, even one the state machine ignored
    // (an open breaker's or an inconclusive one), so an unsent probe never makes the schedule spin.
    const delay = nextProbeDelay(slot.state, this.#health) * stretch;
    const sinceLastAttempt = slot.last ? slot.last.at + delay : now;
    const fromState = slot.state.last === undefined ? now : Math.max(slot.state.last.at + delay, now);
    this.#arm(slot, Math.max(fromState, sinceLastAttempt));
  }

  /** Put `slot` on the shared timer of the TIMER_SLOT_MS slot holding `dueAt` (exact on an injected clock). */
  #arm(slot: Slot, dueAt: number): void {
    this.#clearTimer(slot);
    const now = this.#clock.now();
    const slotAt = this.#clock === realClock ? Math.ceil(dueAt / TIMER_SLOT_MS) * TIMER_SLOT_MS : dueAt;
    slot.dueAt = slotAt;
    let bucket = this.#due.get(slotAt);
    if (!bucket) {
      const slots = new Set<Slot>();
      const handle = this.#clock.setTimer(() => this.#fire(slotAt), Math.max(0, slotAt - now));
      bucket = { at: slotAt, handle, slots };
      this.#due.set(slotAt, bucket);
    }
    bucket.slots.add(slot);
  }

  #fire(slotAt: number): void {
    const bucket = this.#due.get(slotAt);
    this.#due.delete(slotAt);
    if (!bucket) return;
    const late = this.#clock.now() - slotAt;
    if (late > this.#window.timerLateMs) this.#window.timerLateMs = late;
    for (const slot of bucket.slots) {
      slot.dueAt = undefined;
      void this.#probe(slot);
    }
  }

  #clearTimer(slot: Slot): void {
    if (slot.dueAt === undefined) return;
    const bucket = this.#due.get(slot.dueAt);
    slot.dueAt = undefined;
    if (!bucket) return;
    bucket.slots.delete(slot);
    if (bucket.slots.size === 0) {
      this.#clock.clearTimer(bucket.handle);
      this.#due.delete(bucket.at);
    }
  }

  /** Once per interval: judge the window's lag, stretch or relax the cadence, report counts. */
  #armWindow(): void {
    const windowMs = this.#health.intervalMs;
    this.#windowTimer = this.#clock.setTimer(() => {
      if (this.#phase !== 'running') return;
      const now = this.#clock.now();
      const loop = this.#lag.read();
      const w = this.#window;
      const { state, change } = nextOverloadState(
        this.#overload,
        { timerLateMs: w.timerLateMs, loopLagMs: loop.maxMs },
        this.#lagThresholdMs,
      );
      this.#overload = state;
      this.#window = { probes: 0, failed: 0, inconclusive: 0, timerLateMs: 0 };
      const elapsed = now - this.#windowStart;
      this.#windowStart = now;
      this.#armWindow();
      if (change !== 'none')
        this.emit('overload', {
          state: change,
          at: now,
          stretch: state.stretch,
          timerLateMs: w.timerLateMs,
          loopLagMs: Math.round(loop.maxMs),
          lagThresholdMs: this.#lagThresholdMs,
        });
      this.emit('probe-stats', {
        at: now,
        windowMs: elapsed,
        probes: w.probes,
        failed: w.failed,
        inconclusive: w.inconclusive,
        stretch: state.stretch,
        loopLagP99Ms: Math.round(loop.p99Ms),
      });
    }, windowMs);
  }

  #probe(slot: Slot): Promise<void> {
    if (slot.inFlight) return slot.inFlight;
    this.#clearTimer(slot);
    const sentAt = this.#clock.now();
    const signal = this.#stopping.signal;
    const sent = slot.breaker
      ? slot.breaker.run(signal)
      : slot.vantage.probe(slot.target, { timeoutMs: this.#health.timeoutMs, lagToleranceMs: this.#lagThresholdMs, signal });
    const done = sent
      .catch((err: unknown): HttpProbeResult => ({
        ok: false,
        at: sentAt,
        latencyMs: this.#clock.now() - sentAt,
        code: 'EPROBE',
        error: String(err),
      }))
      .then((outcome) => {
        slot.inFlight = undefined;
        if (signal.aborted) return;
        this.#record(slot, this.#judgeLag({ ...outcome, at: sentAt }));
      });
    slot.inFlight = done;
    return done;
  }

  /**
   * A timeout while the loop itself lagged past the threshold says nothing about
   * the target: the answer may be sitting unread in the socket. Refused
   * connections and bad statuses are the target's own doing and stay failures.
   */
  #judgeLag(result: HttpProbeResult): HttpProbeResult {
    if (result.ok || result.inconclusive || result.code !== 'ETIMEDOUT') return result;
    const lagMs = Math.max(this.#window.timerLateMs, this.#lag.peek());
    if (lagMs <= this.#lagThresholdMs) return result;
    return {
      ...result,
      code: 'ELAG',
      inconclusive: true,
      error: `inconclusive: timed out while the prober lagged ${Math.round(lagMs)} ms (overloaded)`,
    };
  }

  #record(slot: Slot, result: HttpProbeResult): void {
    const before = slot.state;
    // A probe the open breaker did not send is not evidence: it may only keep a
    // target down, never count toward `fall` (I6: down needs `fall` real failures).
    const notSent = result.code === 'EOPENBREAKER' && before.kind !== 'down';
    // An inconclusive probe (the monitor lagged, not the target) is no evidence either way.
    if (!notSent && !result.inconclusive) slot.state = observe(before, result, this.#health);
    slot.last = result;
    slot.probes += 1;
    this.#window.probes += 1;
    if (result.inconclusive) {
      slot.inconclusive += 1;
      this.#window.inconclusive += 1;
    } else if (result.ok) {
      slot.consecutiveSuccesses += 1;
      slot.consecutiveFailures = 0;
    } else {
      slot.failedProbes += 1;
      this.#window.failed += 1;
      slot.consecutiveFailures += 1;
      slot.consecutiveSuccesses = 0;
    }
    // Schedule before telling anyone, so a throwing listener cannot stall probing.
    this.#schedule(slot);

    const targetId = slot.target.id;
    const vantageId = slot.vantage.id;
    const now = this.#clock.now();
    const entry = this.#entry(targetId);
    const previous = entry.verdict;
    entry.verdict = this.#judge(targetId, entry.slots, now);
    if (entry.verdict.kind !== previous.kind) entry.verdictSince = now;

    // Building the event costs more than the probe's bookkeeping: skip it when nobody listens.
    if (this.listenerCount('probe') > 0) this.emit('probe', { targetId, vantageId, result, state: slot.state.kind });
    if (slot.state.kind !== before.kind)
      this.emit('vantage-state', { targetId, vantageId, from: before.kind, to: slot.state.kind, at: now, state: slot.state });
    if (entry.verdict.kind !== previous.kind)
      this.emit('verdict', { targetId, from: previous.kind, to: entry.verdict.kind, at: now, verdict: entry.verdict });
  }

  #judge(targetId: string, slots: readonly Slot[], now: number): TargetVerdict {
    return judgeTarget({
      targetId,
      vantageIds: slots.map((s) => s.vantage.id),
      states: new Map(slots.map((s) => [s.vantage.id, s.state])),
      ...(this.#health.quorum !== undefined ? { quorum: this.#health.quorum } : {}),
      // A stretched cadence stretches what counts as silent, or overload would read as staleness.
      staleAfterMs: this.#staleAfterMs * this.#overload.stretch,
      now,
    });
  }

  #slotSnapshot(slot: Slot): VantageSnapshot {
    const last = slot.last;
    return {
      vantageId: slot.vantage.id,
      state: slot.state.kind,
      breaker: slot.breaker?.state ?? 'disabled',
      partitioned: slot.vantage.isPartitioned(slot.target.id),
      inFlight: slot.inFlight !== undefined,
      ...(slot.inconclusive > 0 ? { inconclusiveProbes: slot.inconclusive } : {}),
      ...(last
        ? {
            lastProbeAt: last.at,
            lastLatencyMs: last.latencyMs,
            ...(last.status !== undefined ? { lastStatus: last.status } : {}),
            ...(last.error !== undefined ? { lastError: last.error } : {}),
            ...(last.code !== undefined ? { lastCode: last.code } : {}),
          }
        : {}),
      consecutiveSuccesses: slot.consecutiveSuccesses,
      consecutiveFailures: slot.consecutiveFailures,
      probes: slot.probes,
      failedProbes: slot.failedProbes,
    };
  }
}
