/**
 * A zone's record sets arranged for lookups: by owner name, the set of names
 * that exist (including empty non-terminals), and the delegation points.
 * The store swaps a zone's record map on every commit, so an index cached per
 * map is never stale and never rebuilt for a zone that did not change.
 */
import type { EmuRecordSet, EmuZone } from '../core/zone-store.js';

export interface ZoneIndex {
  readonly apex: string;
  /** Owner name → type → set. */
  readonly byName: ReadonlyMap<string, ReadonlyMap<string, EmuRecordSet>>;
  /** Names with records, and every name between them and the apex (empty non-terminals). */
  readonly existing: ReadonlySet<string>;
  /** Names below the apex that carry NS records: zone cuts (delegations). */
  readonly cuts: ReadonlySet<string>;
}

const cache = new WeakMap<ReadonlyMap<string, EmuRecordSet>, ZoneIndex>();

/** `name` and its ancestors up to and including `apex`, nearest first. */
export function selfAndAncestors(name: string, apex: string): string[] {
  const out: string[] = [];
  let n = name;
  while (n.length >= apex.length) {
    out.push(n);
    if (n === apex) break;
    const dot = n.indexOf('.');
    if (dot < 0 || dot === n.length - 1) break;
    n = n.slice(dot + 1);
  }
  return out;
}

export function indexZone(zone: EmuZone): ZoneIndex {
  const hit = cache.get(zone.records);
  if (hit) return hit;
  const byName = new Map<string, Map<string, EmuRecordSet>>();
  const existing = new Set<string>([zone.name]);
  const cuts = new Set<string>();
  for (const rs of zone.records.values()) {
    // An empty record set (Azure allows one) is not served: the name does not exist because of it.
    // A set answered from a live source exists whatever it holds.
    if (rs.values.length === 0 && rs.liveSource === undefined) continue;
    let types = byName.get(rs.name);
    if (!types) {
      types = new Map();
      byName.set(rs.name, types);
    }
    types.set(rs.type, rs);
    for (const n of selfAndAncestors(rs.name, zone.name)) existing.add(n);
    if (rs.type === 'NS' && rs.name !== zone.name) cuts.add(rs.name);
  }
  const index: ZoneIndex = { apex: zone.name, byName, existing, cuts };
  cache.set(zone.records, index);
  return index;
}
