/**
 * The DNS data plane's view of routing record sets: the zone store holds one
 * set with a live source per name and type, and the store's `liveValues` hook
 * asks the engine what Route 53 would answer right now (engine/answer.ts with
 * the checkers' current health).
 */
import type { ZoneStore } from '../core/zone-store.js';
import { answerValues } from './engine/answer.js';
import type { HealthCheckEngine } from './engine/checkers.js';
import type { RoutingSets } from './routing-sets.js';

export const LIVE_SOURCE_PREFIX = 'route53:';

/** Install the hook; another front end's live sets sharing the store keep their own answers. */
export function installLiveAnswers(store: ZoneStore, routing: RoutingSets, engine: HealthCheckEngine): void {
  const previous = store.liveValues;
  store.liveValues = (rs) => {
    if (!rs.liveSource?.startsWith(LIVE_SOURCE_PREFIX)) return previous?.(rs) ?? [];
    const zoneId = rs.liveSource.slice(LIVE_SOURCE_PREFIX.length);
    return answerValues(routing.of(zoneId, rs.name, rs.type), (id) => engine.isHealthy(id));
  };
}
