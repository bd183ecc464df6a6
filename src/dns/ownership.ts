/**
 * Ownership records: who wrote a managed name, and with which plan generation.
 *
 * For a managed name `app.example.test.` the owner keeps one TXT record at
 * `_mcf.app.example.test.` (a separate name, because a CNAME cannot share its
 * name with a TXT) holding exactly one value:
 *
 *     "mcf-owner=<owner>;generation=<n>;type=<T>[,<T>...]"
 *
 * `type` lists the record types the owner wrote at the name, so that clean-up
 * removes those and nothing else (a hand-made TXT next to our A stays). The
 * generation is the fencing token of the last plan that changed the name.
 * Parsing is strict and never throws: a foreign or garbled TXT is reported as
 * such, and the planner then leaves the name alone.
 */
import { MANAGED_TYPES, canonicalName, quoteTxt, unquoteTxt } from './record.js';
import type { RecordSet, RecordType } from './record.js';

export const OWNERSHIP_LABEL = '_mcf';
/** TTL of ownership records; nobody resolves them on the hot path. */
export const OWNERSHIP_TTL = 300;
/** Same rule as `owner` in the config schema. */
export const OWNER_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export interface Ownership {
  readonly owner: string;
  /** Generation of the plan that last changed the name (a fencing token). */
  readonly generation: number;
  /** Record types the owner wrote at the name, in MANAGED_TYPES order. */
  readonly types: readonly RecordType[];
}

export type OwnershipParseError =
  | { readonly kind: 'not-txt'; readonly message: string }
  | { readonly kind: 'value-count'; readonly message: string }
  | { readonly kind: 'foreign'; readonly message: string }
  | { readonly kind: 'malformed'; readonly message: string };

export type OwnershipParse =
  { readonly ok: true; readonly ownership: Ownership } | { readonly ok: false; readonly error: OwnershipParseError };

/** `_mcf.<name>` for a managed name. */
export function ownershipName(name: string): string {
  return `${OWNERSHIP_LABEL}.${canonicalName(name)}`;
}

export function isOwnershipName(name: string): boolean {
  return canonicalName(name).startsWith(`${OWNERSHIP_LABEL}.`);
}

/** The managed name an ownership record speaks for, or undefined if `name` is not an ownership name. */
export function ownedName(name: string): string | undefined {
  const n = canonicalName(name);
  return isOwnershipName(n) ? n.slice(OWNERSHIP_LABEL.length + 1) : undefined;
}

function sortTypes(types: Iterable<RecordType>): RecordType[] {
  const set = new Set(types);
  return MANAGED_TYPES.filter((t) => set.has(t));
}

/** The TXT text (unquoted) for an ownership. Throws on values a parser would refuse: that is a programming error. */
export function encodeOwnership(o: Ownership): string {
  if (!OWNER_PATTERN.test(o.owner)) throw new TypeError(`invalid owner '${o.owner}': expected 1-64 characters of letters, digits, . _ -`);
  if (!Number.isSafeInteger(o.generation) || o.generation < 0)
    throw new TypeError(`invalid generation ${o.generation}: expected a non-negative integer`);
  const types = sortTypes(o.types);
  if (types.length === 0) throw new TypeError('an ownership must list at least one record type');
  return `mcf-owner=${o.owner};generation=${o.generation};type=${types.join(',')}`;
}

/** The TXT record set that states `o` for the managed name `name`. */
export function ownershipRecord(name: string, o: Ownership): RecordSet {
  return { name: ownershipName(name), type: 'TXT', ttl: OWNERSHIP_TTL, values: [quoteTxt(encodeOwnership(o))] };
}

const EXPECTED = 'expected "mcf-owner=<owner>;generation=<n>;type=<A|AAAA|CNAME|TXT>[,...]"';
const FIELD = /^mcf-owner=([^;]*);generation=([^;]*);type=([^;]*)$/;

/** Parse one TXT value (quoted presentation form or bare text). */
export function parseOwnershipValue(value: string): OwnershipParse {
  const text = unquoteTxt(value);
  const fail = (kind: 'foreign' | 'malformed', message: string): OwnershipParse => ({ ok: false, error: { kind, message } });
  if (!text.startsWith('mcf-owner=')) return fail('foreign', `TXT ${JSON.stringify(text)} is not an ownership record; ${EXPECTED}`);
  const m = FIELD.exec(text);
  if (!m) return fail('malformed', `ownership ${JSON.stringify(text)} is garbled; ${EXPECTED}`);
  const [, owner = '', gen = '', typeList = ''] = m;
  if (!OWNER_PATTERN.test(owner))
    return fail('malformed', `ownership owner '${owner}' is invalid; expected 1-64 characters of letters, digits, . _ -`);
  if (!/^(0|[1-9][0-9]*)$/.test(gen) || !Number.isSafeInteger(Number(gen))) {
    return fail('malformed', `ownership generation '${gen}' is invalid; expected a non-negative integer without leading zeros`);
  }
  const types = typeList.split(',');
  const unknown = types.filter((t) => !(MANAGED_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0)
    return fail('malformed', `ownership type '${unknown.join(',')}' is invalid; expected a list of ${MANAGED_TYPES.join(', ')}`);
  if (new Set(types).size !== types.length) return fail('malformed', `ownership type list '${typeList}' repeats a type`);
  return { ok: true, ownership: { owner, generation: Number(gen), types: sortTypes(types as RecordType[]) } };
}

/** Parse an observed ownership record set: a TXT with exactly one value. */
export function parseOwnership(rs: RecordSet): OwnershipParse {
  if (rs.type !== 'TXT')
    return { ok: false, error: { kind: 'not-txt', message: `${rs.name} is a ${rs.type} record; an ownership record is a TXT` } };
  if (rs.values.length !== 1) {
    return {
      ok: false,
      error: {
        kind: 'value-count',
        message: `${rs.name} TXT has ${rs.values.length} values; an ownership record has exactly one (two writers may have raced: remove the extra value by hand)`,
      },
    };
  }
  return parseOwnershipValue(rs.values[0] as string);
}
