/**
 * Packing a plan's changes into provider requests.
 *
 * A change (one name: its records and its ownership record) is an atomic unit
 * and is never split across requests; within those bounds we use as few
 * requests as possible, because every request costs rate-limit tokens
 * (Route 53: a bucket of 50 refilled at 10/s).
 *
 * First-fit decreasing, with costs as vectors (one entry per limit). Bounds,
 * with S = Σ over batches and dimensions of load/limit and n the batch count:
 * - always n < 2S + 1: for consecutive batches i < i+1, the unit that opened
 *   i+1 did not fit into i, so the two loads sum past a limit somewhere;
 * - if every unit is at most ε of every limit, n < 1 + S / (1 - ε): every
 *   batch but the last is more than (1 - ε) full in some dimension.
 * With one dominant dimension (Route 53 with short values: resource records),
 * S ≈ that dimension's total/limit, so n ≈ ceil(total/limit) + 1 at most;
 * and for units of equal cost first-fit is exactly ceil(units / units-per-batch).
 */
import type { RecordSet } from '../dns/record.js';
import type { Change } from './change.js';

/** ChangeResourceRecordSets: per request (UPSERT counts twice). */
export const ROUTE53_LIMITS = { resourceRecords: 1000, valueChars: 32_000 } as const;
/** Cloud DNS default limits per change (cloud.google.com/dns/quotas). */
export const CLOUD_DNS_LIMITS = { additions: 1000, deletions: 1000, rrdataBytes: 100_000 } as const;

/** One unit is larger than a whole request may be: the plan cannot be sent as is. */
export class BatchLimitError extends Error {
  override readonly name = 'BatchLimitError';
}

/**
 * First-fit decreasing over cost vectors (one named dimension per limit).
 * Each item lands in exactly one batch; batches keep the items' original order.
 */
export function packFirstFit<T, K extends string>(
  items: readonly T[],
  cost: (item: T) => Readonly<Record<K, number>>,
  limits: Readonly<Record<K, number>>,
  describe: (item: T) => string = () => 'an item',
): T[][] {
  const dims = Object.keys(limits) as K[];
  const costs = items.map(cost);
  costs.forEach((c, i) => {
    for (const d of dims) {
      if (c[d] > limits[d])
        throw new BatchLimitError(
          `${describe(items[i] as T)} needs ${c[d]} ${d}; one request allows ${limits[d]}: split it or raise the limit`,
        );
    }
  });
  const weight = (c: Readonly<Record<K, number>>) => Math.max(0, ...dims.map((d) => c[d] / limits[d]));
  const order = items
    .map((_, i) => i)
    .sort((x, y) => weight(costs[y] as Record<K, number>) - weight(costs[x] as Record<K, number>) || x - y);
  const batches: { members: number[]; load: Record<K, number> }[] = [];
  for (const i of order) {
    const c = costs[i] as Readonly<Record<K, number>>;
    let batch = batches.find((b) => dims.every((d) => b.load[d] + c[d] <= limits[d]));
    if (batch === undefined) {
      batch = { members: [], load: Object.fromEntries(dims.map((d) => [d, 0])) as Record<K, number> };
      batches.push(batch);
    }
    batch.members.push(i);
    for (const d of dims) batch.load[d] += c[d];
  }
  return batches.map((b) => b.members.sort((x, y) => x - y).map((i) => items[i] as T));
}

/** Split atomic units into chunks whose summed size stays within `limit`. */
export function chunk<T>(items: readonly T[], size: (item: T) => number, limit: number, describe?: (item: T) => string): T[][] {
  return packFirstFit(items, (item) => ({ size: size(item) }), { size: limit }, describe);
}

const describeChange = (c: Change) => `the ${c.kind} of ${c.name}`;

// ── Route 53 ──────────────────────────────────────────────────────────────

export interface Route53Action {
  /** Plans never use UPSERT (it is not conditional); it is costed for completeness. */
  readonly action: 'CREATE' | 'DELETE' | 'UPSERT';
  readonly record: RecordSet;
}

/** The Route 53 actions of one change, deletions first (the order the batch is applied in). */
export function route53Actions(change: Change): Route53Action[] {
  const del = (record: RecordSet): Route53Action => ({ action: 'DELETE', record });
  const create = (record: RecordSet): Route53Action => ({ action: 'CREATE', record });
  switch (change.kind) {
    case 'create':
      return [...change.records, change.ownership].map(create);
    case 'update':
      return [...[...change.from, change.ownershipFrom].map((o) => del(o.record)), ...[...change.to, change.ownershipTo].map(create)];
    case 'delete':
      return [...change.from, change.ownershipFrom].map((o) => del(o.record));
  }
}

export function route53Cost(actions: readonly Route53Action[]): { resourceRecords: number; valueChars: number } {
  let resourceRecords = 0;
  let valueChars = 0;
  for (const { action, record } of actions) {
    const times = action === 'UPSERT' ? 2 : 1;
    resourceRecords += times * record.values.length;
    valueChars += times * record.values.reduce((n, v) => n + v.length, 0);
  }
  return { resourceRecords, valueChars };
}

export interface Route53Batch {
  readonly changes: readonly Change[];
  readonly actions: readonly Route53Action[];
  readonly resourceRecords: number;
  readonly valueChars: number;
}

export function packRoute53(
  changes: readonly Change[],
  limits: { resourceRecords: number; valueChars: number } = ROUTE53_LIMITS,
): Route53Batch[] {
  return packFirstFit(changes, (c) => route53Cost(route53Actions(c)), limits, describeChange).map((batch) => {
    const actions = batch.flatMap(route53Actions);
    return { changes: batch, actions, ...route53Cost(actions) };
  });
}

// ── Cloud DNS ─────────────────────────────────────────────────────────────

export interface CloudDnsChange {
  readonly changes: readonly Change[];
  /** Exact observed record sets (the deletion is the compare-and-swap). */
  readonly deletions: readonly RecordSet[];
  readonly additions: readonly RecordSet[];
}

export function cloudDnsParts(change: Change): { deletions: RecordSet[]; additions: RecordSet[] } {
  switch (change.kind) {
    case 'create':
      return { deletions: [], additions: [...change.records, change.ownership] };
    case 'update':
      return { deletions: [...change.from, change.ownershipFrom].map((o) => o.record), additions: [...change.to, change.ownershipTo] };
    case 'delete':
      return { deletions: [...change.from, change.ownershipFrom].map((o) => o.record), additions: [] };
  }
}

function rrdataBytes(sets: readonly RecordSet[]): number {
  return sets.reduce((n, rs) => n + rs.values.reduce((m, v) => m + Buffer.byteLength(v), 0), 0);
}

export function packCloudDns(
  changes: readonly Change[],
  limits: { additions: number; deletions: number; rrdataBytes: number } = CLOUD_DNS_LIMITS,
): CloudDnsChange[] {
  const cost = (c: Change) => {
    const { deletions, additions } = cloudDnsParts(c);
    return { additions: additions.length, deletions: deletions.length, rrdataBytes: rrdataBytes([...additions, ...deletions]) };
  };
  return packFirstFit(changes, cost, limits, describeChange).map((batch) => {
    const parts = batch.map(cloudDnsParts);
    return { changes: batch, deletions: parts.flatMap((p) => p.deletions), additions: parts.flatMap((p) => p.additions) };
  });
}
