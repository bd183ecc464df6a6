/**
 * Record types and values as Route 53 accepts them (Developer Guide, "Supported
 * DNS record types"). Each value is checked for its type with Route 53's "FATAL
 * problem" wording and then stored exactly as written, as Route 53 returns it.
 * `comparableValue` gives one text per meaning (domain names lower-case and
 * absolute, numbers without leading zeros, hex upper-case), used only to compare:
 * a DELETE's exact match and duplicate detection.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { nameProblem } from './names.js';

/** Every type in Route 53's RRType enum (botocore route53 model, shape RRType). */
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
export type Route53Type = (typeof ROUTE53_TYPES)[number];

export function isRoute53Type(type: string): type is Route53Type {
  return (ROUTE53_TYPES as readonly string[]).includes(type);
}

const MAX_CHARACTER_STRING = 255;
const MAX_TXT_VALUE = 4000;
const U8 = 255;
const U16 = 65535;
const U32 = 4294967295;

function fatal(code: string, explanation: string, value: string): string {
  return `Invalid Resource Record: 'FATAL problem: ${code} (${explanation}) encountered with '${value}''`;
}

function domainProblem(name: string, raw: string): string | undefined {
  if (name === '' || /\s/.test(name)) return fatal('DomainNameInvalid', 'Value is not a valid domain name', raw);
  const absolute = name.endsWith('.') ? name : `${name}.`;
  const problem = nameProblem(absolute.toLowerCase());
  return problem === undefined ? undefined : fatal('DomainNameInvalid', `Value is not a valid domain name: ${problem}`, raw);
}

/** A target that may be the root (`.`), as in SVCB/HTTPS TargetName and NAPTR replacement. */
function targetProblem(name: string, raw: string): string | undefined {
  return name === '.' ? undefined : domainProblem(name, raw);
}

function uint(text: string | undefined, max: number): boolean {
  return text !== undefined && /^\d{1,10}$/.test(text) && Number(text) <= max;
}

const isHex = (text: string | undefined): boolean => text !== undefined && /^[0-9A-Fa-f]+$/.test(text) && text.length % 2 === 0;

/** Quoted character-strings and bare words, the zone-file presentation form (RFC 1035 §5.1). */
const TOKEN = /\s*(?:"((?:[^"\\]|\\.)*)"|([^\s"]+))/y;

interface Token {
  text: string;
  quoted: boolean;
}

function tokens(value: string): Token[] | undefined {
  const out: Token[] = [];
  let at = 0;
  while (at < value.length) {
    if (value.slice(at).trim() === '') break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(value);
    if (!m) return undefined;
    out.push(m[1] !== undefined ? { text: m[1], quoted: true } : { text: m[2] as string, quoted: false });
    at = TOKEN.lastIndex;
  }
  return out;
}

const unescape = (s: string): string =>
  s.replace(/\\(\d{3}|.)/g, (_x, esc: string) => (esc.length === 3 ? String.fromCharCode(Number(esc)) : esc));

/** The character-strings of a TXT/SPF value, or undefined when it is not a sequence of quoted strings. */
function characterStrings(value: string): string[] | undefined {
  const all = tokens(value);
  if (!all || all.length === 0 || all.some((t) => !t.quoted)) return undefined;
  return all.map((t) => unescape(t.text));
}

function txtProblem(type: string, value: string): string | undefined {
  const strings = characterStrings(value);
  if (!strings) return fatal('InvalidCharacterString', 'Value should be enclosed in quotation marks', value);
  if (strings.some((s) => s.length > MAX_CHARACTER_STRING))
    return fatal('CharacterStringTooLong', `Value is too long: each quoted string may hold ${MAX_CHARACTER_STRING} characters`, value);
  if (value.length > MAX_TXT_VALUE) return fatal(`${type}RDATATooLong`, `Value is longer than ${MAX_TXT_VALUE} characters`, value);
  return undefined;
}

/** SvcParamKeys of RFC 9460 §14.3.2, plus the generic keyNNNNN form. */
const SVC_PARAM_KEYS = new Set(['mandatory', 'alpn', 'no-default-alpn', 'port', 'ipv4hint', 'ech', 'ipv6hint']);

