/**
 * The record model shared by the planner and the provider adapters.
 *
 * Canonical form, so that "equal" means equal across all three providers:
 * - names are absolute, lower-case, with the trailing dot: `app.example.test.`
 * - values are in zone-file presentation form (A `192.0.2.1`, AAAA compressed
 *   lower-case, CNAME absolute with trailing dot, TXT as one quoted string `"k=v"`),
 *   de-duplicated and sorted.
 */
export const MANAGED_TYPES = ['A', 'AAAA', 'CNAME', 'TXT'] as const;
export type RecordType = (typeof MANAGED_TYPES)[number];

export interface RecordSet {
  readonly name: string;
  readonly type: RecordType;
  readonly ttl: number;
  readonly values: readonly string[];
}

export function canonicalName(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

/** Quote a TXT string in presentation form (escapes `"` and `\`). */
export function quoteTxt(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Split a TXT value in presentation form into its character-strings:
 * `"a b" "c"` → [`a b`, `c`]; a bare token counts as one string.
 */
export function parseTxtStrings(value: string): string[] {
  const out: string[] = [];
  let i = 0;
  const v = value.trim();
  while (i < v.length) {
    if (v[i] === ' ' || v[i] === '\t') {
      i++;
      continue;
    }
    let s = '';
    if (v[i] === '"') {
      i++;
      while (i < v.length && v[i] !== '"') {
        if (v[i] === '\\' && i + 1 < v.length) i++;
        s += v[i];
        i++;
      }
      i++; // closing quote (or end of input)
    } else {
      while (i < v.length && v[i] !== ' ' && v[i] !== '\t') s += v[i++];
    }
    out.push(s);
  }
  return out.length > 0 ? out : [''];
}

/** Inverse of quoteTxt for a single quoted string; several strings are concatenated. */
export function unquoteTxt(value: string): string {
  return parseTxtStrings(value).join('');
}

/** RFC 5952 form (the WHATWG URL parser compresses IPv6); invalid input is only lower-cased. */
export function canonicalIpv6(value: string): string {
  try {
    return new URL(`http://[${value}]/`).hostname.slice(1, -1);
  } catch {
    return value.toLowerCase();
  }
}

export function canonicalValue(type: RecordType, value: string): string {
  const v = value.trim();
  switch (type) {
    case 'A':
      return v;
    case 'AAAA':
      return canonicalIpv6(v);
    case 'CNAME':
      return canonicalName(v);
    case 'TXT':
      return parseTxtStrings(v).map(quoteTxt).join(' ');
  }
}

export function canonicalRecordSet(rs: RecordSet): RecordSet {
  const values = [...new Set(rs.values.map((v) => canonicalValue(rs.type, v)))].sort();
  return { name: canonicalName(rs.name), type: rs.type, ttl: rs.ttl, values };
}

export function recordKey(name: string, type: RecordType): string {
  return `${canonicalName(name)} ${type}`;
}

/** Same name, type, TTL and value set (both sides canonicalised first). */
export function sameRecordSet(a: RecordSet, b: RecordSet): boolean {
  const x = canonicalRecordSet(a);
  const y = canonicalRecordSet(b);
  return (
    x.name === y.name &&
    x.type === y.type &&
    x.ttl === y.ttl &&
    x.values.length === y.values.length &&
    x.values.every((v, i) => v === y.values[i])
  );
}

export function formatRecordSet(rs: RecordSet): string {
  return `${rs.name} ${rs.ttl} ${rs.type} ${rs.values.join(', ')}`;
}
