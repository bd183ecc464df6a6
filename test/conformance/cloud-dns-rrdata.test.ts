/** Record data rules of the Cloud DNS emulator, as a table: what is accepted, in which canonical form, and what is refused. */
import { describe, expect, it } from 'vitest';
import { canonicalRrdatas, isAbsoluteDomainName, RrdataError } from '../../src/emulators/cloud-dns/rrdata.js';

const HEX32 = 'ab'.repeat(32);

const accepted: [string, string, string][] = [
  ['A', '192.0.2.1', '192.0.2.1'],
  ['AAAA', '2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
  ['AAAA', '::ffff:192.0.2.1', '::ffff:c000:201'],
  ['CNAME', 'Target.Example.TEST.', 'target.example.test.'],
  ['TXT', '"v=spf1 -all"', '"v=spf1 -all"'],
  ['TXT', '"a"   "b"', '"a" "b"'],
  ['TXT', 'token', '"token"'],
  // RFC 1035 §5.1: unquoted words are separate character-strings.
  ['TXT', 'two words', '"two" "words"'],
  ['TXT', '"say \\"hi\\""', '"say \\"hi\\""'],
  ['MX', '10 mail.example.test.', '10 mail.example.test.'],
  ['MX', '0 .', '0 .'],
  ['SRV', '10 5 443 svc.example.test.', '10 5 443 svc.example.test.'],
  ['CAA', '0 issue "letsencrypt.org"', '0 issue "letsencrypt.org"'],
  ['NS', 'ns1.example.test.', 'ns1.example.test.'],
  ['PTR', 'host.example.test.', 'host.example.test.'],
  [
    'SOA',
    'ns.example.test. hostmaster.example.test. 1 21600 3600 259200 300',
    'ns.example.test. hostmaster.example.test. 1 21600 3600 259200 300',
  ],
  // Types of https://cloud.google.com/dns/docs/records-overview beyond the ten above.
  ['TXT', 'a\\ b "c d"', '"a\\ b" "c d"'],
  ['SPF', 'v=spf1 -all', '"v=spf1" "-all"'],
  ['ALIAS', 'Origin.Example.NET.', 'origin.example.net.'],
  ['DS', `060485 13 2 ${HEX32.slice(0, 32)} ${HEX32.slice(32)}`, `60485 13 2 ${HEX32}`],
  ['DNSKEY', '256 3 13 AAAA BBBB', '256 3 13 AAAABBBB'],
  ['SSHFP', `1 2 ${HEX32}`, `1 2 ${HEX32}`],
  ['TLSA', '3 0 0 30820122', '3 0 0 30820122'],
  ['IPSECKEY', '10 0 0 .', '10 0 0 .'],
  ['IPSECKEY', '10 3 2 GW.Example.TEST. AQNR', '10 3 2 gw.example.test. AQNR'],
  ['IPSECKEY', '10 2 2 2001:DB8::0:1 AQNR', '10 2 2 2001:db8::1 AQNR'],
  ['NAPTR', '100 50 "a" "z3950+N2L+N2C" "" cidserver.example.test.', '100 50 "a" "z3950+N2L+N2C" "" cidserver.example.test.'],
  ['NAPTR', '10 0 u E2U+sip "!^.*$!sip:info@example.test!" .', '10 0 "u" "E2U+sip" "!^.*$!sip:info@example.test!" .'],
  [
    'SVCB',
    '1 svc.example.test. mandatory=alpn alpn=h2 port=8443 key667=hello',
    '1 svc.example.test. mandatory=alpn alpn=h2 port=8443 key667=hello',
  ],
  ['HTTPS', '0 Pool.Example.TEST.', '0 pool.example.test.'],
  ['HTTPS', '1 . ipv6hint=2001:db8::1,2001:db8::2 no-default-alpn alpn=h3', '1 . ipv6hint=2001:db8::1,2001:db8::2 no-default-alpn alpn=h3'],
];

const refused: [string, string, RegExp][] = [
  ['A', '192.0.2', /IPv4/],
  ['A', '192.0.2.256', /IPv4/],
  ['A', '2001:db8::1', /IPv4/],
  ['AAAA', '192.0.2.1', /IPv6/],
  ['AAAA', 'fe80::1%eth0', /IPv6/],
  ['CNAME', 'target.example.test', /absolute/],
  ['CNAME', '-bad.example.test.', /absolute/],
  ['TXT', '"unterminated', /quoted strings/],
  ['TXT', `"${'x'.repeat(256)}"`, /255 bytes/],
  ['TXT', '', /empty/],
  ['MX', 'mail.example.test.', /preference exchange/],
  ['MX', '70000 mail.example.test.', /0 to 65535/],
  ['SRV', '1 2 3', /priority weight port target/],
  ['CAA', '0 issue two words', /one quoted string/],
  ['SOA', 'ns.example.test. hostmaster.example.test. 1 2 3', /mname/],
  ['TXT', 'a"b', /unquoted/],
  ['TXT', '"a"b', /separate strings/],
  ['TXT', '"\\300"', /not a byte/],
  ['ALIAS', 'origin.example.net', /absolute/],
  ['DS', '1 13 1 abcd', /20 bytes/],
  ['DS', '1 13 2', /key-tag algorithm digest-type digest/],
  ['DNSKEY', '256 3 13 not*base64', /base64/],
  ['SSHFP', '1 1 abc', /hexadecimal/],
  ['TLSA', `3 1 2 ${HEX32}`, /64 bytes/],
  ['IPSECKEY', '10 0 2 gw.example.test. AQNR', /'\.'/],
  ['IPSECKEY', '10 2 2 192.0.2.1 AQNR', /IPv6/],
  ['IPSECKEY', '10 1 2 192.0.2.1', /public key/],
  ['NAPTR', '100 50 "a" "b" cidserver.example.test.', /three strings/],
  ['SVCB', '1 . port=99999', /0 to 65535/],
  ['SVCB', '1 . alpn=h2 alpn=h3', /twice/],
  ['SVCB', '1 . mandatory=port alpn=h2', /does not have/],
  ['HTTPS', '1 . ipv4hint=2001:db8::1', /IPv4/],
  ['HTTPS', '1 . key65535=x', /reserved/],
  ['MX', '10 mail.example.test. extra', /preference exchange/],
  ['BOGUS', 'x', /unsupported record type/],
];

describe('rrdata rules', () => {
  it.each(accepted)('%s %s is stored as %s', (type, input, stored) => {
    expect(canonicalRrdatas(type, [input])).toEqual([stored]);
  });

  it.each(refused)('%s %s is refused', (type, input, why) => {
    expect(() => canonicalRrdatas(type, [input])).toThrow(why);
    expect(() => canonicalRrdatas(type, [input])).toThrow(RrdataError);
  });

  it('reports the index of the first bad value', () => {
    expect(() => canonicalRrdatas('A', ['192.0.2.1', '192.0.2.2', 'nope'])).toThrow(expect.objectContaining({ index: 2 }));
  });

  it('checks owner names: absolute, labels of 1-63 characters, wildcard only leftmost', () => {
    expect(isAbsoluteDomainName('www.example.test.')).toBe(true);
    expect(isAbsoluteDomainName('_dmarc.example.test.')).toBe(true);
    expect(isAbsoluteDomainName('*.example.test.', { wildcard: true })).toBe(true);
    expect(isAbsoluteDomainName('*.example.test.')).toBe(false);
    expect(isAbsoluteDomainName('a.*.example.test.', { wildcard: true })).toBe(false);
    expect(isAbsoluteDomainName('www.example.test')).toBe(false);
    expect(isAbsoluteDomainName(`${'a'.repeat(64)}.test.`)).toBe(false);
    expect(isAbsoluteDomainName('a..test.')).toBe(false);
    expect(isAbsoluteDomainName(`${'abcdefghi.'.repeat(26)}`)).toBe(false);
    expect(isAbsoluteDomainName('.')).toBe(false);
  });
});
