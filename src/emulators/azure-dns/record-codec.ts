/**
 * One record type's ARM property (`ARecords`, `CNAMERecord`, ...) ⇄ the store's
 * presentation-form values. Property names are matched exactly, as ARM does:
 * `arecords` is not `ARecords` and is silently ignored.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { badRequest } from './arm-error.js';
import type { JsonObject } from './json-fields.js';
import { asArray, asInteger, asObject, asString, given, requiredInteger, requiredString } from './json-fields.js';
import { absoluteTarget, presentedTarget } from './names.js';
import { quoteTxtString, txtFromPresentation, txtToPresentation } from './txt.js';

export const AZURE_RECORD_TYPES = ['A', 'AAAA', 'CAA', 'CNAME', 'MX', 'NS', 'PTR', 'SOA', 'SRV', 'TXT'] as const;
export type AzureRecordType = (typeof AZURE_RECORD_TYPES)[number];

export function isAzureRecordType(t: string): t is AzureRecordType {
  return (AZURE_RECORD_TYPES as readonly string[]).includes(t);
}

const U16 = 65535;
const I32 = 2147483647;

interface Codec {
  /** The ARM property holding this type's data. */
  readonly field: string;
  /** CNAME and SOA hold one object; the others a list. */
  readonly single: boolean;
  parse(item: JsonObject, field: string): string;
  present(value: string): JsonObject;
}

/** Leading whitespace-separated words of a stored value, and the rest. */
function words(value: string, n: number): string[] {
  const parts = value.trim().split(/\s+/);
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(' ')];
}

