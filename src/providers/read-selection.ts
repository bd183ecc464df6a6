/**
 * Which record sets of a listed zone `read(names)` returns, the same for every
 * adapter (each lists the whole zone in pages, then selects):
 * - the record sets at the given names and the TXT at their ownership names;
 * - with `includeOwnedNames`, also every ownership TXT of the zone and the record
 *   sets at the names they speak for: what clean-up of names that left the
 *   configuration needs. It costs nothing extra: the zone is listed either way.
 */
import { isOwnershipName, ownedName, ownershipName } from '../dns/ownership.js';
import { canonicalName } from '../dns/record.js';

export interface ReadOptions {
  readonly includeOwnedNames?: boolean;
  /** Aborts the listing's request in flight; the read rejects with ProviderError `cancelled`. */
  readonly signal?: AbortSignal;
}

export function selectObserved<T extends { readonly name: string; readonly type: string }>(
  records: readonly T[],
  names: readonly string[],
  options: ReadOptions = {},
): T[] {
  const wanted = new Set<string>();
  for (const n of names) {
    wanted.add(canonicalName(n));
    wanted.add(ownershipName(n));
  }
  if (!options.includeOwnedNames) return records.filter((rs) => wanted.has(rs.name));
  for (const rs of records) {
    const owned = rs.type === 'TXT' ? ownedName(rs.name) : undefined;
    if (owned !== undefined) wanted.add(owned);
  }
  return records.filter((rs) => wanted.has(rs.name) || (rs.type === 'TXT' && isOwnershipName(rs.name)));
}
