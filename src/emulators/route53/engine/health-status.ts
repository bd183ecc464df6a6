/**
 * Route 53's health decision, pure: each checker's view of an endpoint (with
 * FailureThreshold applied), then the health check's status from all checkers.
 * Route 53 Developer Guide, "How Amazon Route 53 determines whether a health
 * check is healthy": a checker changes its view after FailureThreshold
 * consecutive results the other way; the check is healthy when more than 18%
 * of checkers report healthy. Disabled: always healthy. Inverted: the opposite.
 */

/** Route 53: healthy when more than this share of checkers report healthy. */
export const HEALTHY_CHECKER_SHARE = 0.18;

/** One checker's view: what it reports, and how many results in a row disagreed with that. */
export interface CheckerView {
  readonly healthy: boolean;
  readonly streak: number;
}

/** A new health check is considered healthy until the checkers have seen enough to say otherwise. */
export const INITIAL_CHECKER_VIEW: CheckerView = { healthy: true, streak: 0 };

/** The checker's view after one probe result. */
export function observe(view: CheckerView, probeOk: boolean, failureThreshold: number): CheckerView {
  if (probeOk === view.healthy) return { healthy: view.healthy, streak: 0 };
  const streak = view.streak + 1;
  return streak >= failureThreshold ? { healthy: probeOk, streak: 0 } : { healthy: view.healthy, streak };
}

export interface StatusFlags {
  readonly inverted: boolean;
  readonly disabled: boolean;
}

/** The health check's status from its checkers' views. */
export function healthCheckStatus(checkers: readonly boolean[], flags: StatusFlags): boolean {
  const measured = flags.disabled ? true : checkers.length > 0 && checkers.filter(Boolean).length / checkers.length > HEALTHY_CHECKER_SHARE;
  return flags.inverted ? !measured : measured;
}
