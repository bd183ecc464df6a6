/**
 * Health of one endpoint as one health check sees it from its source regions.
 * Pure: each probe result moves a region's counters; a region turns unhealthy
 * after `unhealthyThreshold` consecutive failures and healthy again after
 * `healthyThreshold` consecutive successes (Compute health checks, REST reference
 * HealthCheck.healthyThreshold/unhealthyThreshold). The endpoint is healthy while
 * a majority of its source regions (2 of 3) say so — a chosen reading, so that one
 * region's bad path does not fail an endpoint over, nor one region's good one keep it.
 */

export interface RegionHealth {
  readonly healthy: boolean;
  /** Consecutive results against the current verdict. */
  readonly streak: number;
}

export interface Thresholds {
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

/** New endpoints start healthy: nothing has failed yet, and Cloud DNS answers a new target at once. */
export const FRESH: RegionHealth = { healthy: true, streak: 0 };

export function observe(state: RegionHealth, ok: boolean, t: Thresholds): RegionHealth {
  if (ok === state.healthy) return { healthy: state.healthy, streak: 0 };
  const streak = state.streak + 1;
  const needed = state.healthy ? t.unhealthyThreshold : t.healthyThreshold;
  return streak >= needed ? { healthy: ok, streak: 0 } : { healthy: state.healthy, streak };
}

export function endpointHealthy(regions: readonly RegionHealth[]): boolean {
  if (regions.length === 0) return true;
  return regions.filter((r) => r.healthy).length * 2 > regions.length;
}

/**
 * Worst case from the endpoint failing to the answer moving: every region needs
 * `unhealthyThreshold` failed probes, one interval apart, the last of which may
 * take the whole timeout.
 */
export function detectionBoundMs(intervalMs: number, timeoutMs: number, unhealthyThreshold: number): number {
  return unhealthyThreshold * intervalMs + timeoutMs;
}
