import { describe, expect, it } from 'vitest';
import { lookup } from '../../src/emulators/dns/lookup.js';
import { toWireRecord } from '../../src/emulators/dns/rdata.js';
import { tokenize, PresentationError } from '../../src/emulators/dns/presentation.js';
import { populatedStore } from './dns-fixture.js';

const { store } = populatedStore();
const SOA_NEGATIVE_TTL = 900; // min(SOA TTL 900, SOA minimum 86400)

describe('authoritative lookup', () => {
  it('answers an existing set with its TTL and all values', () => {
    const r = lookup(store, 'www.example.test.', 'A');
    expect(r).toMatchObject({ rcode: 'NOERROR', authoritative: true, authorities: [] });
    expect(r.answers).toEqual([
      { name: 'www.example.test.', type: 'A', ttl: 60, value: '192.0.2.10' },
      { name: 'www.example.test.', type: 'A', ttl: 60, value: '192.0.2.11' },
    ]);
  });

  it('is case-insensitive and accepts names without the trailing dot', () => {
    expect(lookup(store, 'WWW.Example.TEST', 'a').answers.map((a) => a.value)).toEqual(['192.0.2.10', '192.0.2.11']);
  });

  it('NXDOMAIN for a name that does not exist, with the SOA at the negative TTL', () => {
    const r = lookup(store, 'nope.example.test.', 'A');
    expect(r.rcode).toBe('NXDOMAIN');
    expect(r.answers).toEqual([]);
    expect(r.authorities).toHaveLength(1);
    expect(r.authorities[0]).toMatchObject({ name: 'example.test.', type: 'SOA', ttl: SOA_NEGATIVE_TTL });
    expect(r.authorities[0]!.value).toMatch(/^ns1\.example\.test\. hostmaster\.example\.test\. \d+ 7200 900 1209600 86400$/);
  });

  it('NODATA for an existing name without that type, and for empty non-terminals', () => {
    for (const [name, type] of [
      ['www.example.test.', 'MX'],
      ['deep.example.test.', 'A'],
      ['b.deep.example.test.', 'TXT'],
    ] as const) {
      const r = lookup(store, name, type);
      expect(r.rcode, `${name} ${type}`).toBe('NOERROR');
      expect(r.answers).toEqual([]);
      expect(r.authorities.map((a) => [a.type, a.ttl])).toEqual([['SOA', SOA_NEGATIVE_TTL]]);
    }
  });

  it('answers SOA and NS at the apex, but not below it', () => {
    expect(lookup(store, 'example.test.', 'NS').answers.map((a) => a.value)).toEqual(['ns1.example.test.', 'ns2.example.test.']);
    expect(lookup(store, 'example.test.', 'SOA').answers).toHaveLength(1);
    expect(lookup(store, 'www.example.test.', 'SOA')).toMatchObject({ rcode: 'NOERROR', answers: [] });
  });

  it('chases CNAMEs inside the zone: the CNAME first, then the target records', () => {
    const r = lookup(store, 'hop.example.test.', 'A');
    expect(r.rcode).toBe('NOERROR');
    expect(r.answers.map((a) => `${a.name} ${a.type} ${a.value}`)).toEqual([
      'hop.example.test. CNAME alias.example.test.',
      'alias.example.test. CNAME www.example.test.',
      'www.example.test. A 192.0.2.10',
      'www.example.test. A 192.0.2.11',
    ]);
  });

  it('returns the CNAME itself for a CNAME query, and stops at targets outside the zone', () => {
    expect(lookup(store, 'alias.example.test.', 'CNAME').answers.map((a) => a.value)).toEqual(['www.example.test.']);
    const ext = lookup(store, 'ext.example.test.', 'A');
    expect(ext).toMatchObject({ rcode: 'NOERROR', authorities: [] });
    expect(ext.answers.map((a) => a.value)).toEqual(['target.elsewhere.test.']);
  });

  it('a CNAME to a missing in-zone name is NXDOMAIN with the CNAME in the answer (RFC 6604)', () => {
    const r = lookup(store, 'dangling.example.test.', 'A');
    expect(r.rcode).toBe('NXDOMAIN');
    expect(r.answers.map((a) => a.type)).toEqual(['CNAME']);
    expect(r.authorities.map((a) => a.type)).toEqual(['SOA']);
  });

  it('stops a CNAME loop', () => {
    const r = lookup(store, 'loop1.example.test.', 'A');
    expect(r.answers.map((a) => a.name)).toEqual(['loop1.example.test.', 'loop2.example.test.']);
  });

  it('synthesises wildcard answers for names that do not exist', () => {
    expect(lookup(store, 'anything.wild.example.test.', 'A').answers).toEqual([
      { name: 'anything.wild.example.test.', type: 'A', ttl: 45, value: '192.0.2.30' },
    ]);
    // The wildcard does not apply below an existing name's sibling tree, nor to other types.
    expect(lookup(store, 'anything.wild.example.test.', 'TXT')).toMatchObject({ rcode: 'NOERROR', answers: [] });
    expect(lookup(store, 'x.www.example.test.', 'A').rcode).toBe('NXDOMAIN');
  });

  it('ANY returns every set at the name', () => {
    expect(
      lookup(store, 'www.example.test.', 'ANY')
        .answers.map((a) => a.type)
        .sort(),
    ).toEqual(['A', 'A', 'AAAA']);
  });

  it('refers queries below a delegation, non-authoritatively, with glue', () => {
    const r = lookup(store, 'host.sub.example.test.', 'A');
    expect(r).toMatchObject({ rcode: 'NOERROR', authoritative: false, answers: [] });
    expect(r.authorities).toEqual([{ name: 'sub.example.test.', type: 'NS', ttl: 3600, value: 'ns.sub.example.test.' }]);
    expect(r.additionals).toEqual([{ name: 'ns.sub.example.test.', type: 'A', ttl: 3600, value: '192.0.2.53' }]);
  });

  it('REFUSED for names outside every zone', () => {
    expect(lookup(store, 'example.org.', 'A')).toMatchObject({ rcode: 'REFUSED', authoritative: false });
    expect(lookup(store, 'notexample.test.', 'A').rcode).toBe('REFUSED');
  });

  it('sees a write at once', () => {
    const { store: s, zoneId } = populatedStore();
    expect(lookup(s, 'new.example.test.', 'A').rcode).toBe('NXDOMAIN');
    s.transact(zoneId, (d) => d.put({ name: 'new.example.test', type: 'A', ttl: 5, values: ['198.51.100.1'] }));
    expect(lookup(s, 'new.example.test.', 'A').answers.map((a) => a.value)).toEqual(['198.51.100.1']);
  });
});

