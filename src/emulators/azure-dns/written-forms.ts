/**
 * Record data as the client wrote it. Azure returns names inside record data
 * (`mail.example.com.` or `mail.example.com`, in the caller's case) exactly as
 * they were sent, so a client that diffs desired against actual sees no change.
 * The shared store keeps the canonical form (absolute, lower case), which the
 * DNS server answers from and every comparison uses; this keeps, beside it,
 * the ARM items of the last write through this API.
 *
 * An entry counts only while the set's version and canonical values are the
 * ones it was written for, so a write by any other path (another front end,
 * the admin API, a test) falls back to the canonical form, never to stale text.
 */
import type { EmuRecordSet, EmuZone } from '../core/zone-store.js';
import { recordKey } from '../core/zone-store.js';
import type { JsonObject } from './json-fields.js';

interface Written {
  readonly version: number;
  readonly values: readonly string[];
  readonly items: readonly JsonObject[];
}

/** Per zone object: a deleted or re-created zone starts afresh and its entries go with it. */
const byZone = new WeakMap<EmuZone, Map<string, Written>>();

function entries(zone: EmuZone): Map<string, Written> {
  let m = byZone.get(zone);
  if (!m) {
    m = new Map();
    byZone.set(zone, m);
  }
  return m;
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export function rememberWritten(zone: EmuZone, rs: EmuRecordSet, items: readonly JsonObject[]): void {
  entries(zone).set(recordKey(rs.name, rs.type), { version: rs.version, values: [...rs.values], items: items.map((i) => ({ ...i })) });
}

export function forgetWritten(zone: EmuZone, name: string, type: string): void {
  byZone.get(zone)?.delete(recordKey(name, type));
}

/** The ARM items as written, when they still describe the stored set. */
export function writtenItems(zone: EmuZone, rs: EmuRecordSet): readonly JsonObject[] | undefined {
  const w = byZone.get(zone)?.get(recordKey(rs.name, rs.type));
  return w && w.version === rs.version && sameValues(w.values, rs.values) ? w.items : undefined;
}
