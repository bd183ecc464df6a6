/** Record data rules of the Cloud DNS emulator, as a table: what is accepted, in which canonical form, and what is refused. */
import { describe, expect, it } from 'vitest';
import { canonicalRrdatas, isAbsoluteDomainName, RrdataError } from '../../src/emulators/cloud-dns/rrdata.js';
import type { EmuRecordType } from '../../src/emulators/core/zone-store.js';

const accepted: [EmuRecordType, string, string][] = [
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
];

const refused: [EmuRecordType, string, RegExp][] = [
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