describe('presentation form to wire data', () => {
  const rr = (type: Parameters<typeof toWireRecord>[0]['type'], value: string) =>
    toWireRecord({ name: 'x.example.test.', type, ttl: 1, value });

  it('reads TXT quoted strings with escapes, several per value, and splits long ones at 255 bytes', () => {
    expect(rr('TXT', '"a b" "c\\"d" e\\032f "\\\\"')).toMatchObject({
      data: [Buffer.from('a b'), Buffer.from('c"d'), Buffer.from('e f'), Buffer.from('\\')],
    });
    const long = rr('TXT', `"${'y'.repeat(300)}"`) as { data: Buffer[] };
    expect(long.data.map((b) => b.length)).toEqual([255, 45]);
    expect(rr('TXT', '""')).toMatchObject({ data: [Buffer.alloc(0)] });
  });

  it('reads MX, SRV, CAA, SOA and names', () => {
    expect(rr('MX', '10 mail.x.')).toMatchObject({ type: 'MX', data: { preference: 10, exchange: 'mail.x' } });
    expect(rr('SRV', '1 2 443 t.x.')).toMatchObject({ type: 'SRV', data: { priority: 1, weight: 2, port: 443, target: 't.x' } });
    expect(rr('CAA', '128 issue "ca.x; account=1"')).toMatchObject({
      type: 'CAA',
      data: { flags: 128, tag: 'issue', value: 'ca.x; account=1' },
    });
    expect(rr('SOA', 'ns.x. host.x. 5 1 2 3 4')).toMatchObject({
      data: { mname: 'ns.x', rname: 'host.x', serial: 5, refresh: 1, retry: 2, expire: 3, minimum: 4 },
    });
    expect(rr('CNAME', 'www.x.')).toMatchObject({ type: 'CNAME', data: 'www.x', name: 'x.example.test' });
  });

  it('rejects values that would make a malformed packet, naming the value', () => {
    expect(() => rr('A', '300.1.1.1')).toThrow(/"300\.1\.1\.1".*IPv4/);
    expect(() => rr('AAAA', '192.0.2.1')).toThrow(PresentationError);
    expect(() => rr('MX', '70000 mail.x.')).toThrow(/preference must be an integer from 0 to 65535/);
    expect(() => rr('SRV', '1 2 mail.x.')).toThrow(/priority weight port target/);
    expect(() => rr('CNAME', `${'l'.repeat(64)}.x.`)).toThrow(/63 bytes/);
    expect(() => tokenize('"open')).toThrow(/not closed/);
    expect(() => tokenize('\\999')).toThrow(/above 255/);
  });
});

describe('empty record sets (Azure allows them, never serves them)', () => {
  it('does not make a name exist', () => {
    const { store: s, zoneId } = populatedStore();
    s.transact(zoneId, (d) => d.put({ name: 'empty.example.test.', type: 'A', ttl: 60, values: [] }));
    expect(lookup(s, 'empty.example.test.', 'A').rcode).toBe('NXDOMAIN');
  });
});
