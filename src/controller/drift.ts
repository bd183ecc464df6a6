/**
 * Drift: a name we own (our ownership record is there) whose records differ
 * from what we want served, on a provider we believe in sync. Someone edited
 * it by hand, or another tool did. Pure.
 */
import { ownershipName, parseOwnership } from '../dns/ownership.js';
import { canonicalRecordSet, recordKey, sameRecordSet } from '../dns/record.js';
import type { RecordType } from '../dns/record.js';
import type { DesiredRecord, ProviderId, ProviderState } from '../plan/state.js';

export interface Drift {
  readonly provider: ProviderId;
  readonly name: string;
  readonly type: RecordType;
  readonly expected: { readonly ttl: number; readonly values: readonly string[] };
  /** What the provider serves instead; undefined when the record set is gone. */
  readonly found: { readonly ttl: number; readonly values: readonly string[] } | undefined;
}

export function findDrift(desired: readonly DesiredRecord[], state: ProviderState, owner: string): Drift[] {
  const out: Drift[] = [];
  for (const d of desired) {
    const want = canonicalRecordSet(d);
    const ownership = state.records.get(recordKey(ownershipName(want.name), 'TXT'));
    if (ownership === undefined) continue; // never written here: behind, not drifted
    const parsed = parseOwnership(ownership.record);
    if (!parsed.ok || parsed.ownership.owner !== owner || !parsed.ownership.types.includes(want.type)) continue;
    const have = state.records.get(recordKey(want.name, want.type))?.record;
    if (have !== undefined && sameRecordSet(have, want)) continue;
    out.push({
      provider: state.provider,
      name: want.name,
      type: want.type,
      expected: { ttl: want.ttl, values: want.values },
      found: have === undefined ? undefined : { ttl: have.ttl, values: have.values },
    });
  }
  return out;
}
