/**
 * One record type's ARM property (`ARecords`, `CNAMERecord`, ...) ⇄ the store's
 * presentation-form values. Property names are matched exactly, as ARM does:
 * `arecords` is not `ARecords` and is silently ignored.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { badRequest } from './arm-error.js';
import type { JsonObject } from './json-fields.js';
import { asArray, asInteger, asObject, asString, given, requiredInteger, requiredString } from './json-fields.js';
import { absoluteTarget } from './names.js';
import { quoteTxtString, txtFromPresentation, txtToPresentation } from './txt.js';

export const AZURE_RECORD_TYPES = ['A', 'AAAA', 'CAA', 'CNAME', 'MX', 'NS', 'PTR', 'SOA', 'SRV', 'TXT'] as const;
export type AzureRecordType = (typeof AZURE_RECORD_TYPES)[number];

export function isAzureRecordType(t: string): t is AzureRecordType {
  return (AZURE_RECORD_TYPES as readonly string[]).includes(t);
}

const U16 = 65535;
const I32 = 2147483647;

/** One record of a write: the canonical value the store and DNS server use, and the ARM item as the client wrote it. */
export interface ParsedRecord {
  readonly value: string;
  readonly shown: JsonObject;
}

interface Codec {
  /** The ARM property holding this type's data. */
  readonly field: string;
  /** CNAME and SOA hold one object; the others a list. */
  readonly single: boolean;
  parse(item: JsonObject, field: string): ParsedRecord;
  /** ARM item for a canonical value nobody wrote through this API (zone defaults, direct store writes). */
  present(value: string): JsonObject;
}

/** Leading whitespace-separated words of a stored value, and the rest. */
function words(value: string, n: number): string[] {
  const parts = value.trim().split(/\s+/);
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(' ')];
}

/**
 * A domain name inside record data: validated and canonicalised for the store
 * (comparison, DNS answers), and kept exactly as sent for the API's answers.
 * Azure returns `mail.example.com.` and `mail.example.com` as they were written.
 */
function target(item: JsonObject, key: string, field: string): { canonical: string; written: string } {
  const written = requiredString(item, key, `${field}.${key}`);
  return { canonical: absoluteTarget(written, `${field}.${key}`), written };
}

/** Types without names in their data show what the canonical value says. */
function plain(codec: Omit<Codec, 'parse'>, parse: (item: JsonObject, field: string) => string): Codec {
  return {
    ...codec,
    parse(item, field) {
      const value = parse(item, field);
      return { value, shown: codec.present(value) };
    },
  };
}

const CODECS: Record<AzureRecordType, Codec> = {
  A: plain({ field: 'ARecords', single: false, present: (v) => ({ ipv4Address: v }) }, (item, field) => {
    const ip = requiredString(item, 'ipv4Address', `${field}.ipv4Address`);
    if (!isIPv4(ip)) throw badRequest(`The IPv4 address '${ip}' is invalid.`, `${field}.ipv4Address`);
    return ip;
  }),
  AAAA: plain({ field: 'AAAARecords', single: false, present: (v) => ({ ipv6Address: v }) }, (item, field) => {
    const ip = requiredString(item, 'ipv6Address', `${field}.ipv6Address`);
    if (!isIPv6(ip) || ip.includes('%')) throw badRequest(`The IPv6 address '${ip}' is invalid.`, `${field}.ipv6Address`);
    // The WHATWG URL parser gives the RFC 5952 canonical (compressed, lower-case) form.
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  }),
  CNAME: {
    field: 'CNAMERecord',
    single: true,
    parse(item, field) {
      const t = target(item, 'cname', field);
      return { value: t.canonical, shown: { cname: t.written } };
    },
    present: (v) => ({ cname: v }),
  },
  NS: {
    field: 'NSRecords',
    single: false,
    parse(item, field) {
      const t = target(item, 'nsdname', field);
      return { value: t.canonical, shown: { nsdname: t.written } };
    },
    present: (v) => ({ nsdname: v }),
  },
  PTR: {
    field: 'PTRRecords',
    single: false,
    parse(item, field) {
      const t = target(item, 'ptrdname', field);
      return { value: t.canonical, shown: { ptrdname: t.written } };
    },
    present: (v) => ({ ptrdname: v }),
  },
  MX: {
    field: 'MXRecords',
    single: false,
    parse(item, field) {
      const preference = requiredInteger(item, 'preference', `${field}.preference`, 0, U16);
      const t = target(item, 'exchange', field);
      return { value: `${preference} ${t.canonical}`, shown: { preference, exchange: t.written } };
    },
    present(v) {
      const [pref = '0', exchange = ''] = words(v, 2);
      return { preference: Number(pref), exchange };
    },
  },
  SRV: {
    field: 'SRVRecords',
    single: false,
    parse(item, field) {
      const priority = requiredInteger(item, 'priority', `${field}.priority`, 0, U16);
      const weight = requiredInteger(item, 'weight', `${field}.weight`, 0, U16);
      const port = requiredInteger(item, 'port', `${field}.port`, 0, U16);
      const t = target(item, 'target', field);
      return { value: `${priority} ${weight} ${port} ${t.canonical}`, shown: { priority, weight, port, target: t.written } };
    },
    present(v) {
      const [priority = '0', weight = '0', port = '0', target = ''] = words(v, 4);
      return { priority: Number(priority), weight: Number(weight), port: Number(port), target };
    },
  },
  CAA: plain(
    {
      field: 'caaRecords', // lower camel case on the wire, unlike the others
      single: false,
      present(v) {
        const [flags = '0', tag = '', rest = ''] = words(v, 3);
        return { flags: Number(flags), tag, value: txtFromPresentation(rest).join('') };
      },
    },
    (item, field) => {
      const flags = requiredInteger(item, 'flags', `${field}.flags`, 0, 255);
      const tag = requiredString(item, 'tag', `${field}.tag`);
      if (!/^[a-z0-9]{1,15}$/i.test(tag)) throw badRequest(`The CAA tag '${tag}' is invalid: 1 to 15 letters or digits.`, `${field}.tag`);
      const value = requiredString(item, 'value', `${field}.value`);
      return `${flags} ${tag.toLowerCase()} ${quoteTxtString(value)}`;
    },
  ),
  TXT: plain({ field: 'TXTRecords', single: false, present: (v) => ({ value: txtFromPresentation(v) }) }, (item, field) => {
    const strings = asArray(item['value'], `${field}.value`).map((s, i) => asString(s, `${field}.value[${i}]`));
    if (strings.length === 0) throw badRequest(`'${field}.value' must hold at least one string.`, `${field}.value`);
    strings.forEach((s, i) => {
      // A DNS character-string carries at most 255 octets; longer text must be split by the caller.
      if (Buffer.byteLength(s, 'utf8') > 255)
        throw badRequest(`'${field}.value[${i}]' is longer than 255 bytes; split it into several strings.`, `${field}.value[${i}]`);
    });
    return txtToPresentation(strings);
  }),
  SOA: {
    field: 'SOARecord',
    single: true,
    // SOA writes are merged with the current record (see mergeSoa); this parse is never used alone.
    parse: () => {
      throw badRequest('SOA records are merged, not parsed alone.');
    },
    present(v) {
      const [host = '', email = '', serial = '0', refresh = '0', retry = '0', expire = '0', minimum = '0'] = words(v, 7);
      return {
        host,
        email,
        serialNumber: Number(serial),
        refreshTime: Number(refresh),
        retryTime: Number(retry),
        expireTime: Number(expire),
        minimumTTL: Number(minimum),
      };
    },
  },
};

