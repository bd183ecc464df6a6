/**
 * Record data checks per type, as Cloud DNS applies them to `rrdatas`: values in
 * zone-file presentation form, names absolute (trailing dot). Each value is
 * returned in one canonical form (lower-case names, compressed IPv6, TXT as
 * quoted strings) so exact-match deletions compare like with like.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { EmuRecordType } from '../core/zone-store.js';

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i;
const MAX_NAME_LENGTH = 253;
const MAX_TXT_STRING_BYTES = 255;

/** An absolute domain name (`www.example.test.`); `*` only as the leftmost label when `wildcard`. */
export function isAbsoluteDomainName(name: string, options: { wildcard?: boolean; root?: boolean } = {}): boolean {
  if (name === '.') return options.root === true;
  if (!name.endsWith('.') || name.length - 1 > MAX_NAME_LENGTH) return false;
  const labels = name.slice(0, -1).split('.');
  return labels.every((label, i) => LABEL.test(label) || (options.wildcard === true && i === 0 && label === '*'));
}

/** Why a value is rejected; the caller names the field from `index`. */
export class RrdataError extends Error {
  constructor(
    message: string,
    readonly index = 0,
  ) {
    super(message);
  }
}

function absolute(value: string, what: string, root = false): string {
  if (!isAbsoluteDomainName(value, { root })) throw new RrdataError(`${what} must be an absolute domain name ending in '.'`);
  return value.toLowerCase();
}

function uint(value: string | undefined, max: number, what: string): string {
  if (value === undefined || !/^\d+$/.test(value) || Number(value) > max)
    throw new RrdataError(`${what} must be an integer from 0 to ${max}`);
  return String(Number(value));
}

function fields(value: string, count: number, shape: string): string[] {
  const parts = value.trim().split(/\s+/);
  if (parts.length !== count) throw new RrdataError(`expected '${shape}'`);
  return parts;
}

/** Byte length of one character-string after un-escaping (`\"`, `\\`, `\DDD`). */
function characterStringBytes(inner: string): number {
  let n = 0;
  for (let i = 0; i < inner.length; i += 1) {
    if (inner[i] === '\\') i += /^\d{3}$/.test(inner.slice(i + 1, i + 4)) ? 3 : 1;
    n += Buffer.byteLength(inner[i] ?? '');
  }
  return n;
}

/** TXT: one or more quoted strings (`"a" "b"`), or one bare word that is quoted for storage. */
export function canonicalTxt(value: string): string {
  const trimmed = value.trim();
  if (trimmed === '') throw new RrdataError('TXT data must not be empty');
  if (!trimmed.includes('"')) {
    if (/\s/.test(trimmed)) throw new RrdataError('TXT data with spaces must be quoted, e.g. "v=spf1 -all"');
    return canonicalTxt(`"${trimmed.replace(/\\/g, '\\\\')}"`);
  }
  const strings: string[] = [];
  const pattern = /\s*"((?:[^"\\]|\\.)*)"/y;
  let at = 0;
  while (at < trimmed.length) {
    pattern.lastIndex = at;
    const m = pattern.exec(trimmed);
    if (!m) throw new RrdataError('TXT data must be quoted strings separated by spaces, with \\" for a quote inside');
    const inner = m[1] ?? '';
    if (characterStringBytes(inner) > MAX_TXT_STRING_BYTES)
      throw new RrdataError(`each TXT string is at most ${MAX_TXT_STRING_BYTES} bytes; split longer text into several quoted strings`);
    strings.push(`"${inner}"`);
    at = pattern.lastIndex;
  }
  return strings.join(' ');
}

function canonicalCaa(value: string): string {
  const m = /^\s*(\d+)\s+([a-z0-9]+)\s+(.+?)\s*$/i.exec(value);
  if (!m) throw new RrdataError('expected \'flags tag "value"\'');
  const flags = uint(m[1], 255, 'CAA flags');
  const tag = (m[2] ?? '').toLowerCase();
  const raw = m[3] ?? '';
  const quoted = /^"(?:[^"\\]|\\.)*"$/.test(raw) ? raw : /^[^\s"]+$/.test(raw) ? `"${raw}"` : undefined;
  if (!quoted) throw new RrdataError('CAA value must be one quoted string');
  return `${flags} ${tag} ${quoted}`;
}

function canonicalOne(type: EmuRecordType, value: string): string {
  switch (type) {
    case 'A':
      if (!isIPv4(value)) throw new RrdataError('A data must be an IPv4 address such as 192.0.2.1');
      return value;
    case 'AAAA':
      if (!isIPv6(value) || value.includes('%')) throw new RrdataError('AAAA data must be an IPv6 address such as 2001:db8::1');
      // The URL parser prints IPv6 in its compressed lower-case form.
      return new URL(`http://[${value}]/`).hostname.slice(1, -1);
    case 'CNAME':
      return absolute(value, 'CNAME target');
    case 'NS':
      return absolute(value, 'NS host');
    case 'PTR':
      return absolute(value, 'PTR target');
    case 'TXT':
      return canonicalTxt(value);
    case 'MX': {
      const [pref, host] = fields(value, 2, 'preference exchange.');
      return `${uint(pref, 65535, 'MX preference')} ${absolute(host ?? '', 'MX exchange', true)}`;
    }
    case 'SRV': {
      const [priority, weight, port, target] = fields(value, 4, 'priority weight port target.');
      return `${uint(priority, 65535, 'SRV priority')} ${uint(weight, 65535, 'SRV weight')} ${uint(port, 65535, 'SRV port')} ${absolute(target ?? '', 'SRV target', true)}`;
    }
    case 'CAA':
      return canonicalCaa(value);
    case 'SOA': {
      const [mname, rname, ...numbers] = fields(value, 7, 'mname. rname. serial refresh retry expire minimum');
      const nums = numbers.map((n, i) => uint(n, 4294967295, ['serial', 'refresh', 'retry', 'expire', 'minimum'][i] ?? 'SOA field'));
      return [absolute(mname ?? '', 'SOA mname'), absolute(rname ?? '', 'SOA rname'), ...nums].join(' ');
    }
  }
}

/** Canonical values, or RrdataError naming the index of the bad one. */
export function canonicalRrdatas(type: EmuRecordType, values: readonly string[]): string[] {
  return values.map((v, i) => {
    try {
      return canonicalOne(type, v);
    } catch (e) {
      throw e instanceof RrdataError ? new RrdataError(e.message, i) : e;
    }
  });
}
