/**
 * Dwell: the minimum time between two changes of one service's answer, so health
 * noise that survives hysteresis and quorum still cannot flap DNS faster than
 * once per dwellMs. The exceptions (moving away from a dead or drained target,
 * applying a pin) are decided by the caller; this only tells whether the gate is open.
 */

/** Whether a change may be written now, or when it may. */
export type DwellGate = { readonly kind: 'open' } | { readonly kind: 'closed'; readonly until: number };

/** The gate for a service whose answer last changed at `changedAt`. */
export function dwellGate(changedAt: number, now: number, dwellMs: number): DwellGate {
  const until = changedAt + dwellMs;
  return now < until ? { kind: 'closed', until } : { kind: 'open' };
}
