/**
 * Operator overrides for one service. They are inputs to the decision, never
 * bypasses of it: a drain never empties an answer, a pin never points at a target
 * the vantage points agree is down, and a pause writes nothing.
 */
import type { Cloud, RoutedService } from './answer.js';

/** The operator's overrides for one service. */
export interface ServiceOverrides {
  /** Clouds whose targets get no traffic while any target elsewhere is usable. */
  readonly drainedClouds: readonly Cloud[];
  /** Serve exactly this target (by id) unless it is down by quorum. */
  readonly pinnedTargetId?: string;
  /** Write nothing for this service; the published answer stays as it is. */
  readonly paused: boolean;
}

/** No overrides at all. */
export const NO_OVERRIDES: ServiceOverrides = { drainedClouds: [], paused: false };

/**
 * Problems an API should refuse before storing overrides (decide() tolerates
 * them and reports them, so a stale override can never stop the loop).
 */
export function overrideProblems(service: RoutedService, overrides: ServiceOverrides): string[] {
  const problems: string[] = [];
  const pin = overrides.pinnedTargetId;
  if (pin !== undefined && !service.targets.some((t) => t.id === pin)) {
    problems.push(
      `pinnedTargetId '${pin}' is not a target of ${service.name}; expected one of ${service.targets.map((t) => t.id).join(', ')}`,
    );
  }
  const clouds = new Set(service.targets.map((t) => t.cloud));
  for (const c of overrides.drainedClouds) {
    if (!clouds.has(c)) problems.push(`drained cloud '${c}' has no target in ${service.name}; the drain has no effect there`);
  }
  return problems;
}
