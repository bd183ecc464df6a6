/**
 * Which addresses a routed record set answers, from its policy and the health of
 * its endpoints — Cloud DNS's rules (https://cloud.google.com/dns/docs/routing-policies-overview,
 * "Failover routing policy", "WRR routing policy", "Health checks"):
 *
 * - `primaryBackup`: the primary's healthy endpoints; when none is healthy, the
 *   backup (its geo item for the querying region, else the first whose answer is
 *   non-empty). While the primary is healthy, `trickleTraffic` of the answers go
 *   to the backup.
 * - `wrr`: one item, drawn by weight among the items that have something healthy
 *   to answer (rrdatas always count; unhealthy endpoints are left out).
 * - When nothing health-checked is healthy, answer as if everything were (fail open):
 *   never an empty answer.
 *
 * Pure: the health of each endpoint and the random draw come in as arguments.
 */
import type { GeoItem, PolicyBucket, RoutingPolicy } from './policy-model.js';

export interface DecisionInput {
  /** Is this endpoint healthy now? Unknown endpoints count as healthy (nothing has failed yet). */
  healthy(endpoint: string): boolean;
  /** A number in [0, 1): picks the trickle and the weighted item. */
  draw: number;
  /** The querying client's Google Cloud region, for the backup's geo items. */
  clientRegion: string;
}

export type DecisionReason = 'primary' | 'trickle' | 'backup' | 'weighted' | 'fail-open';

export interface Decision {
  addresses: string[];
  reason: DecisionReason;
}

function answerOf(bucket: PolicyBucket, healthy: (e: string) => boolean): string[] {
  return [...bucket.rrdatas, ...bucket.endpoints.filter(healthy)];
}

function backupAnswer(items: readonly GeoItem[], clientRegion: string, healthy: (e: string) => boolean): string[] {
  const ordered = [...items.filter((i) => i.location === clientRegion), ...items.filter((i) => i.location !== clientRegion)];
  for (const item of ordered) {
    const answer = answerOf(item, healthy);
    if (answer.length > 0) return answer;
  }
  return [];
}

function pickWeighted<T extends { weight: number }>(items: readonly T[], draw: number): T | undefined {
  const total = items.reduce((n, i) => n + i.weight, 0);
  if (total <= 0) return undefined;
  let at = draw * total;
  for (const item of items) {
    if (item.weight <= 0) continue;
    if (at < item.weight) return item;
    at -= item.weight;
  }
  return items.filter((i) => i.weight > 0).at(-1);
}

const everyoneHealthy = () => true;

export function decide(policy: RoutingPolicy, input: DecisionInput): Decision {
  const { healthy, draw, clientRegion } = input;
  if (policy.kind === 'primaryBackup') {
    const primary = policy.primary.filter(healthy);
    if (primary.length > 0) {
      if (draw < policy.trickleTraffic) {
        const trickle = backupAnswer(policy.backup, clientRegion, healthy);
        if (trickle.length > 0) return { addresses: trickle, reason: 'trickle' };
      }
      return { addresses: primary, reason: 'primary' };
    }
    const backup = backupAnswer(policy.backup, clientRegion, healthy);
    if (backup.length > 0) return { addresses: backup, reason: 'backup' };
    return { addresses: [...policy.primary], reason: 'fail-open' };
  }
  const alive = policy.items.filter((i) => answerOf(i, healthy).length > 0);
  const item = pickWeighted(alive, draw);
  if (item) return { addresses: answerOf(item, healthy), reason: 'weighted' };
  const any = pickWeighted(policy.items, draw);
  return { addresses: any ? answerOf(any, everyoneHealthy) : [], reason: 'fail-open' };
}
