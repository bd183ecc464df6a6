/**
 * Health of one target as seen from one vantage point: a rise/fall hysteresis
 * state machine. Pure: the probe edge feeds it results stamped with the caller's
 * clock, so tests drive time.
 *
 *   unknown --rise oks--> up --1 failure--> suspect --fall failures in a row--> down
 *   unknown --fall failures-------------------------------------------------> down
 *   suspect --1 ok--> up (same `since`: it never stopped serving)
 *   down --rise oks in a row--> up
 *
 * `suspect` exists so the scheduler can re-probe fast after a single failure
 * (see probe-schedule.ts) without telling routing anything yet.
 */

/** One probe's outcome; `at` is when the probe was sent (ms on the caller's clock). */
export interface ProbeResult {
  readonly ok: boolean;
  readonly at: number;
  readonly latencyMs?: number;
  /** Why the probe failed, for the dashboard (e.g. `timeout after 500 ms`, `status 503`). */
  readonly error?: string;
}

/** The rise/fall thresholds: consecutive results needed to declare up / down. */
export interface Hysteresis {
  readonly rise: number;
  readonly fall: number;
}

/** Never probed, or not yet `rise` successes / `fall` failures in a row since start. */
export interface UnknownState {
  readonly kind: 'unknown';
  readonly successes: number;
  readonly failures: number;
  readonly last?: ProbeResult;
}

/** Serving; `since` is when it last became up. */
export interface UpState {
  readonly kind: 'up';
  readonly since: number;
  readonly last: ProbeResult;
}

/** Still counted as up, but `failures` (< fall) consecutive failures were seen since `since`. */
export interface SuspectState {
  readonly kind: 'suspect';
  readonly since: number;
  /** When it became up; restored if the next probe succeeds. */
  readonly upSince: number;
  readonly failures: number;
  readonly last: ProbeResult;
}

/** Declared down at `since`; `successes` (< rise) consecutive successes seen towards recovery. */
export interface DownState {
  readonly kind: 'down';
  readonly since: number;
  readonly successes: number;
  readonly last: ProbeResult;
}

/** The per (target, vantage point) health state; each kind carries only what it can mean. */
export type TargetState = UnknownState | UpState | SuspectState | DownState;

/** The state before the first probe. */
export const INITIAL_TARGET_STATE: UnknownState = { kind: 'unknown', successes: 0, failures: 0 };

/** Thrown for thresholds the schema would have refused; names the field to fix. */
export class HysteresisConfigError extends RangeError {
  constructor(field: 'rise' | 'fall', value: number) {
    super(`health.${field} must be an integer >= 1, got ${value}`);
    this.name = 'HysteresisConfigError';
  }
}

function checkHysteresis(cfg: Hysteresis): void {
  if (!Number.isInteger(cfg.rise) || cfg.rise < 1) throw new HysteresisConfigError('rise', cfg.rise);
  if (!Number.isInteger(cfg.fall) || cfg.fall < 1) throw new HysteresisConfigError('fall', cfg.fall);
}

/**
 * Fold one probe result into the state. A result sent before the last one seen
 * is ignored: a slow probe answering late must not overwrite newer evidence.
 */
export function observe(state: TargetState, result: ProbeResult, cfg: Hysteresis): TargetState {
  checkHysteresis(cfg);
  if (state.last !== undefined && result.at < state.last.at) return state;
  const last = result;
  switch (state.kind) {
    case 'unknown': {
      if (result.ok) {
        const successes = state.successes + 1;
        return successes >= cfg.rise ? { kind: 'up', since: result.at, last } : { kind: 'unknown', successes, failures: 0, last };
      }
      const failures = state.failures + 1;
      return failures >= cfg.fall
        ? { kind: 'down', since: result.at, successes: 0, last }
        : { kind: 'unknown', successes: 0, failures, last };
    }
    case 'up': {
      if (result.ok) return { kind: 'up', since: state.since, last };
      return cfg.fall <= 1
        ? { kind: 'down', since: result.at, successes: 0, last }
        : { kind: 'suspect', since: result.at, upSince: state.since, failures: 1, last };
    }
    case 'suspect': {
      if (result.ok) return { kind: 'up', since: state.upSince, last };
      const failures = state.failures + 1;
      return failures >= cfg.fall
        ? { kind: 'down', since: result.at, successes: 0, last }
        : { kind: 'suspect', since: state.since, upSince: state.upSince, failures, last };
    }
    case 'down': {
      if (!result.ok) return { kind: 'down', since: state.since, successes: 0, last };
      const successes = state.successes + 1;
      return successes >= cfg.rise ? { kind: 'up', since: result.at, last } : { kind: 'down', since: state.since, successes, last };
    }
  }
}

/** Fold a sequence of results, in order; handy for tests and for replaying an audit log. */
export function observeAll(results: Iterable<ProbeResult>, cfg: Hysteresis, from: TargetState = INITIAL_TARGET_STATE): TargetState {
  let state = from;
  for (const r of results) state = observe(state, r, cfg);
  return state;
}
