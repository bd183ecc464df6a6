/**
 * What the monitor does when it cannot keep up: pure decisions, time passed in.
 *
 * Once per window (one probe interval) the monitor reports how late it ran: the
 * worst lateness of its own probe timers and the measured event-loop lag. Past
 * `lagThresholdMs` the monitor is overloaded: it stretches every probe delay
 * (×1.5 per overloaded window, up to MAX_STRETCH), which sheds load in proportion,
 * and says so. After CALM_WINDOWS calm windows in a row it shrinks back step by
 * step, and says when it is back to the configured cadence.
 */

export const MAX_STRETCH = 4;
export const STRETCH_STEP = 1.5;
export const CALM_WINDOWS = 3;

export interface OverloadState {
  /** Multiplier applied to every probe delay; 1 when keeping up. */
  readonly stretch: number;
  readonly calmWindows: number;
}

export const NOMINAL: OverloadState = { stretch: 1, calmWindows: 0 };

export interface WindowLag {
  /** Worst lateness of a probe timer in the window, ms. */
  readonly timerLateMs: number;
  /** Worst measured event-loop delay in the window, ms. */
  readonly loopLagMs: number;
}

export type OverloadChange = 'overloaded' | 'stretched' | 'relaxed' | 'recovered' | 'none';

export function nextOverloadState(
  state: OverloadState,
  lag: WindowLag,
  lagThresholdMs: number,
): { readonly state: OverloadState; readonly change: OverloadChange } {
  const lagging = Math.max(lag.timerLateMs, lag.loopLagMs) > lagThresholdMs;
  if (lagging) {
    const stretch = Math.min(MAX_STRETCH, state.stretch * STRETCH_STEP);
    const change = state.stretch === 1 ? 'overloaded' : stretch !== state.stretch ? 'stretched' : 'none';
    return { state: { stretch, calmWindows: 0 }, change };
  }
  if (state.stretch === 1) return { state: NOMINAL, change: 'none' };
  const calmWindows = state.calmWindows + 1;
  if (calmWindows < CALM_WINDOWS) return { state: { stretch: state.stretch, calmWindows }, change: 'none' };
  const stretch = state.stretch / STRETCH_STEP <= 1.01 ? 1 : state.stretch / STRETCH_STEP;
  return { state: { stretch, calmWindows: 0 }, change: stretch === 1 ? 'recovered' : 'relaxed' };
}

/**
 * A stable phase in [0, spanMs) for a probe pair, from its name (FNV-1a), so
 * probes start spread over the span instead of all at once, and the same pair
 * keeps its phase across restarts.
 */
export function phaseOffset(name: string, spanMs: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return spanMs <= 0 ? 0 : hash % Math.floor(spanMs);
}
