/**
 * Which values Route 53 answers for one name and type that holds routing
 * record sets, pure: the sets and the health of their checks in, values out.
 * Route 53 Developer Guide, "Choosing a routing policy" and "How Amazon Route
 * 53 chooses records when health checking is configured":
 * - failover: the PRIMARY when healthy, else the SECONDARY; a record without a
 *   health check counts as healthy;
 * - weighted: one record, chosen by weight among the healthy ones; weight-0
 *   records only when every non-zero one is unhealthy;
 * - multivalue answer: up to 8 healthy records, chosen at random;
 * - when every record is unhealthy, Route 53 answers as if all were healthy (fail open).
 */

export type RoutingKind = 'failover' | 'weighted' | 'multivalue';

export interface RoutingRecord {
  readonly setIdentifier: string;
  readonly failover?: 'PRIMARY' | 'SECONDARY';
  readonly weight?: number;
  readonly multiValue?: boolean;
  readonly healthCheckId?: string;
  readonly values: readonly string[];
}

/** Health of a check by id; undefined for a record without a check (counted healthy). */
export type HealthOf = (healthCheckId: string) => boolean;

/** Route 53 returns at most this many multivalue records per answer. */
export const MAX_MULTIVALUE_RECORDS = 8;

export function routingKind(r: RoutingRecord): RoutingKind | undefined {
  if (r.failover !== undefined) return 'failover';
  if (r.weight !== undefined) return 'weighted';
  if (r.multiValue === true) return 'multivalue';
  return undefined;
}

const healthy = (r: RoutingRecord, healthOf: HealthOf) => r.healthCheckId === undefined || healthOf(r.healthCheckId);

function pickWeighted(records: readonly RoutingRecord[], random: () => number): RoutingRecord | undefined {
  const total = records.reduce((n, r) => n + (r.weight ?? 0), 0);
  if (total === 0) return records[Math.floor(random() * records.length)];
  let point = random() * total;
  for (const r of records) {
    point -= r.weight ?? 0;
    if (point < 0) return r;
  }
  return records[records.length - 1];
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * The values answered right now for one name and type. `random` in [0, 1)
 * chooses among weighted and multivalue records (tests pass their own).
 */
export function answerValues(records: readonly RoutingRecord[], healthOf: HealthOf, random: () => number = Math.random): string[] {
  const first = records[0];
  if (!first) return [];
  const kind = routingKind(first);
  const up = records.filter((r) => healthy(r, healthOf));
  if (kind === 'failover') {
    const primary = records.find((r) => r.failover === 'PRIMARY');
    const secondary = records.find((r) => r.failover === 'SECONDARY');
    if (primary && healthy(primary, healthOf)) return [...primary.values];
    if (secondary && healthy(secondary, healthOf)) return [...secondary.values];
    // Both unhealthy (or one missing and the other unhealthy): fail open to what exists, the PRIMARY first.
    return [...(primary ?? secondary ?? first).values];
  }
  if (kind === 'weighted') {
    const nonZero = (rs: readonly RoutingRecord[]) => rs.filter((r) => (r.weight ?? 0) > 0);
    const pool = [nonZero(up), up, nonZero(records), records].find((p) => p.length > 0) ?? [];
    return [...(pickWeighted(pool, random)?.values ?? [])];
  }
  const pool = up.length > 0 ? up : records;
  return shuffled(pool, random)
    .slice(0, MAX_MULTIVALUE_RECORDS)
    .flatMap((r) => r.values);
}
