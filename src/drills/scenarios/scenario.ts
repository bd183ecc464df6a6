/**
 * What a drill scenario is: an I/O half that breaks something on a running
 * topology and notes when (`run`), and a pure half that judges the recording
 * (`judge`), so every invariant check has unit tests with synthetic inputs.
 * The race is the exception: it runs its own writers and reports by itself.
 */
import type { ControllerEvent } from '../../observability/events.js';
import type { Cloud } from '../../routing/answer.js';
import type { DrillFigures, DrillObservations, DrillReport, HealthTimings, Invariant } from '../report.js';
import type { DrillTopology } from '../drill-topology.js';

/** The timings a drill runs with. */
export interface DrillSettings {
  readonly health: HealthTimings;
  readonly dwellMs: number;
  /** TTL of the service's record, in seconds. */
  readonly ttl: number;
  /** Requests per second of the load generator. */
  readonly trafficRate: number;
}

/** The drill command's timings: probe every second, 500 ms timeout, fall 3, rise 2, fast re-probe 500 ms, dwell 3 s. */
export const DRILL_DEFAULTS: DrillSettings = {
  health: { intervalMs: 1000, fastIntervalMs: 500, timeoutMs: 500, rise: 2, fall: 3 },
  dwellMs: 3000,
  // Short, so clients follow a change within a second; the window they see grows with the TTL.
  ttl: 1,
  trafficRate: 20,
};

/** The drill was interrupted; everything it started has been stopped. */
export class DrillAborted extends Error {
  override readonly name = 'DrillAborted';
}

/** What a scenario's `run` gets: the topology and a few helpers bound to this drill. */
export interface DrillContext {
  readonly topology: DrillTopology;
  readonly settings: DrillSettings;
  /** Each cloud's address in DNS answers. */
  readonly addresses: Readonly<Record<Cloud, string>>;
  /** Aborted on Ctrl-C: waits end early and the runner stops the topology. */
  readonly signal: AbortSignal;
  now(): number;
  /** One line of progress for the person watching. */
  progress(line: string): void;
  /** Check every 50 ms until true; false when `timeoutMs` passed or the drill was aborted. */
  waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean>;
  /** Sleep, or less when the drill is aborted. */
  sleep(ms: number): Promise<void>;
  /** Controller events recorded so far in this drill, oldest first. */
  events(): readonly ControllerEvent[];
  /** Every one of `providers` (default: all) answers exactly `answer` over DNS now. */
  served(answer: readonly string[], providers?: readonly string[]): boolean;
  /** The load generator's last requests all reached `cloud`. */
  clientsOn(cloud: Cloud): boolean;
}

/** What `run` noted: when the fault went in, what should happen, and anything the judge needs. */
export interface ScenarioRun {
  readonly faultAt: number;
  /** The target whose detection is timed. */
  readonly faultTarget?: string;
  /** What every reachable provider should serve after the fault. */
  readonly expectedAnswer?: readonly string[];
  /** Providers whose API stayed up (rto_ms waits for these). */
  readonly reachableProviders?: readonly string[];
  /** Other moments of the drill (e.g. `healAt`). */
  readonly marks?: Readonly<Record<string, number>>;
  /** Things observed on the way (e.g. a status code). */
  readonly facts?: Readonly<Record<string, unknown>>;
}

export interface JudgeInput {
  readonly obs: DrillObservations;
  readonly figures: DrillFigures;
  readonly run: ScenarioRun;
  readonly settings: DrillSettings;
  readonly addresses: Readonly<Record<Cloud, string>>;
}

export interface ScenarioVerdict {
  readonly invariants: readonly Invariant[];
  readonly details?: Record<string, unknown>;
}

interface ScenarioInfo {
  readonly name: string;
  /** What the drill does, in one line. */
  readonly summary: string;
  /** The invariant(s) it demonstrates. */
  readonly proves: string;
}

export interface TopologyScenario extends ScenarioInfo {
  readonly kind: 'topology';
  /** Overrides of the drill's default settings this scenario needs. */
  readonly settings?: Partial<Pick<DrillSettings, 'dwellMs'>>;
  run(ctx: DrillContext): Promise<ScenarioRun>;
  judge(input: JudgeInput): ScenarioVerdict;
}

export interface StandaloneOptions {
  readonly signal: AbortSignal;
  progress(line: string): void;
}

/** A scenario that starts and stops what it needs by itself and reports directly. */
export interface StandaloneScenario extends ScenarioInfo {
  readonly kind: 'standalone';
  execute(options: StandaloneOptions): Promise<DrillReport>;
}

export type Scenario = TopologyScenario | StandaloneScenario;

/** Generous deadline for "something the design bounds should have happened by now". */
export function patience(s: DrillSettings, extraMs = 0): number {
  const h = s.health;
  return 2 * (h.intervalMs + Math.max(h.fall, h.rise) * h.fastIntervalMs + h.timeoutMs) + s.dwellMs + s.ttl * 1000 + 5_000 + extraMs;
}
