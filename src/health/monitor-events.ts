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

export interface HealthMonitorEvents {
  probe: [ProbeEvent];
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
  readonly targets: readonly TargetSnapshot[];
}
