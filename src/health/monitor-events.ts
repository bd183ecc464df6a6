/**
 * What the health monitor tells the rest of the controller: typed events as
 * evidence arrives, and a snapshot for the status API and the dashboard.
 */
import type { BreakerState } from './breaker.js';
import type { HttpProbeResult } from './probe.js';
import type { TargetVerdict, VerdictKind } from './quorum.js';
import type { TargetState } from './target-state.js';

/** Every probe result, as fed into the state machine (`at` is the send time on the monitor's clock). */
export interface ProbeEvent {
  readonly targetId: string;
  readonly vantageId: string;
  readonly result: HttpProbeResult;
  /** The (target, vantage point) state after this result. */
  readonly state: TargetState['kind'];
}

/** One vantage point's view of one target changed kind (e.g. up → suspect). */
export interface VantageStateEvent {
  readonly targetId: string;
  readonly vantageId: string;
  readonly from: TargetState['kind'];
  readonly to: TargetState['kind'];
  readonly at: number;
  readonly state: TargetState;
}

/** A target's verdict across vantage points changed; `verdict.reason` says why. */
export interface VerdictEvent {
  readonly targetId: string;
  readonly from: VerdictKind;
  readonly to: VerdictKind;
  readonly at: number;
  readonly verdict: TargetVerdict;
}

/** A (target, vantage point) circuit breaker changed state. */
export interface BreakerEvent {
  readonly targetId: string;
  readonly vantageId: string;
  readonly from: BreakerState;
  readonly to: BreakerState;
  readonly at: number;
}

/**
 * The monitor cannot keep up (or has caught up again). While overloaded it probes
 * less often (`stretch` × every delay) and treats timeouts its own lag explains
 * as inconclusive, instead of reporting healthy targets as down.
 */
export interface OverloadEvent {
  /** overloaded: first lagging window; stretched/relaxed: the stretch moved; recovered: back to the configured cadence. */
  readonly state: 'overloaded' | 'stretched' | 'relaxed' | 'recovered';
  readonly at: number;
  /** The multiplier now applied to every probe delay (1 = configured cadence). */
  readonly stretch: number;
  /** Worst lateness of a probe timer in the window, ms. */
  readonly timerLateMs: number;
  /** Worst measured event-loop delay in the window, ms. */
  readonly loopLagMs: number;
  readonly lagThresholdMs: number;
}

/** Counts per window (one probe interval), so consumers need not listen to every probe. */
export interface ProbeStatsEvent {
  readonly at: number;
  readonly windowMs: number;
  readonly probes: number;
  readonly failed: number;
  /** Results the monitor's own lag made meaningless (not fed to the state machine). */
  readonly inconclusive: number;
  readonly stretch: number;
  readonly loopLagP99Ms: number;
}

export interface HealthMonitorEvents {
  probe: [ProbeEvent];
  overload: [OverloadEvent];
  'probe-stats': [ProbeStatsEvent];
  'vantage-state': [VantageStateEvent];
  verdict: [VerdictEvent];
  breaker: [BreakerEvent];
}

/** One (target, vantage point) pair, for the status API. */
export interface VantageSnapshot {
  readonly vantageId: string;
  readonly state: TargetState['kind'];
  /** `disabled` when the monitor runs without breakers (unit tests). */
  readonly breaker: BreakerState | 'disabled';
  readonly partitioned: boolean;
  readonly inFlight: boolean;
  readonly lastProbeAt?: number;
  readonly lastLatencyMs?: number;
  readonly lastStatus?: number;
  /** The last probe's error; absent when it succeeded. */
  readonly lastError?: string;
  readonly lastCode?: string;
  readonly consecutiveSuccesses: number;
  readonly consecutiveFailures: number;
  readonly probes: number;
  readonly failedProbes: number;
  /** Probes whose result the monitor's own lag made meaningless; absent when none. */
  readonly inconclusiveProbes?: number;
}

export interface TargetSnapshot {
  readonly targetId: string;
  readonly verdict: VerdictKind;
  /** When the verdict last changed (monitor clock); construction time for the initial `unknown`. */
  readonly verdictSince: number;
  readonly reason: string;
  readonly vantages: readonly VantageSnapshot[];
}

export interface MonitorSnapshot {
  readonly at: number;
  readonly running: boolean;
  /** 1 at the configured cadence; above 1 the monitor is overloaded and probes that much less often. */
  readonly stretch?: number;
  readonly targets: readonly TargetSnapshot[];
}
