/**
 * One stored value (presentation form) → one dns-packet resource record. Every
 * field is checked, so a bad value becomes a typed error for the query that
 * touches it, never a malformed packet on the wire.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { Answer, CaaData } from 'dns-packet';
import type { EmuRecordType } from '../core/zone-store.js';
import { PresentationError, tokenize, words } from './presentation.js';

/** A record as the lookup produces it: owner, type, TTL and one presentation value. */
export interface PresentedRecord {
  readonly name: string;
  readonly type: EmuRecordType;
  readonly ttl: number;
  readonly value: string;
}

const MAX_STRING = 255;

function expectCount(value: string, parts: string[], n: number, shape: string): void {
  if (parts.length !== n) throw new PresentationError(value, `expected ${shape}`);
}

function uint(value: string, text: string, field: string, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) > max)
    throw new PresentationError(value, `${field} must be an integer from 0 to ${max}, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** A domain name for dns-packet: no trailing dot, labels 1..63 bytes, whole name <= 253. */
function domainName(value: string, text: string): string {
  if (text === '.' || text === '') return '.';
  const bare = text.endsWith('.') ? text.slice(0, -1) : text;
  const labels = bare.split('.');
  if (labels.some((l) => l.length === 0 || Buffer.byteLength(l) > 63))
    throw new PresentationError(value, `${JSON.stringify(text)} has an empty label or a label over 63 bytes`);
  if (Buffer.byteLength(bare) > 253) throw new PresentationError(value, `${JSON.stringify(text)} is longer than 253 characters`);
  return bare;
}

/** TXT: every token is one or more character-strings (long ones split at 255 bytes, as providers do). */
function txtStrings(value: string): Buffer[] {
  const out: Buffer[] = [];
  for (const t of tokenize(value)) {
    if (t.bytes.length === 0) out.push(t.bytes);
    for (let i = 0; i < t.bytes.length; i += MAX_STRING) out.push(t.bytes.subarray(i, i + MAX_STRING));
  }
  if (out.length === 0) out.push(Buffer.alloc(0));
  return out;
}

export function toWireRecord(rr: PresentedRecord): Answer {
  const { value } = rr;
  const base = { name: domainName(rr.name, rr.name), ttl: rr.ttl, class: 'IN' as const };
  switch (rr.type) {
    case 'A': {
      const ip = value.trim();
      if (!isIPv4(ip)) throw new PresentationError(value, 'expected an IPv4 address');
      return { ...base, type: 'A', data: ip };
    }
    case 'AAAA': {
      const ip = value.trim();
      if (!isIPv6(ip)) throw new PresentationError(value, 'expected an IPv6 address');
      return { ...base, type: 'AAAA', data: ip };
    }
    case 'CNAME':
    case 'NS':
    case 'PTR': {
      const parts = words(value);
      expectCount(value, parts, 1, 'one domain name');
      return { ...base, type: rr.type, data: domainName(value, parts[0]!) };
    }
    case 'MX': {
      const parts = words(value);
      expectCount(value, parts, 2, "'preference exchange', e.g. '10 mail.example.test.'");
      return {
        ...base,
        type: 'MX',
        data: { preference: uint(value, parts[0]!, 'preference', 65535), exchange: domainName(value, parts[1]!) },
      };
    }
    case 'SRV': {
      const parts = words(value);
      expectCount(value, parts, 4, "'priority weight port target'");
      return {
        ...base,
        type: 'SRV',
        data: {
          priority: uint(value, parts[0]!, 'priority', 65535),
          weight: uint(value, parts[1]!, 'weight', 65535),
          port: uint(value, parts[2]!, 'port', 65535),
          target: domainName(value, parts[3]!),
        },
      };
    }
    case 'CAA': {
      const parts = words(value);
      expectCount(value, parts, 3, `'flags tag "value"', e.g. '0 issue "ca.example"'`);
      const tag = parts[1]!;
      if (!/^[A-Za-z0-9]{1,15}$/.test(tag)) throw new PresentationError(value, 'the CAA tag must be 1..15 letters or digits');
      // dns-packet types the tag as the three registered ones, but encodes any.
      const data: CaaData = { flags: uint(value, parts[0]!, 'flags', 255), tag: tag.toLowerCase() as CaaData['tag'], value: parts[2]! };
      return { ...base, type: 'CAA', data };
    }
    case 'TXT':
      return { ...base, type: 'TXT', data: txtStrings(value) };
    case 'SOA': {
      const parts = words(value);
      expectCount(value, parts, 7, "'mname rname serial refresh retry expire minimum'");
      const n = (i: number, field: string) => uint(value, parts[i]!, field, 4294967295);
      return {
        ...base,
        type: 'SOA',
        data: {
          mname: domainName(value, parts[0]!),
          rname: domainName(value, parts[1]!),
          serial: n(2, 'serial'),
          refresh: n(3, 'refresh'),
          retry: n(4, 'retry'),
          expire: n(5, 'expire'),
          minimum: n(6, 'minimum'),
        },
      };
    }
  }
}

/** The SOA `minimum` field (negative-caching TTL, RFC 2308), or undefined if unreadable. */
export function soaMinimum(value: string): number | undefined {
  const parts = value.trim().split(/\s+/);
  const m = parts[6];
  return m !== undefined && /^\d+$/.test(m) ? Number(m) : undefined;
}
