/**
 * Azure DNS record sets (the SDK's `RecordSet` model of ARM JSON) ⇄ the
 * product's canonical RecordSet. Only the managed types are translated; the
 * zone's SOA, NS and anything else is not ours and is skipped on read.
 *
 * - names: ARM uses names relative to the zone, the apex is `@`;
 * - A / AAAA: `aRecords[].ipv4Address`, `aaaaRecords[].ipv6Address`;
 * - CNAME: one `cnameRecord.cname`, fully qualified without the trailing dot;
 * - TXT: each `txtRecords[].value` array is one resource record whose strings
 *   are its character-strings, i.e. the presentation value `"a" "b"`.
 *
 * An existing set with no records (Azure allows it) reads as values [] so the
 * planner sees the name and type taken: it still has an ETag, and a create
 * with If-None-Match: * would fail against it forever.
 */
import type { RecordSet as ArmRecordSet } from '@azure/arm-dns';
import { MANAGED_TYPES, canonicalName, canonicalRecordSet, parseTxtStrings, quoteTxt } from '../dns/record.js';
import type { RecordSet, RecordType } from '../dns/record.js';
import type { ObservedRecord } from '../plan/state.js';

export const APEX = '@';

/** `app.example.test.` in zone `example.test.` → `app`; the apex → `@`. Undefined when outside the zone. */
export function relativeName(name: string, zone: string): string | undefined {
  const n = canonicalName(name);
  const z = canonicalName(zone);
  if (n === z) return APEX;
  return n.endsWith(`.${z}`) ? n.slice(0, -(z.length + 1)) : undefined;
}

export function absoluteName(relative: string, zone: string): string {
  return relative === APEX ? canonicalName(zone) : canonicalName(`${relative}.${canonicalName(zone)}`);
}

/** `Microsoft.Network/dnszones/A` → `A`; undefined for types we do not manage. */
export function managedTypeOf(armType: string | undefined): RecordType | undefined {
  const t = armType?.split('/').pop()?.toUpperCase();
  return (MANAGED_TYPES as readonly string[]).includes(t ?? '') ? (t as RecordType) : undefined;
}

function valuesOf(type: RecordType, arm: ArmRecordSet): string[] {
  switch (type) {
    case 'A':
      return (arm.aRecords ?? []).flatMap((r) => (r.ipv4Address ? [r.ipv4Address] : []));
    case 'AAAA':
      return (arm.aaaaRecords ?? []).flatMap((r) => (r.ipv6Address ? [r.ipv6Address] : []));
    case 'CNAME':
      return arm.cnameRecord?.cname ? [arm.cnameRecord.cname] : [];
    case 'TXT':
      return (arm.txtRecords ?? []).map((r) => (r.value ?? []).map(quoteTxt).join(' '));
  }
}

/**
 * One listed ARM record set as an observed record (token = its ETag), or
 * undefined when it is not a managed type. Throws when the ETag is missing:
 * without it no conditional write is possible.
 */
export function observedFromArm(arm: ArmRecordSet, zone: string): ObservedRecord | undefined {
  const type = managedTypeOf(arm.type);
  if (type === undefined) return undefined;
  const name = arm.fqdn ? canonicalName(arm.fqdn) : absoluteName(arm.name ?? APEX, zone);
  if (!arm.etag) throw new TypeError(`record set ${name} ${type} came back without an etag; a conditional write needs it`);
  const record = canonicalRecordSet({ name, type, ttl: arm.ttl ?? 0, values: valuesOf(type, arm) });
  return { record, token: arm.etag };
}

/** Visible fencing information written on every record set we write. */
export interface FenceMetadata {
  readonly mcfOwner: string;
  readonly mcfGeneration: string;
}

/** The ARM body for a canonical record set, with our fencing metadata. */
export function armFromRecord(rs: RecordSet, metadata: FenceMetadata): ArmRecordSet {
  const base: ArmRecordSet = { ttl: rs.ttl, metadata: { ...metadata } };
  switch (rs.type) {
    case 'A':
      return { ...base, aRecords: rs.values.map((ipv4Address) => ({ ipv4Address })) };
    case 'AAAA':
      return { ...base, aaaaRecords: rs.values.map((ipv6Address) => ({ ipv6Address })) };
    case 'CNAME': {
      if (rs.values.length !== 1) throw new TypeError(`${rs.name} CNAME has ${rs.values.length} values; a CNAME has exactly one`);
      return { ...base, cnameRecord: { cname: canonicalName(rs.values[0] as string).slice(0, -1) } };
    }
    case 'TXT':
      return { ...base, txtRecords: rs.values.map((v) => ({ value: parseTxtStrings(v) })) };
  }
}