const CODECS: Record<AzureRecordType, Codec> = {
  A: {
    field: 'ARecords',
    single: false,
    parse(item, field) {
      const ip = requiredString(item, 'ipv4Address', `${field}.ipv4Address`);
      if (!isIPv4(ip)) throw badRequest(`The IPv4 address '${ip}' is invalid.`, `${field}.ipv4Address`);
      return ip;
    },
    present: (v) => ({ ipv4Address: v }),
  },
  AAAA: {
    field: 'AAAARecords',
    single: false,
    parse(item, field) {
      const ip = requiredString(item, 'ipv6Address', `${field}.ipv6Address`);
      if (!isIPv6(ip) || ip.includes('%')) throw badRequest(`The IPv6 address '${ip}' is invalid.`, `${field}.ipv6Address`);
      // The WHATWG URL parser gives the RFC 5952 canonical (compressed, lower-case) form.
      return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
    },
    present: (v) => ({ ipv6Address: v }),
  },
  CNAME: {
    field: 'CNAMERecord',
    single: true,
    parse: (item, field) => absoluteTarget(requiredString(item, 'cname', `${field}.cname`), `${field}.cname`),
    present: (v) => ({ cname: presentedTarget(v) }),
  },
  NS: {
    field: 'NSRecords',
    single: false,
    parse: (item, field) => absoluteTarget(requiredString(item, 'nsdname', `${field}.nsdname`), `${field}.nsdname`),
    present: (v) => ({ nsdname: presentedTarget(v) }),
  },
  PTR: {
    field: 'PTRRecords',
    single: false,
    parse: (item, field) => absoluteTarget(requiredString(item, 'ptrdname', `${field}.ptrdname`), `${field}.ptrdname`),
    present: (v) => ({ ptrdname: presentedTarget(v) }),
  },
  MX: {
    field: 'MXRecords',
    single: false,
    parse(item, field) {
      const pref = requiredInteger(item, 'preference', `${field}.preference`, 0, U16);
      return `${pref} ${absoluteTarget(requiredString(item, 'exchange', `${field}.exchange`), `${field}.exchange`)}`;
    },
    present(v) {
      const [pref = '0', exchange = ''] = words(v, 2);
      return { preference: Number(pref), exchange: presentedTarget(exchange) };
    },
  },
  SRV: {
    field: 'SRVRecords',
    single: false,
    parse(item, field) {
      const priority = requiredInteger(item, 'priority', `${field}.priority`, 0, U16);
      const weight = requiredInteger(item, 'weight', `${field}.weight`, 0, U16);
      const port = requiredInteger(item, 'port', `${field}.port`, 0, U16);
      const target = absoluteTarget(requiredString(item, 'target', `${field}.target`), `${field}.target`);
      return `${priority} ${weight} ${port} ${target}`;
    },
    present(v) {
      const [priority = '0', weight = '0', port = '0', target = ''] = words(v, 4);
      return { priority: Number(priority), weight: Number(weight), port: Number(port), target: presentedTarget(target) };
    },
  },
  CAA: {
    field: 'caaRecords', // lower camel case on the wire, unlike the others
    single: false,
    parse(item, field) {
      const flags = requiredInteger(item, 'flags', `${field}.flags`, 0, 255);
      const tag = requiredString(item, 'tag', `${field}.tag`);
      if (!/^[a-z0-9]{1,15}$/i.test(tag)) throw badRequest(`The CAA tag '${tag}' is invalid: 1 to 15 letters or digits.`, `${field}.tag`);
      const value = requiredString(item, 'value', `${field}.value`);
      return `${flags} ${tag.toLowerCase()} ${quoteTxtString(value)}`;
    },
    present(v) {
      const [flags = '0', tag = '', rest = ''] = words(v, 3);
      return { flags: Number(flags), tag, value: txtFromPresentation(rest).join('') };
    },
  },
  TXT: {
    field: 'TXTRecords',
    single: false,
    parse(item, field) {
      const strings = asArray(item['value'], `${field}.value`).map((s, i) => asString(s, `${field}.value[${i}]`));
      if (strings.length === 0) throw badRequest(`'${field}.value' must hold at least one string.`, `${field}.value`);
      strings.forEach((s, i) => {
        // A DNS character-string carries at most 255 octets; longer text must be split by the caller.
        if (Buffer.byteLength(s, 'utf8') > 255)
          throw badRequest(`'${field}.value[${i}]' is longer than 255 bytes; split it into several strings.`, `${field}.value[${i}]`);
      });
      return txtToPresentation(strings);
    },
    present: (v) => ({ value: txtFromPresentation(v) }),
  },
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
        host: presentedTarget(host),
        email: presentedTarget(email),
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

/**
 * SOA data from a write, merged into the current SOA: Azure fixes the host to
 * the zone's first name server and the store owns the serial.
 */
export function mergeSoa(item: JsonObject, current: string, field: string): string {
  const [host = '', email = '', serial = '1', refresh = '3600', retry = '300', expire = '2419200', minimum = '300'] = words(current, 7);
  if (given(item['host'])) {
    const asked = absoluteTarget(asString(item['host'], `${field}.host`), `${field}.host`);
    if (asked !== host) throw badRequest(`The SOA host cannot be changed from '${presentedTarget(host)}'.`, `${field}.host`);
  }
  const int = (key: string, fallback: string) => (given(item[key]) ? String(asInteger(item[key], `${field}.${key}`, 0, I32)) : fallback);
  const mail = given(item['email']) ? absoluteTarget(asString(item['email'], `${field}.email`), `${field}.email`) : email;
  return [
    host,
    mail,
    serial,
    int('refreshTime', refresh),
    int('retryTime', retry),
    int('expireTime', expire),
    int('minimumTTL', minimum),
  ].join(' ');
}

/** ARM properties for a stored set's values, e.g. `{ ARecords: [{ ipv4Address }] }`. */
export function presentRecords(type: AzureRecordType, values: readonly string[]): JsonObject {
  const codec = CODECS[type];
  if (codec.single) return values[0] === undefined ? {} : { [codec.field]: codec.present(values[0]) };
  return { [codec.field]: values.map((v) => codec.present(v)) };
}

/** Record data of `type` from request properties; undefined when the property is not given. */
export function parseRecords(type: AzureRecordType, properties: JsonObject, currentSoa?: string): string[] | undefined {
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
  if (type === 'SOA') return [mergeSoa(asObject(raw, field), currentSoa ?? '', field)];
  if (codec.single) return [codec.parse(asObject(raw, field), field)];
  return asArray(raw, field).map((item, i) => codec.parse(asObject(item, `${field}[${i}]`), `${field}[${i}]`));
}
