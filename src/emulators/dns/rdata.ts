/**
 * One stored value (presentation form) → one dns-packet resource record. Every
 * field is checked, so a bad value becomes a typed error for the query that
 * touches it, never a malformed packet on the wire.
 */
import { isIPv4, isIPv6 } from 'node:net';
import dnsPacket from 'dns-packet';
import type { Answer, CaaData } from 'dns-packet';
import type { EmuRecordType } from '../core/zone-store.js';
import { labelsOf, wireName } from './names.js';
import { PresentationError, tokenize, words } from './presentation.js';

/**
 * Types served beyond the API front ends' common set, each documented by at least
 * one provider (Route 53: SPF NAPTR DS HTTPS SVCB SSHFP TLSA; Azure: DS NAPTR TLSA;
 * Cloud DNS: all of these and DNSKEY, IPSECKEY). A front end that stores them is
 * served over DNS with no further change.
 */
export const EXTRA_SERVED_TYPES = ['SPF', 'NAPTR', 'DS', 'DNSKEY', 'HTTPS', 'SVCB', 'SSHFP', 'TLSA', 'IPSECKEY'] as const;
export type ServedType = EmuRecordType | (typeof EXTRA_SERVED_TYPES)[number];

/** dns-packet's record codecs that its type declarations leave out. */
const codecs = dnsPacket as unknown as { aaaa: { encode(ip: string): Buffer } };
/** The 16 bytes of an IPv6 address (dns-packet's AAAA codec writes a 2-byte length first). */
const ipv6Bytes = (ip: string): Buffer => codecs.aaaa.encode(ip).subarray(2);

/** Type codes (IANA DNS parameters) of every served type. */
const TYPE_CODES: Record<ServedType, number> = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  NAPTR: 35,
  DS: 43,
  SSHFP: 44,
  IPSECKEY: 45,
  DNSKEY: 48,
  TLSA: 52,
  SVCB: 64,
  HTTPS: 65,
  SPF: 99,
  CAA: 257,
};
const NAMES_BY_CODE = new Map(Object.entries(TYPE_CODES).map(([name, code]) => [code, name]));

/** The name the store uses for a queried type code (dns-packet names SVCB and HTTPS `UNKNOWN_64/65`). */
export function queryTypeName(code: number, decoded?: string): string {
  return NAMES_BY_CODE.get(code) ?? decoded ?? `UNKNOWN_${code}`;
}

/** A record as the lookup produces it: owner, type, TTL and one presentation value. */
export interface PresentedRecord {
  readonly name: string;
  readonly type: ServedType;
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

function hex(value: string, text: string, field: string): Buffer {
  if (!/^(?:[0-9A-Fa-f]{2})+$/.test(text))
    throw new PresentationError(value, `${field} must be hexadecimal digits, an even number of them`);
  return Buffer.from(text, 'hex');
}

function base64(value: string, text: string, field: string): Buffer {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) throw new PresentationError(value, `${field} must be base64`);
  return Buffer.from(text, 'base64');
}

/** RDATA bytes that dns-packet writes as they are under the type's code (its encoding of unknown types, RFC 3597 §5). */
function opaque(base: { name: string; ttl: number; class: 'IN' }, type: ServedType, data: Buffer): Answer {
  return { ...base, type: `UNKNOWN_${TYPE_CODES[type]}`, data } as unknown as Answer;
}

/** Character-strings on the wire (RFC 1035 §3.3): one length byte each. */
function characterStrings(value: string): Buffer {
  return Buffer.concat(txtStrings(value).flatMap((s) => [Buffer.from([s.length]), s]));
}

const u16 = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};

/** SvcParamKeys with a name (RFC 9460 §14.3.2); others are written keyNNNNN. */
const SVC_KEYS: Record<string, number> = {
  mandatory: 0,
  alpn: 1,
  'no-default-alpn': 2,
  port: 3,
  ipv4hint: 4,
  ech: 5,
  ipv6hint: 6,
  dohpath: 7,
};

function svcKey(value: string, name: string): number {
  const known = SVC_KEYS[name];
  if (known !== undefined) return known;
  const m = /^key(\d{1,5})$/.exec(name);
  if (!m || Number(m[1]) > 65535) throw new PresentationError(value, `unknown SvcParamKey ${JSON.stringify(name)}`);
  return Number(m[1]);
}

/** A comma-separated value list (RFC 9460 Appendix A.1): `\,` is a comma inside an item. */
function valueList(text: string): string[] {
  return text.split(/(?<!\\),/).map((item) => item.replace(/\\,/g, ','));
}