export function codecFor(type: AzureRecordType): Codec {
  return CODECS[type];
}

/** The largest SOA serial: a DNS SOA carries it as an unsigned 32-bit number (RFC 1035 §3.3.13). */
const MAX_SERIAL = 4294967295;

/**
 * SOA data from a write, merged into the current SOA. Azure accepts a new
 * `host` but keeps its own (the zone's primary name server); everything else,
 * the serial included, is the caller's: Azure never changes the serial itself.
 */
export function mergeSoa(item: JsonObject, current: ParsedRecord, field: string): ParsedRecord {
  const [host = '', email = '', serial = '1', refresh = '3600', retry = '300', expire = '2419200', minimum = '300'] = words(
    current.value,
    7,
  );
  if (given(item['host'])) absoluteTarget(asString(item['host'], `${field}.host`), `${field}.host`); // checked, then not used
  const int = (key: string, fallback: string, max = I32) =>
    given(item[key]) ? String(asInteger(item[key], `${field}.${key}`, 0, max)) : fallback;
  const mail = given(item['email']) ? target(item, 'email', field) : { canonical: email, written: String(current.shown['email'] ?? email) };
  const value = [
    host,
    mail.canonical,
    int('serialNumber', serial, MAX_SERIAL),
    int('refreshTime', refresh),
    int('retryTime', retry),
    int('expireTime', expire),
    int('minimumTTL', minimum),
  ].join(' ');
  const numbers = CODECS.SOA.present(value);
  return { value, shown: { ...numbers, host: current.shown['host'] ?? host, email: mail.written } };
}

/** ARM properties for a set's records, e.g. `{ ARecords: [{ ipv4Address }] }`: as written when known, else from the canonical values. */
export function presentRecords(type: AzureRecordType, values: readonly string[], written?: readonly JsonObject[]): JsonObject {
  const codec = CODECS[type];
  const items = written ?? values.map((v) => codec.present(v));
  if (codec.single) return items[0] === undefined ? {} : { [codec.field]: items[0] };
  return { [codec.field]: items };
}

/** The ARM item for one canonical value nobody wrote through the API (for the SOA merge). */
export function presentOne(type: AzureRecordType, value: string): JsonObject {
  return CODECS[type].present(value);
}

/**
 * Record data of `type` from request properties; undefined when the property
 * is not given. `currentSoa` is what an SOA write is merged into.
 */
export function parseRecords(type: AzureRecordType, properties: JsonObject, currentSoa?: ParsedRecord): ParsedRecord[] | undefined {
  const codec = CODECS[type];
  const field = `properties.${codec.field}`;
  const raw = properties[codec.field];
  for (const other of AZURE_RECORD_TYPES) {
    const f = CODECS[other].field;
    if (other !== type && given(properties[f])) {
      throw badRequest(`A record set of type ${type} cannot hold '${f}'; use '${codec.field}'.`, `properties.${f}`);
    }
  }
  if (!given(raw)) return undefined;
  if (type === 'SOA') {
    if (!currentSoa) throw badRequest('SOA record sets are created with the zone and cannot be created.', 'recordType');
    return [mergeSoa(asObject(raw, field), currentSoa, field)];
  }
  if (codec.single) return [codec.parse(asObject(raw, field), field)];
  return asArray(raw, field).map((item, i) => codec.parse(asObject(item, `${field}[${i}]`), `${field}[${i}]`));
}
