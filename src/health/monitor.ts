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
 */
import { EventEmitter } from 'node:events';
import { BreakerGroup, rollingWindowFor, type ProbeBreaker } from './breaker.js';
import { realClock, type Clock, type TimerHandle } from './clock.js';
import type { HealthMonitorEvents, MonitorSnapshot, TargetSnapshot, VantageSnapshot } from './monitor-events.js';
import { nextProbeAt, nextProbeDelay, type ProbeCadence } from './probe-schedule.js';
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
}

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
  inFlight?: { readonly controller: AbortController; readonly done: Promise<void> };
  last?: HttpProbeResult;
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
  #phase: 'idle' | 'running' | 'stopped' = 'idle';

  constructor(options: HealthMonitorOptions) {
    super();
    const health = options.health;
    this.#health = health;
    this.#clock = options.clock ?? realClock;
    this.#staleAfterMs = options.staleAfterMs ?? defaultStaleAfterMs(health);
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

  /** Begin probing: every pair is probed at once, then on its own schedule. */
  start(): void {
    if (this.#phase === 'stopped') throw new HealthMonitorError('this health monitor was stopped; create a new one to probe again');
    if (this.#phase === 'running') return;
    this.#phase = 'running';
    for (const slot of this.#allSlots()) this.#schedule(slot);
  }

  /** Clear every timer, abort in-flight probes, shut the breakers down; resolves when idle. */
  async stop(): Promise<void> {
    this.#phase = 'stopped';
    const pending: Promise<void>[] = [];
    for (const slot of this.#allSlots()) {
      this.#clearTimer(slot);
      if (slot.inFlight) {
        slot.inFlight.controller.abort();
        pending.push(slot.inFlight.done);
      }
    }
    await Promise.all(pending);
    this.#breakers?.shutdown();
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
    return { at: this.#clock.now(), running: this.running, targets };
  }

  #createSlot(target: ProbeTarget, vantage: VantagePoint): Slot {
    const timeoutMs = this.#health.timeoutMs;
    const breaker = this.#breakers?.create(`${target.id}@${vantage.id}`, (signal) => vantage.probe(target, { timeoutMs, signal }));
    const slot: Slot = {
      target,
      vantage,
      breaker,
      state: INITIAL_TARGET_STATE,
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
    this.#clearTimer(slot);
    const now = this.#clock.now();
    // Start-to-start spacing from the last attempt, even one the state machine ignored
    // (an open breaker's), so an unsent probe never makes the schedule spin.
    const sinceLastAttempt = slot.last ? slot.last.at + nextProbeDelay(slot.state, this.#health) : now;
    const delay = Math.max(nextProbeAt(slot.state, this.#health, now), sinceLastAttempt) - now;
    slot.timer = this.#clock.setTimer(() => {
      slot.timer = undefined;
      void this.#probe(slot);
    }, delay);
  }

  #clearTimer(slot: Slot): void {
    if (slot.timer === undefined) return;
    this.#clock.clearTimer(slot.timer);
    slot.timer = undefined;
  }

  #probe(slot: Slot): Promise<void> {
    if (slot.inFlight) return slot.inFlight.done;
    this.#clearTimer(slot);
    const controller = new AbortController();
    const sentAt = this.#clock.now();
    const { signal } = controller;
    const sent = slot.breaker ? slot.breaker.run(signal) : slot.vantage.probe(slot.target, { timeoutMs: this.#health.timeoutMs, signal });
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
        this.#record(slot, { ...outcome, at: sentAt });
      });
    slot.inFlight = { controller, done };
    return done;
  }

  #record(slot: Slot, result: HttpProbeResult): void {
    const before = slot.state;
    // A probe the open breaker did not send is not evidence: it may only keep a
    // target down, never count toward `fall` (I6: down needs `fall` real failures).
    const notSent = result.code === 'EOPENBREAKER' && before.kind !== 'down';
    if (!notSent) slot.state = observe(before, result, this.#health);
    slot.last = result;
    slot.probes += 1;
    if (result.ok) {
      slot.consecutiveSuccesses += 1;
      slot.consecutiveFailures = 0;
    } else {
      slot.failedProbes += 1;
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

    this.emit('probe', { targetId, vantageId, result, state: slot.state.kind });
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
      staleAfterMs: this.#staleAfterMs,
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