/** SVCB and HTTPS RDATA (RFC 9460 §2.2): priority, target name, then parameters in ascending key order. */
function svcbRdata(value: string): Buffer {
  // Parameters are key or key=value, the value maybe quoted; split on spaces outside quotes.
  const fields = value.trim().match(/(?:[^\s"\\]|\\.|"(?:[^"\\]|\\.)*")+/g) ?? [];
  if (fields.length < 2) throw new PresentationError(value, "expected 'priority target [key=value ...]', e.g. '1 . alpn=h2,h3'");
  const priority = uint(value, fields[0]!, 'SvcPriority', 65535);
  const params = new Map<number, Buffer>();
  for (const field of fields.slice(2)) {
    const eq = field.indexOf('=');
    const name = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    let raw = eq < 0 ? undefined : field.slice(eq + 1);
    if (raw !== undefined && raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2) raw = raw.slice(1, -1);
    const key = svcKey(value, name);
    if (params.has(key)) throw new PresentationError(value, `SvcParamKey ${name} appears twice`);
    const text = raw ?? '';
    const bytes = (): Buffer => tokenize(`"${text}"`)[0]?.bytes ?? Buffer.alloc(0);
    let data: Buffer;
    switch (key) {
      case 0:
        data = Buffer.concat(valueList(text).map((k) => u16(svcKey(value, k.toLowerCase()))));
        break;
      case 1:
        data = Buffer.concat(
          valueList(text).map((id) => {
            const b = tokenize(`"${id}"`)[0]?.bytes ?? Buffer.alloc(0);
            if (b.length === 0 || b.length > 255) throw new PresentationError(value, 'each alpn id must be 1 to 255 bytes');
            return Buffer.concat([Buffer.from([b.length]), b]);
          }),
        );
        break;
      case 2:
        if (raw !== undefined) throw new PresentationError(value, 'no-default-alpn takes no value');
        data = Buffer.alloc(0);
        break;
      case 3:
        data = u16(uint(value, text, 'port', 65535));
        break;
      case 4:
        data = Buffer.concat(
          valueList(text).map((ip) => {
            if (!isIPv4(ip)) throw new PresentationError(value, `ipv4hint ${JSON.stringify(ip)} is not an IPv4 address`);
            return Buffer.from(ip.split('.').map(Number));
          }),
        );
        break;
      case 5:
        data = base64(value, text, 'ech');
        break;
      case 6:
        data = Buffer.concat(
          valueList(text).map((ip) => {
            if (!isIPv6(ip)) throw new PresentationError(value, `ipv6hint ${JSON.stringify(ip)} is not an IPv6 address`);
            return ipv6Bytes(ip);
          }),
        );
        break;
      default:
        data = bytes();
    }
    if ((key !== 2 && key !== 0 && raw === undefined) || data.length > 65535) {
      throw new PresentationError(value, `SvcParamKey ${name} needs a value`);
    }
    params.set(key, data);
  }
  const mandatory = params.get(0);
  if (mandatory)
    for (let i = 0; i < mandatory.length; i += 2)
      if (!params.has(mandatory.readUInt16BE(i)) || mandatory.readUInt16BE(i) === 0) {
        throw new PresentationError(value, 'every key listed in mandatory must be present (and not mandatory itself)');
      }
  const target = wireName(labelsOf(fields[1]!));
  const sorted = [...params.entries()].sort(([a], [b]) => a - b);
  return Buffer.concat([u16(priority), target, ...sorted.flatMap(([k, v]) => [u16(k), u16(v.length), v])]);
}

/** IPSECKEY RDATA (RFC 4025 §2, §3): precedence, gateway type, algorithm, gateway, public key. */
function ipseckeyRdata(value: string): Buffer {
  const parts = words(value);
  if (parts.length < 4 || parts.length > 5) {
    throw new PresentationError(
      value,
      "expected 'precedence gateway-type algorithm gateway [public-key]', e.g. '10 1 2 192.0.2.38 AQNR...'",
    );
  }
  const precedence = uint(value, parts[0]!, 'precedence', 255);
  const gatewayType = uint(value, parts[1]!, 'gateway type', 3);
  const algorithm = uint(value, parts[2]!, 'algorithm', 255);
  const gw = parts[3]!;
  let gateway: Buffer;
  if (gatewayType === 0) {
    if (gw !== '.') throw new PresentationError(value, "gateway type 0 means no gateway, written '.'");
    gateway = Buffer.alloc(0);
  } else if (gatewayType === 1) {
    if (!isIPv4(gw)) throw new PresentationError(value, 'gateway type 1 needs an IPv4 address');
    gateway = Buffer.from(gw.split('.').map(Number));
  } else if (gatewayType === 2) {
    if (!isIPv6(gw)) throw new PresentationError(value, 'gateway type 2 needs an IPv6 address');
    gateway = ipv6Bytes(gw);
  } else gateway = wireName(labelsOf(gw));
  const key = parts[4] === undefined ? Buffer.alloc(0) : base64(value, parts[4], 'public key');
  return Buffer.concat([Buffer.from([precedence, gatewayType, algorithm]), gateway, key]);
}

/** RFC 3597 §5 generic form `\# length hex...`, for any type. */
function genericRdata(value: string): Buffer | undefined {
  const parts = value.trim().split(/\s+/);
  if (parts[0] !== '\\#') return undefined;
  const length = uint(value, parts[1] ?? '', 'RFC 3597 length', 65535);
  const data = length === 0 && parts.length === 2 ? Buffer.alloc(0) : hex(value, parts.slice(2).join(''), 'RFC 3597 data');
  if (data.length !== length) throw new PresentationError(value, `RFC 3597 data is ${data.length} bytes, not ${length}`);
  return data;
}

export function toWireRecord(rr: PresentedRecord): Answer {
  const { value } = rr;
  const base = { name: domainName(rr.name, rr.name), ttl: rr.ttl, class: 'IN' as const };
  const generic = genericRdata(value);
  if (generic) return opaque(base, rr.type, generic);
  switch (rr.type) {
    case 'SPF':
      return opaque(base, 'SPF', characterStrings(value));
    case 'HTTPS':
    case 'SVCB':
      return opaque(base, rr.type, svcbRdata(value));
    case 'IPSECKEY':
      return opaque(base, 'IPSECKEY', ipseckeyRdata(value));
    case 'NAPTR': {
      const t = tokenize(value);
      if (t.length !== 6) throw new PresentationError(value, `expected 'order preference "flags" "services" "regexp" replacement'`);
      const text = t.map((x) => x.bytes.toString('utf8'));
      return {
        ...base,
        type: 'NAPTR',
        data: {
          order: uint(value, text[0]!, 'order', 65535),
          preference: uint(value, text[1]!, 'preference', 65535),
          flags: text[2]!,
          services: text[3]!,
          regexp: text[4]!,
          replacement: domainName(value, text[5]!),
        },
      };
    }
    case 'DS': {
      const parts = words(value);
      if (parts.length < 4)
        throw new PresentationError(value, "expected 'key-tag algorithm digest-type digest', e.g. '60485 5 1 2BB183AF...'");
      return {
        ...base,
        type: 'DS',
        data: {
          keyTag: uint(value, parts[0]!, 'key tag', 65535),
          algorithm: uint(value, parts[1]!, 'algorithm', 255),
          digestType: uint(value, parts[2]!, 'digest type', 255),
          digest: hex(value, parts.slice(3).join(''), 'digest'),
        },
      };
    }
    case 'DNSKEY': {
      const parts = words(value);
      if (parts.length < 4)
        throw new PresentationError(value, "expected 'flags protocol algorithm public-key', e.g. '257 3 13 mdsswUyr...'");
      // dns-packet always writes protocol 3, the only value RFC 4034 §2.1.2 allows.
      if (parts[1] !== '3') throw new PresentationError(value, 'the DNSKEY protocol must be 3');
      return {
        ...base,
        type: 'DNSKEY',
        data: {
          flags: uint(value, parts[0]!, 'flags', 65535),
          algorithm: uint(value, parts[2]!, 'algorithm', 255),
          key: base64(value, parts.slice(3).join(''), 'public key'),
        },
      };
    }
    case 'SSHFP': {
      const parts = words(value);
      expectCount(value, parts, 3, "'algorithm fingerprint-type fingerprint', e.g. '4 2 123456789abcdef...'");
      const hash = uint(value, parts[1]!, 'fingerprint type', 255);
      const fingerprint = hex(value, parts[2]!, 'fingerprint');
      const expected = { 1: 20, 2: 32 }[hash];
      if (expected !== fingerprint.length) {
        // dns-packet checks the length of SHA-1 and SHA-256 fingerprints only: carry other types as they are.
        if (expected !== undefined) throw new PresentationError(value, `a type ${hash} fingerprint is ${expected} bytes`);
        return opaque(base, 'SSHFP', Buffer.concat([Buffer.from([uint(value, parts[0]!, 'algorithm', 255), hash]), fingerprint]));
      }
      return { ...base, type: 'SSHFP', data: { algorithm: uint(value, parts[0]!, 'algorithm', 255), hash, fingerprint: parts[2]! } };
    }
    case 'TLSA': {
      const parts = words(value);
      if (parts.length < 4) throw new PresentationError(value, "expected 'usage selector matching-type data', e.g. '3 1 1 0123ABCD...'");
      return {
        ...base,
        type: 'TLSA',
        data: {
          usage: uint(value, parts[0]!, 'usage', 255),
          selector: uint(value, parts[1]!, 'selector', 255),
          matchingType: uint(value, parts[2]!, 'matching type', 255),
          certificate: hex(value, parts.slice(3).join(''), 'certificate association data'),
        },
      };
    }
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
