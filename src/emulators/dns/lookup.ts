/**
 * Authoritative lookup (RFC 1034 §4.3.2, RFC 2308, RFC 4592), pure: a store and a
 * question in, the sections of the answer out, all from the store's current
 * state. No I/O, so every rule here is a table test.
 */
import { absoluteName, inZone, type EmuRecordSet, type EmuZone, type ZoneStore } from '../core/zone-store.js';
import type { PresentedRecord } from './rdata.js';
import { soaMinimum } from './rdata.js';
import { indexZone, selfAndAncestors, type ZoneIndex } from './zone-index.js';

export type LookupRcode = 'NOERROR' | 'NXDOMAIN' | 'REFUSED';

export interface LookupResult {
  rcode: LookupRcode;
  /** AA flag: false for names outside our zones and for referrals. */
  authoritative: boolean;
  answers: PresentedRecord[];
  authorities: PresentedRecord[];
  additionals: PresentedRecord[];
}

/** Longest CNAME chain followed before giving up (loops are also cut by a visited set). */
const MAX_CNAME_HOPS = 8;

/** The values a set is answered with; a set with a live source asks the store (`ZoneStore.valuesOf`). */
export type ValuesOf = (rs: EmuRecordSet) => readonly string[];
const storedValues: ValuesOf = (rs) => rs.values;

function present(rs: EmuRecordSet, owner: string, ttl = rs.ttl, valuesOf: ValuesOf = storedValues): PresentedRecord[] {
  return valuesOf(rs).map((value) => ({ name: owner, type: rs.type, ttl, value }));
}

/** The apex SOA for negative answers, its TTL capped by the SOA minimum (RFC 2308 §3). */
function negativeSoa(index: ZoneIndex): PresentedRecord[] {
  const soa = index.byName.get(index.apex)?.get('SOA');
  if (!soa || !soa.values[0]) return [];
  const minimum = soaMinimum(soa.values[0]);
  return present(soa, index.apex, minimum === undefined ? soa.ttl : Math.min(soa.ttl, minimum));
}

/** The topmost delegation point at or above `name` (below the apex), if any. */
function zoneCut(index: ZoneIndex, name: string): string | undefined {
  if (index.cuts.size === 0) return undefined;
  const path = selfAndAncestors(name, index.apex).reverse();
  return path.find((n) => n !== index.apex && index.cuts.has(n));
}

/** Records at `name`, or those of the wildcard that covers it when `name` does not exist. */
function setsAt(index: ZoneIndex, name: string): ReadonlyMap<string, EmuRecordSet> | undefined {
  const own = index.byName.get(name);
  if (own) return own;
  if (index.existing.has(name)) return undefined; // empty non-terminal: exists, no data
  const encloser = selfAndAncestors(name, index.apex).find((n) => n !== name && index.existing.has(n));
  return encloser === undefined ? undefined : index.byName.get(`*.${encloser}`);
}

function referral(index: ZoneIndex, cut: string, result: LookupResult): LookupResult {
  const ns = index.byName.get(cut)?.get('NS');
  if (ns) result.authorities.push(...present(ns, cut));
  // Glue: addresses of name servers that live inside the delegated zone.
  for (const target of ns?.values ?? []) {
    const host = absoluteName(target);
    if (!inZone(host, cut)) continue;
    for (const type of ['A', 'AAAA']) {
      const glue = index.byName.get(host)?.get(type);
      if (glue) result.additionals.push(...present(glue, host));
    }
  }
  result.authoritative = result.answers.length > 0;
  return result;
}

export function lookupInZone(zone: EmuZone, qname: string, qtype: string, valuesOf: ValuesOf = storedValues): LookupResult {
  const index = indexZone(zone);
  const result: LookupResult = { rcode: 'NOERROR', authoritative: true, answers: [], authorities: [], additionals: [] };
  const visited = new Set<string>();
  let name = qname;
  for (let hop = 0; hop <= MAX_CNAME_HOPS; hop += 1) {
    visited.add(name);
    const cut = zoneCut(index, name);
    // DS lives on the parent side of a cut; everything else below it is the child's.
    if (cut !== undefined && !(qtype === 'DS' && cut === name)) return referral(index, cut, result);

    const sets = setsAt(index, name);
    if (!sets) {
      if (!index.existing.has(name)) result.rcode = 'NXDOMAIN';
      result.authorities.push(...negativeSoa(index));
      return result;
    }
    if (qtype === 'ANY') {
      for (const rs of sets.values()) result.answers.push(...present(rs, name, rs.ttl, valuesOf));
      return result;
    }
    const exact = sets.get(qtype);
    if (exact) {
      const answers = present(exact, name, exact.ttl, valuesOf);
      // A live set with nothing to answer right now is no data.
      if (answers.length === 0) result.authorities.push(...negativeSoa(index));
      result.answers.push(...answers);
      return result;
    }
    const cname = sets.get('CNAME');
    const cnameTarget = cname && valuesOf(cname)[0];
    if (!cname || !cnameTarget) {
      result.authorities.push(...negativeSoa(index));
      return result;
    }
    result.answers.push(...present(cname, name, cname.ttl, valuesOf));
    const target = absoluteName(cnameTarget);
    // Outside this zone (or a loop) the resolver takes over from the CNAME.
    if (!inZone(target, zone.name) || visited.has(target)) return result;
    name = target;
  }
  return result;
}

/** Answer a question from whichever zone in the store is closest to the name. */
export function lookup(store: ZoneStore, qname: string, qtype: string): LookupResult {
  const name = absoluteName(qname);
  const zone = store.findZoneFor(name);
  if (!zone) return { rcode: 'REFUSED', authoritative: false, answers: [], authorities: [], additionals: [] };
  return lookupInZone(zone, name, qtype.toUpperCase(), (rs) => store.valuesOf(rs));
}
