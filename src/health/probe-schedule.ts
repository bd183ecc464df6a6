/**
 * When to probe next, from the state alone. Detection must not be bound to the
 * slow interval: after the first failure the target is re-probed at the fast
 * interval, so a dead target is declared down within
 *   intervalMs + (fall - 1) × fastIntervalMs   (probe send times)
 * plus the last probe's timeout, which the caller adds. Delays are start-to-start:
 * the caller sends the next probe at `nextProbeAt`, or as soon as the previous
 * one has finished if that is later (one probe in flight per target and vantage).
 */
import type { TargetState } from './target-state.js';

/** The two probe cadences from the health config. */
export interface ProbeCadence {
  readonly intervalMs: number;
  readonly fastIntervalMs: number;
}

/**
 * Milliseconds from the last probe's send time to the next one:
 * - `unknown`: fast, to leave the cold-start state within max(rise, fall) fast probes;
 * - `up`: the normal interval;
 * - `suspect`: fast, this is what bounds detection time;
 * - `down` with no success yet: the normal interval (no point hammering a dead target);
 * - `down` recovering (successes > 0): fast, so recovery is confirmed in (rise - 1) fast probes.
 */
export function nextProbeDelay(state: TargetState, cfg: ProbeCadence): number {
  switch (state.kind) {
    case 'unknown':
    case 'suspect':
      return cfg.fastIntervalMs;
    case 'up':
      return cfg.intervalMs;
    case 'down':
      return state.successes > 0 ? cfg.fastIntervalMs : cfg.intervalMs;
  }
}

/** Absolute time to send the next probe: last send time + delay, never in the past; `now` if never probed. */
export function nextProbeAt(state: TargetState, cfg: ProbeCadence, now: number): number {
  if (state.last === undefined) return now;
  return Math.max(state.last.at + nextProbeDelay(state, cfg), now);
}