/** SVCB and HTTPS: `SvcPriority TargetName SvcParams...` (RFC 9460 §2.1), e.g. `1 . alpn="h3,h2"`. */
function svcbProblem(type: string, value: string): string | undefined {
  const bad = (why: string) =>
    fatal(`${type}RDATAInvalid`, `${why}; expected 'priority target [key=value ...]', e.g. '1 . alpn="h2"'`, value);
  const fields = value.trim().split(/\s+/);
  if (fields.length < 2 || !uint(fields[0], U16)) return bad('SvcPriority must be an integer from 0 to 65535');
  const target = targetProblem(fields[1] as string, value);
  if (target) return target;
  const params = value.trim().split(/\s+/).slice(2).join(' ');
  const re = /\s*([a-z0-9-]+)(?:=("(?:[^"\\]|\\.)*"|[^\s"]+))?/y;
  const seen = new Set<string>();
  let at = 0;
  while (at < params.length) {
    re.lastIndex = at;
    const m = re.exec(params);
    if (!m) return bad(`cannot read SvcParams at '${params.slice(at, at + 20)}'`);
    const key = m[1] as string;
    if (!SVC_PARAM_KEYS.has(key) && !/^key\d{1,5}$/.test(key)) return bad(`unknown SvcParamKey '${key}'`);
    if (seen.has(key)) return bad(`SvcParamKey '${key}' appears twice`);
    seen.add(key);
    const param = (m[2] ?? '').replace(/^"(.*)"$/, '$1');
    if (key === 'port' && !uint(param, U16)) return bad('port must be an integer from 0 to 65535');
    if (key === 'ipv4hint' && !param.split(',').every((ip) => isIPv4(ip))) return bad('ipv4hint must list IPv4 addresses');
    if (key === 'ipv6hint' && !param.split(',').every((ip) => isIPv6(ip) && !ip.includes('%')))
      return bad('ipv6hint must list IPv6 addresses');
    at = re.lastIndex;
  }
  if (Number(fields[0]) === 0 && seen.size > 0) return bad('a record with SvcPriority 0 (AliasMode) takes no SvcParams');
  return undefined;
}

/** NAPTR: `order preference "flags" "service" "regexp" replacement` (RFC 3403 §4.1). */
function naptrProblem(value: string): string | undefined {
  const bad = fatal(
    'NAPTRRDATAInvalid',
    `Value must be 'order preference "flags" "service" "regexp" replacement', e.g. '100 100 "U" "E2U+sip" "!^.*$!sip:info@example.test!" .'`,
    value,
  );
  const t = tokens(value);
  if (!t || t.length !== 6) return bad;
  const [order, preference, flags, service, regexp, replacement] = t as [Token, Token, Token, Token, Token, Token];
  if (order.quoted || preference.quoted || !uint(order.text, U16) || !uint(preference.text, U16)) return bad;
  if (!flags.quoted || !service.quoted || !regexp.quoted || replacement.quoted) return bad;
  if (!/^[A-Za-z0-9]*$/.test(flags.text)) return bad;
  // RFC 3403 §4.1: a rule has a regexp or a replacement, never both.
  if (regexp.text !== '' && replacement.text !== '.') return bad;
  return targetProblem(replacement.text, value);
}

