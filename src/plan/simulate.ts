/**
 * Applies a plan to a provider state in memory, with the conditional
 * semantics every provider adapter enforces: each change is all-or-nothing,
 * a replaced or deleted record must still carry the observed token, and a
 * created record must still be absent. Used for dry runs and by the property
 * tests ("a restarted controller plans nothing after an apply").
 */
import { canonicalRecordSet, recordKey } from '../dns/record.js';
import type { RecordSet } from '../dns/record.js';
import type { Change, ProviderPlan } from './change.js';
import { exactRecordToken } from './state.js';
import type { ObservedRecord, ProviderState } from './state.js';

export interface Conflict {
  readonly change: Change;
  readonly reason: string;
}

export interface Simulation {
  readonly state: ProviderState;
  readonly applied: readonly Change[];
  readonly conflicts: readonly Conflict[];
}

function keyOf(rs: RecordSet): string {
  return recordKey(rs.name, rs.type);
}

/** Why `change` cannot apply to `records`, or undefined if it can. */
function conflictOf(change: Change, records: ReadonlyMap<string, ObservedRecord>): string | undefined {
  const mustMatch = (o: ObservedRecord): string | undefined => {
    const current = records.get(keyOf(canonicalRecordSet(o.record)));
    if (current === undefined) return `${o.record.name} ${o.record.type} no longer exists`;
    return current.token === o.token ? undefined : `${o.record.name} ${o.record.type} changed since it was read`;
  };
  const mustBeAbsent = (rs: RecordSet): string | undefined =>
    records.has(keyOf(canonicalRecordSet(rs))) ? `${rs.name} ${rs.type} already exists` : undefined;
  switch (change.kind) {
    case 'create':
      return [...change.records, change.ownership].map(mustBeAbsent).find((r) => r !== undefined);
    case 'update': {
      const replaced = new Set(change.from.map((o) => o.record.type));
      const checks = [...change.from, change.ownershipFrom].map(mustMatch);
      checks.push(...change.to.filter((r) => !replaced.has(r.type)).map(mustBeAbsent));
      return checks.find((r) => r !== undefined);
    }
    case 'delete':
      return [...change.from, change.ownershipFrom].map(mustMatch).find((r) => r !== undefined);
  }
}

export function applyPlan(state: ProviderState, plan: ProviderPlan, tokenOf: (rs: RecordSet) => string = exactRecordToken): Simulation {
  const records = new Map(state.records);
  const applied: Change[] = [];
  const conflicts: Conflict[] = [];
  for (const change of plan.changes) {
    const reason = conflictOf(change, records);
    if (reason !== undefined) {
      conflicts.push({ change, reason });
      continue;
    }
    const removed = change.kind === 'create' ? [] : [...change.from, change.ownershipFrom].map((o) => o.record);
    const written =
      change.kind === 'create' ? [...change.records, change.ownership] : change.kind === 'update' ? [...change.to, change.ownershipTo] : [];
    for (const rs of removed) records.delete(keyOf(canonicalRecordSet(rs)));
    for (const rs of written) {
      const record = canonicalRecordSet(rs);
      records.set(keyOf(record), { record, token: tokenOf(record) });
    }
    applied.push(change);
  }
  return { state: { provider: state.provider, records }, applied, conflicts };
}
