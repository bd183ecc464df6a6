/**
 * Record types and values as Route 53 accepts them. Each value is checked for
 * its type with Route 53's "FATAL problem" wording, then brought to one
 * canonical form (domain names lower-case and absolute) so that a DELETE's
 * exact-match comparison and the DNS data plane both see the same text.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { EMU_RECORD_TYPES, type EmuRecordType } from '../core/zone-store.js';
import { nameProblem } from './names.js';

/** Every type in Route 53's RRType enum. */
export const ROUTE53_TYPES = [
  'SOA',
  'A',
  'TXT',
  'NS',
  'CNAME',
  'MX',
  'NAPTR',
  'PTR',
  'SRV',
  'SPF',
  'AAAA',
  'CAA',
  'DS',
  'TLSA',
  'SSHFP',
  'SVCB',
  'HTTPS',
] as const;

export function isRoute53Type(type: string): boolean {
  return (ROUTE53_TYPES as readonly string[]).includes(type);
}

export function isEmulatedType(type: string): type is EmuRecordType {
  return (EMU_RECORD_TYPES as readonly string[]).includes(type);
}

const MAX_CHARACTER_STRING = 255;
const MAX_TXT_VALUE = 4000;

function fatal(code: string, explanation: string, value: string): string {
  return `Invalid Resource Record: 'FATAL problem: ${code} (${explanation}) encountered with '${value}''`;
}

function domainProblem(value: string, raw: string): string | undefined {
  if (value === '' || /\s/.test(value)) return fatal('DomainNameInvalid', 'Value is not a valid domain name', raw);
  const absolute = value.endsWith('.') ? value : `${value}.`;
  const problem = nameProblem(absolute.toLowerCase());
  return problem === undefined ? undefined : fatal('DomainNameInvalid', `Value is not a valid domain name: ${problem}`, raw);
}

function uint(text: string | undefined, max: number): boolean {
  return text !== undefined && /^\d{1,10}$/.test(text) && Number(text) <= max;
}

/** The character-strings of a TXT value, or undefined when it is not a sequence of quoted strings. */
function characterStrings(value: string): string[] | undefined {
  const strings: string[] = [];
  const re = /\s*"((?:[^"\\]|\\.)*)"/y;
  let at = 0;
  while (at < value.length) {
    if (value.slice(at).trim() === '') break;
    re.lastIndex = at;
    const m = re.exec(value);
    if (!m) return undefined;
    strings.push(
      (m[1] as string).replace(/\\(\d{3}|.)/g, (_x, esc: string) => (esc.length === 3 ? String.fromCharCode(Number(esc)) : esc)),
    );
    at = re.lastIndex;
  }
  return strings.length > 0 ? strings : undefined;
}

/** Why `value` is not valid for `type`, in Route 53's words; undefined when valid. */
export function valueProblem(type: EmuRecordType, value: string): string | undefined {
  const fields = value.trim().split(/\s+/);
  switch (type) {
    case 'A':
      return isIPv4(value) ? undefined : fatal('ARRDATAIllegalIPv4Address', 'Value is not a valid IPv4 address', value);
    case 'AAAA':
      return isIPv6(value) ? undefined : fatal('AAAARRDATAIllegalIPv6Address', 'Value is not a valid IPv6 address', value);
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return domainProblem(value, value);
    case 'TXT': {
      const strings = characterStrings(value);
      if (!strings) return fatal('InvalidCharacterString', 'Value should be enclosed in quotation marks', value);
      if (strings.some((s) => s.length > MAX_CHARACTER_STRING))
        return fatal('CharacterStringTooLong', `Value is too long: each quoted string may hold ${MAX_CHARACTER_STRING} characters`, value);
      if (value.length > MAX_TXT_VALUE) return fatal('TXTRDATATooLong', `Value is longer than ${MAX_TXT_VALUE} characters`, value);
      return undefined;
    }
    case 'MX':
      if (fields.length !== 2 || !uint(fields[0], 65535))
        return fatal('MXRRDATANotTwoFields', "Value must be 'priority host', e.g. '10 mail.example.test.'", value);
      return domainProblem(fields[1] as string, value);
    case 'SRV':
      if (fields.length !== 4 || !fields.slice(0, 3).every((f) => uint(f, 65535))) {
        return fatal('SRVRDATANotFourFields', "Value must be 'priority weight port target', e.g. '1 10 443 svc.example.test.'", value);
      }
      return domainProblem(fields[3] as string, value);
    case 'CAA':
      return /^\d{1,3}\s+[A-Za-z0-9]+\s+"(?:[^"\\]|\\.)*"$/.test(value.trim()) && Number(fields[0]) <= 255
        ? undefined
        : fatal('CAARDATAInvalid', 'Value must be \'flags tag "value"\', e.g. \'0 issue "ca.example"\'', value);
    case 'SOA':
      if (fields.length !== 7 || !fields.slice(2).every((f) => uint(f, 4294967295))) {
        return fatal('SOARDATANotSevenFields', "Value must be 'mname rname serial refresh retry expire minimum'", value);
      }
      return domainProblem(fields[0] as string, value) ?? domainProblem(fields[1] as string, value);
  }
}

function canonicalDomain(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

/** One text per meaning: names lower-case and absolute, fields separated by one space. Only for valid values. */
export function canonicalValue(type: EmuRecordType, value: string): string {
  const fields = value.trim().split(/\s+/);
  switch (type) {
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return canonicalDomain(value);
    case 'MX':
      return `${Number(fields[0])} ${canonicalDomain(fields[1] as string)}`;
    case 'SRV':
      return `${fields.slice(0, 3).map(Number).join(' ')} ${canonicalDomain(fields[3] as string)}`;
    case 'SOA':
      return [canonicalDomain(fields[0] as string), canonicalDomain(fields[1] as string), ...fields.slice(2).map(Number)].join(' ');
    case 'CAA':
      return value.trim();
    case 'A':
    case 'AAAA':
    case 'TXT':
      return value;
  }
}
