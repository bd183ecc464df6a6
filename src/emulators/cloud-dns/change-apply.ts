/**
 * Apply a checked change atomically: inside one `store.transact`, deletions
 * first, each of which must match the live record set exactly (name, type, TTL
 * and all values, in any order) — Cloud DNS's compare-and-swap — then additions,
 * which must not exist unless deleted in the same change. Any failure throws and
 * the transaction commits nothing.
 */
import type { EmuRecordSet, EmuZone, ZoneDraft, ZoneStore } from '../core/zone-store.js';
import type { CheckedChange, CheckedRrset } from './change-check.js';
import { GoogleApiError, googleErrors } from './google-error.js';
import { CLOUD_DNS_LIMITS } from './limits.js';
import { POLICY_METADATA_KEY } from './routing/policy-model.js';
import { canonicalRrdatas, RrdataError } from './rrdata.js';

function canonicalValues(rs: Pick<EmuRecordSet, 'type' | 'values'>): string[] {
  try {
    return canonicalRrdatas(rs.type, rs.values);
  } catch (e) {
    // Data seeded outside the API may not be canonical; compare it as stored.
    if (e instanceof RrdataError) return [...rs.values];
    throw e;
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sa = [...a].sort();
  const sb = [...b].sort();
  return sa.every((v, i) => v === sb[i]);
}

function mismatch(live: EmuRecordSet, wanted: CheckedRrset): string | undefined {
  if (live.ttl !== wanted.ttl) return `ttl is ${live.ttl}, the deletion says ${wanted.ttl}`;
  const livePolicy = live.metadata?.[POLICY_METADATA_KEY];
  const wantedPolicy = wanted.metadata?.[POLICY_METADATA_KEY];
  if (livePolicy !== wantedPolicy) {
    return `routingPolicy is ${livePolicy ?? 'absent'}, the deletion says ${wantedPolicy ?? 'absent'}`;
  }
  if (livePolicy !== undefined) return undefined;
  const values = canonicalValues(live);
  if (!sameSet(values, canonicalValues(wanted)))
    return `rrdatas are ${JSON.stringify(values)}, the deletion says ${JSON.stringify(wanted.values)}`;
  return undefined;
}

function checkCname(draft: ZoneDraft, rs: CheckedRrset): void {
  const atName = draft.list().filter((r) => r.name === rs.name);
  if (atName.some((r) => r.type === 'CNAME') && atName.length > 1) {
    throw new GoogleApiError(
      400,
      'cnameResourceRecordSetConflict',
      `The resource record set '${rs.field}' is invalid because the DNS name '${rs.name}' may have either one CNAME resource record set or resource record sets of other types, but not both.`,
    );
  }
}

function checkApex(draft: ZoneDraft, zone: EmuZone, change: CheckedChange): void {
  for (const type of ['SOA', 'NS'] as const) {
    if (!draft.get(zone.name, type)) {
      const culprit = change.deletions.find((d) => d.name === zone.name && d.type === type);
      throw googleErrors.invalid(
        culprit?.field ?? 'entity.change',
        `${zone.name} ${type}`,
        `a zone must keep its ${type} record set at the apex; replace it in the same change instead`,
      );
    }
  }
}

export function applyChange(store: ZoneStore, zone: EmuZone, change: CheckedChange): void {
  store.transact(zone.id, (draft) => {
    for (const d of change.deletions) {
      const live = draft.get(d.name, d.type);
      if (!live) throw googleErrors.conditionNotMet(d.field, `no ${d.type} record set named ${d.name} exists`);
      const why = mismatch(live, d);
      if (why) throw googleErrors.conditionNotMet(d.field, `the live ${d.type} record set ${d.name} differs: ${why}`);
      draft.delete(d.name, d.type);
    }
    for (const a of change.additions) {
      if (draft.get(a.name, a.type)) throw googleErrors.alreadyExists(a.field, `${a.name} (${a.type})`);
      draft.put({
        name: a.name,
        type: a.type,
        ttl: a.ttl,
        values: a.values,
        ...(a.metadata ? { metadata: a.metadata } : {}),
        ...(a.liveSource ? { liveSource: a.liveSource } : {}),
      });
    }
    for (const a of change.additions) checkCname(draft, a);
    checkApex(draft, zone, change);
    if (draft.list().length > CLOUD_DNS_LIMITS.rrsetsPerManagedZone) throw googleErrors.quotaExceeded('rrsets per managed zone');
  });
}
