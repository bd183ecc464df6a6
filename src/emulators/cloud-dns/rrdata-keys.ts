/**
 * Record types that carry keys and fingerprints: DS and DNSKEY (RFC 4034),
 * SSHFP (RFC 4255, RFC 6594), TLSA (RFC 6698), IPSECKEY (RFC 4025). A key or
 * digest may be split by spaces in a zone file; it is stored in one piece.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { absolute, base64, fields, fieldsWithTail, hex, RrdataError, uint } from './rrdata-fields.js';

/** Digest sizes of the registered DS digest types (RFC 4034, 4509, 5933, 6605). */
const DS_DIGEST_BYTES: Record<string, number> = { '1': 20, '2': 32, '3': 32, '4': 48 };

export function canonicalDs(value: string): string {
  const [keyTag, algorithm, digestType, digest] = fieldsWithTail(value, 4, 'key-tag algorithm digest-type digest');
  const type = uint(digestType, 255, 'DS digest type');
  if (type === '0') throw new RrdataError('DS digest type 0 is reserved (1 SHA-1, 2 SHA-256, 4 SHA-384)');
  return [
    uint(keyTag, 65535, 'DS key tag'),
    uint(algorithm, 255, 'DS algorithm'),
    type,
    hex(digest ?? '', 'DS digest', DS_DIGEST_BYTES[type]),
  ].join(' ');
}

export function canonicalDnskey(value: string): string {
  const [flags, protocol, algorithm, key] = fieldsWithTail(value, 4, 'flags protocol algorithm public-key');
  // RFC 4034 §2.1.2: the protocol field MUST be 3.
  if (protocol !== '3') throw new RrdataError('the DNSKEY protocol field must be 3');
  return [
    uint(flags, 65535, 'DNSKEY flags'),
    protocol,
    uint(algorithm, 255, 'DNSKEY algorithm'),
    base64(key ?? '', 'the DNSKEY public key'),
  ].join(' ');
}

/** Fingerprint sizes of the registered SSHFP types: 1 SHA-1, 2 SHA-256. */
const SSHFP_BYTES: Record<string, number> = { '1': 20, '2': 32 };

export function canonicalSshfp(value: string): string {
  const [algorithm, fpType, fingerprint] = fieldsWithTail(value, 3, 'algorithm fingerprint-type fingerprint');
  const type = uint(fpType, 255, 'SSHFP fingerprint type');
  return [uint(algorithm, 255, 'SSHFP algorithm'), type, hex(fingerprint ?? '', 'the SSHFP fingerprint', SSHFP_BYTES[type])].join(' ');
}

/** Data sizes of the registered TLSA matching types: 1 SHA-256, 2 SHA-512 (0 is the full data). */
const TLSA_BYTES: Record<string, number> = { '1': 32, '2': 64 };

export function canonicalTlsa(value: string): string {
  const [usage, selector, matchingType, data] = fieldsWithTail(value, 4, 'usage selector matching-type data');
  const type = uint(matchingType, 255, 'TLSA matching type');
  return [
    uint(usage, 255, 'TLSA certificate usage'),
    uint(selector, 255, 'TLSA selector'),
    type,
    hex(data ?? '', 'the TLSA certificate association data', TLSA_BYTES[type]),
  ].join(' ');
}

/** IPSECKEY: `precedence gateway-type algorithm gateway [public-key]` (RFC 4025 §3.1). */
export function canonicalIpseckey(value: string): string {
  const shape = 'precedence gateway-type algorithm gateway public-key';
  const parts = value.trim().split(/\s+/);
  if (parts.length < 4) throw new RrdataError(`expected '${shape}'`);
  const [precedence, gatewayType, algorithm, gateway] = fields(parts.slice(0, 4).join(' '), 4, shape);
  const gwType = uint(gatewayType, 3, 'IPSECKEY gateway type (0 none, 1 IPv4, 2 IPv6, 3 name)');
  const g = gateway ?? '';
  let gw: string;
  if (gwType === '0') {
    if (g !== '.') throw new RrdataError("with gateway type 0 the IPSECKEY gateway must be '.'");
    gw = g;
  } else if (gwType === '1') {
    if (!isIPv4(g)) throw new RrdataError('with gateway type 1 the IPSECKEY gateway must be an IPv4 address');
    gw = g;
  } else if (gwType === '2') {
    if (!isIPv6(g) || g.includes('%')) throw new RrdataError('with gateway type 2 the IPSECKEY gateway must be an IPv6 address');
    gw = new URL(`http://[${g}]/`).hostname.slice(1, -1);
  } else {
    gw = absolute(g, 'with gateway type 3 the IPSECKEY gateway');
  }
  const alg = uint(algorithm, 255, 'IPSECKEY algorithm');
  const key = parts.slice(4).join('');
  if (key === '') {
    if (alg !== '0') throw new RrdataError('an IPSECKEY with an algorithm other than 0 carries a base64 public key');
    return [uint(precedence, 255, 'IPSECKEY precedence'), gwType, alg, gw].join(' ');
  }
  return [uint(precedence, 255, 'IPSECKEY precedence'), gwType, alg, gw, base64(key, 'the IPSECKEY public key')].join(' ');
}