/** Why `value` is not valid for `type`, in Route 53's words; undefined when valid. */
export function valueProblem(type: Route53Type, value: string): string | undefined {
  const fields = value.trim().split(/\s+/);
  switch (type) {
    case 'A':
      return isIPv4(value) ? undefined : fatal('ARRDATAIllegalIPv4Address', 'Value is not a valid IPv4 address', value);
    case 'AAAA':
      // Node accepts a zone index (`fe80::1%eth0`); an address record cannot carry one (RFC 4007 §11 is for text only).
      return isIPv6(value) && !value.includes('%')
        ? undefined
        : fatal('AAAARRDATAIllegalIPv6Address', 'Value is not a valid IPv6 address', value);
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return domainProblem(value, value);
    case 'TXT':
    case 'SPF':
      return txtProblem(type, value);
    case 'MX':
      if (fields.length !== 2 || !uint(fields[0], U16))
        return fatal('MXRRDATANotTwoFields', "Value must be 'priority host', e.g. '10 mail.example.test.'", value);
      return domainProblem(fields[1] as string, value);
    case 'SRV':
      if (fields.length !== 4 || !fields.slice(0, 3).every((f) => uint(f, U16))) {
        return fatal('SRVRDATANotFourFields', "Value must be 'priority weight port target', e.g. '1 10 443 svc.example.test.'", value);
      }
      return domainProblem(fields[3] as string, value);
    case 'CAA':
      return /^\d{1,3}\s+[A-Za-z0-9]+\s+"(?:[^"\\]|\\.)*"$/.test(value.trim()) && Number(fields[0]) <= U8
        ? undefined
        : fatal('CAARDATAInvalid', 'Value must be \'flags tag "value"\', e.g. \'0 issue "ca.example"\'', value);
    case 'SOA':
      if (fields.length !== 7 || !fields.slice(2).every((f) => uint(f, U32))) {
        return fatal('SOARDATANotSevenFields', "Value must be 'mname rname serial refresh retry expire minimum'", value);
      }
      return domainProblem(fields[0] as string, value) ?? domainProblem(fields[1] as string, value);
    case 'DS':
      return fields.length === 4 && uint(fields[0], U16) && uint(fields[1], U8) && uint(fields[2], U8) && isHex(fields[3])
        ? undefined
        : fatal('DSRDATAInvalid', "Value must be 'key-tag algorithm digest-type digest', e.g. '12345 13 2 1F2E...' (digest in hex)", value);
    case 'SSHFP':
      return fields.length === 3 && uint(fields[0], U8) && uint(fields[1], U8) && isHex(fields[2])
        ? undefined
        : fatal(
            'SSHFPRDATAInvalid',
            "Value must be 'algorithm fingerprint-type fingerprint', e.g. '4 2 123456...' (fingerprint in hex)",
            value,
          );
    case 'TLSA':
      return fields.length === 4 && uint(fields[0], U8) && uint(fields[1], U8) && uint(fields[2], U8) && isHex(fields[3])
        ? undefined
        : fatal(
            'TLSARDATAInvalid',
            "Value must be 'usage selector matching-type certificate-association-data', e.g. '3 1 1 0123...' (data in hex)",
            value,
          );
    case 'SVCB':
    case 'HTTPS':
      return svcbProblem(type, value);
    case 'NAPTR':
      return naptrProblem(value);
  }
}

function comparableDomain(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

const num = (text: string): string => String(Number(text));

/**
 * One text per meaning, only for comparing valid values (exact-match DELETE,
 * duplicates): names lower-case and absolute, numbers without leading zeros,
 * hex upper-case, fields separated by one space. Never stored or returned.
 */
export function comparableValue(type: Route53Type, value: string): string {
  const fields = value.trim().split(/\s+/);
  switch (type) {
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return comparableDomain(value);
    case 'MX':
      return `${num(fields[0] as string)} ${comparableDomain(fields[1] as string)}`;
    case 'SRV':
      return `${fields.slice(0, 3).map(num).join(' ')} ${comparableDomain(fields[3] as string)}`;
    case 'SOA':
      return [comparableDomain(fields[0] as string), comparableDomain(fields[1] as string), ...fields.slice(2).map(num)].join(' ');
    case 'DS':
    case 'TLSA':
    case 'SSHFP':
      return [...fields.slice(0, -1).map(num), (fields[fields.length - 1] as string).toUpperCase()].join(' ');
    case 'SVCB':
    case 'HTTPS': {
      const target = fields[1] === '.' ? '.' : comparableDomain(fields[1] as string);
      return [num(fields[0] as string), target, ...fields.slice(2)].join(' ');
    }
    case 'NAPTR': {
      const t = tokens(value) ?? [];
      const replacement = t[5]?.text === '.' ? '.' : comparableDomain(t[5]?.text ?? '');
      return [num(t[0]?.text ?? ''), num(t[1]?.text ?? ''), ...t.slice(2, 5).map((x) => `"${x.text}"`), replacement].join(' ');
    }
    case 'CAA':
      return fields.join(' ');
    case 'A':
    case 'AAAA':
    case 'TXT':
    case 'SPF':
      return value;
  }
}
