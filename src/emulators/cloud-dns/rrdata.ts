/**
 * Record data checks per type, as Cloud DNS applies them to `rrdatas`: values in
 * zone-file presentation form (RFC 1035 §5.1), names absolute (trailing dot).
 * Each value is returned in one canonical form (lower-case names, compressed
 * IPv6, character-strings quoted, numbers without leading zeros) so exact-match
 * deletions compare like with like.
 *
 * The types are those of Cloud DNS's "Supported DNS record types" page
 * (https://cloud.google.com/dns/docs/records-overview).
 */
import { isIPv4, isIPv6 } from 'node:net';
import { absolute, fields, RrdataError, uint } from './rrdata-fields.js';
import { canonicalDnskey, canonicalDs, canonicalIpseckey, canonicalSshfp, canonicalTlsa } from './rrdata-keys.js';
import { canonicalSvcb } from './rrdata-svcb.js';
import { canonicalCaa, canonicalNaptr, canonicalTxt } from './rrdata-text.js';

export { isAbsoluteDomainName, RrdataError } from './rrdata-fields.js';
export { canonicalTxt } from './rrdata-text.js';

export const CLOUD_DNS_RECORD_TYPES = [
  'A',
  'AAAA',
  'ALIAS',
  'CAA',
  'CNAME',
  'DNSKEY',
  'DS',
  'HTTPS',
  'IPSECKEY',
  'MX',
  'NAPTR',
  'NS',
  'PTR',
  'SOA',
  'SPF',
  'SRV',
  'SSHFP',
  'SVCB',
  'TLSA',
  'TXT',
] as const;
export type CloudDnsRecordType = (typeof CLOUD_DNS_RECORD_TYPES)[number];

export function isCloudDnsRecordType(t: string): t is CloudDnsRecordType {
  return (CLOUD_DNS_RECORD_TYPES as readonly string[]).includes(t);
}

function canonicalOne(type: CloudDnsRecordType, value: string): string {
  switch (type) {
    case 'A':
      if (!isIPv4(value)) throw new RrdataError('A data must be an IPv4 address such as 192.0.2.1');
      return value;
    case 'AAAA':
      if (!isIPv6(value) || value.includes('%')) throw new RrdataError('AAAA data must be an IPv6 address such as 2001:db8::1');
      // The URL parser prints IPv6 in its compressed lower-case form.
      return new URL(`http://[${value}]/`).hostname.slice(1, -1);
    case 'ALIAS':
      return absolute(value.trim(), 'ALIAS target');
    case 'CNAME':
      return absolute(value, 'CNAME target');
    case 'NS':
      return absolute(value, 'NS host');
    case 'PTR':
      return absolute(value, 'PTR target');
    case 'TXT':
    case 'SPF':
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
    case 'NAPTR':
      return canonicalNaptr(value);
    case 'DS':
      return canonicalDs(value);
    case 'DNSKEY':
      return canonicalDnskey(value);
    case 'SSHFP':
      return canonicalSshfp(value);
    case 'TLSA':
      return canonicalTlsa(value);
    case 'IPSECKEY':
      return canonicalIpseckey(value);
    case 'SVCB':
    case 'HTTPS':
      return canonicalSvcb(value);
  }
}

/** Canonical values, or RrdataError naming the index of the bad one. */
export function canonicalRrdatas(type: string, values: readonly string[]): string[] {
  if (!isCloudDnsRecordType(type)) throw new RrdataError(`unsupported record type ${type}`);
  return values.map((v, i) => {
    try {
      return canonicalOne(type, v);
    } catch (e) {
      throw e instanceof RrdataError ? new RrdataError(e.message, i) : e;
    }
  });
}
