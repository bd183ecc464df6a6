/**
 * The DNS data plane with names that dns-packet cannot represent (a label that
 * contains a dot, RFC 1035 §5.1 `\.`; RFC 4343 §2.1: labels are any octets) and
 * with the record types the providers document beyond the common ten, from
 * their presentation format (RFC 1035 §5.1, RFC 3597 §5, RFC 9460 §2.1, RFC 4025 §3,
 * RFC 4034 §2.2/§5.3, RFC 4255 §3.2, RFC 6698 §2.2, RFC 3403 §4.1, RFC 7208 §3.1),
 * as dig reads them over UDP and TCP.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { promisify } from 'node:util';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/emulators/core/faults.js';
import { ZoneStore, type EmuRecordType } from '../../src/emulators/core/zone-store.js';
import { respond, startDnsServer, type RunningDnsServer } from '../../src/emulators/dns/index.js';
import { toWireRecord, type ServedType } from '../../src/emulators/dns/rdata.js';

const HOST = '127.0.0.1';
const store = new ZoneStore();
let server: RunningDnsServer;

// The API front ends decide which of these types they accept (EMU_RECORD_TYPES); the
// data plane serves whatever the store holds, so the store is written directly here.
const served = (t: ServedType) => t as EmuRecordType;

const EXTRA: Record<string, { type: ServedType; value: string }> = {
  spf: { type: 'SPF', value: '"v=spf1 ip4:192.0.2.0/24 -all"' },
  naptr: { type: 'NAPTR', value: '100 10 "U" "E2U+sip" "!^.*$!sip:info@example.test!" .' },
  ds: { type: 'DS', value: '60485 13 2 D4B7D520E7BB5F0F67674A0CCEB1E3E0614B93C4F9E99B8383F6A1E4469DA50A' },
  dnskey: {
    type: 'DNSKEY',
    value: '257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==',
  },
  https: { type: 'HTTPS', value: '1 . alpn="h2,h3" port=8443 ipv4hint=192.0.2.1 ipv6hint=2001:db8::1' },
  svcb: { type: 'SVCB', value: '16 svc.example.test. mandatory=alpn alpn=h2 key667=hello' },
  sshfp: { type: 'SSHFP', value: '4 2 123456789ABCDEF67890123456789ABCDEF67890123456789ABCDEF123456789' },
  tlsa: { type: 'TLSA', value: '3 1 1 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF' },
  ipseckey: { type: 'IPSECKEY', value: '10 1 2 192.0.2.38 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==' },
  caa: { type: 'CAA', value: '0 issuewild "ca.example.net"' },
  generic: { type: 'TLSA', value: '\\# 5 0301 01 abcd' },
};

beforeAll(async () => {
  const zone = store.createZone({ id: 'Z1', name: 'example.test', nameServers: ['ns1.example.test.'] });
  const child = store.createZone({ id: 'Z2', name: 'b.example.test', nameServers: ['ns1.example.test.'] });
  store.transact(zone.id, (d) => {
    d.put({ name: '*.example.test', type: 'TXT', ttl: 60, values: ['"wildcard"'] });
    for (const [label, r] of Object.entries(EXTRA))
      d.put({ name: `${label}.example.test`, type: served(r.type), ttl: 300, values: [r.value] });
  });
  store.transact(child.id, (d) => d.put({ name: 'a.b.example.test', type: 'A', ttl: 60, values: ['192.0.2.99'] }));
  server = await startDnsServer({
    store,
    faults: new FaultInjector({ bucket: { capacity: 10, refillPerSecond: 1 } }),
    host: HOST,
    port: 0,
  });
});
afterAll(() => server?.stop());

/** A query whose name is given as wire labels (so a label may contain a dot). */
function queryWithLabels(labels: string[], type: number, id = 0x1234): Buffer {
  const header = Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
  const name = Buffer.concat([...labels.flatMap((l) => [Buffer.from([Buffer.byteLength(l)]), Buffer.from(l)]), Buffer.from([0])]);
  return Buffer.concat([header, name, Buffer.from([type >> 8, type & 0xff, 0, 1])]);
}

function udp(message: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('no answer in 2 s'));
    }, 2000);
    socket.on('message', (msg) => {
      clearTimeout(timer);
      socket.close();
      resolve(msg);
    });
    socket.send(message, server.port, HOST);
  });
}

describe('a label that contains a dot (a\\.b.example.test)', () => {
  const labels = ['A.b', 'example', 'Test'];
  const question = (q: Buffer) => q.subarray(12);

  it('echoes the question byte for byte and is not taken for a.b.example.test (another zone, another name)', async () => {
    const q = queryWithLabels(labels, 1);
    const r = await udp(q);
    expect(r.readUInt16BE(4)).toBe(1); // QDCOUNT
    expect(r.subarray(12, 12 + question(q).length).equals(question(q))).toBe(true);
    const decoded = dnsPacket.decode(r);
    // Not the A record of a.b.example.test (zone b.example.test): the name exists only through the wildcard, which has no A.
    expect(decoded.answers).toEqual([]);
    expect(r.readUInt16BE(2) & 0xf).toBe(0); // NOERROR: the name exists (through the wildcard)
    expect(decoded.authorities?.[0]).toMatchObject({ type: 'SOA', name: 'example.test' });
    // The name with four labels does have its record: the two are not confused the other way either.
    const plain = dnsPacket.decode(await udp(queryWithLabels(['a', 'b', 'example', 'test'], 1)));
    expect(plain.answers?.[0]).toMatchObject({ type: 'A', data: '192.0.2.99' });
  });

  it('is one label below example.test: the wildcard answers, owned by exactly the asked name', async () => {
    const q = queryWithLabels(labels, 16);
    const r = await udp(q);
    const end = 12 + question(q).length;
    expect(r.subarray(12, end).equals(question(q))).toBe(true);
    expect(r.readUInt16BE(6)).toBe(1); // ANCOUNT
    const nameWire = question(q).subarray(0, -4);
    expect(r.subarray(end, end + nameWire.length).equals(nameWire)).toBe(true); // the answer's owner
    expect(dnsPacket.decode(r).answers?.[0] as unknown).toMatchObject({ type: 'TXT', data: [Buffer.from('wildcard')] });
  });

  it('answers the same over the pure responder for TCP', () => {
    const q = queryWithLabels(labels, 16);
    const out = respond(store, q, 'tcp')!;
    expect(out.message.subarray(12, 12 + question(q).length).equals(question(q))).toBe(true);
    expect(out.summary.qname).toBe('a\\.b.example.test.');
  });
});

describe('record types beyond the common ten', () => {
  it('encodes each documented type from its presentation form into RDATA that decodes back to the same fields', () => {
    const decode = (type: ServedType, value: string) => {
      const message = dnsPacket.encode({ type: 'response', answers: [toWireRecord({ name: 'x.example.test.', type, ttl: 1, value })] });
      return dnsPacket.decode(message).answers![0] as { data: unknown };
    };
    const spf = 'v=spf1 ip4:192.0.2.0/24 -all';
    expect(decode('SPF', EXTRA.spf!.value).data).toEqual(Buffer.concat([Buffer.from([spf.length]), Buffer.from(spf)])); // TXT's wire form
    expect(decode('NAPTR', EXTRA.naptr!.value).data).toMatchObject({
      order: 100,
      preference: 10,
      flags: 'U',
      services: 'E2U+sip',
      replacement: '.',
    });
    expect(decode('DS', EXTRA.ds!.value).data).toMatchObject({ keyTag: 60485, algorithm: 13, digestType: 2 });
    expect(decode('DNSKEY', EXTRA.dnskey!.value).data).toMatchObject({ flags: 257, algorithm: 13 });
    expect(decode('SSHFP', EXTRA.sshfp!.value).data).toMatchObject({ algorithm: 4, hash: 2 });
    expect(decode('TLSA', EXTRA.tlsa!.value).data).toMatchObject({ usage: 3, selector: 1, matchingType: 1 });
    expect(decode('TLSA', EXTRA.generic!.value).data).toMatchObject({
      usage: 3,
      selector: 1,
      matchingType: 1,
      certificate: Buffer.from('abcd', 'hex'),
    });
    // RFC 9460 §2.2 wire form, checked byte by byte: priority, target '.', then keys 1 (alpn), 3 (port), 4, 6 in order.
    const https = decode('HTTPS', EXTRA.https!.value).data as Buffer;
    expect(https.toString('hex')).toBe(
      [
        '0001',
        '00',
        '0001',
        '0006',
        '026832',
        '026833',
        '0003',
        '0002',
        '20fb',
        '0004',
        '0004',
        'c0000201',
        '0006',
        '0010',
        '20010db8000000000000000000000001',
      ].join(''),
    );
    // RFC 4025 §3: precedence 10, gateway type 1, algorithm 2, 192.0.2.38, then the key.
    const ipseckey = decode('IPSECKEY', EXTRA.ipseckey!.value).data as Buffer;
    expect(ipseckey.subarray(0, 7).toString('hex')).toBe('0a0102c0000226');
  });

  it("refuses values that are not their type's presentation form (a SERVFAIL for that query, never a malformed packet)", () => {
    const bad: [ServedType, string][] = [
      ['HTTPS', '1 . alpn'],
      ['HTTPS', '1 . port=99999'],
      ['SVCB', '1 . mandatory=port'],
      ['DNSKEY', '257 4 13 AAAA'],
      ['SSHFP', '4 2 1234'],
      ['DS', '1 2 3 XYZ'],
      ['IPSECKEY', '10 1 2 not-an-ip'],
      ['TLSA', '\\# 3 abcd'],
    ];
    for (const [type, value] of bad)
      expect(() => toWireRecord({ name: 'x.example.test.', type, ttl: 1, value }), value).toThrow(/cannot read/);
  });

  function digPath(): string {
    return execFileSync('which', ['dig'], { encoding: 'utf8' }).trim();
  }

  it('serves them over UDP and TCP as dig reads them', async () => {
    const dig = async (...args: string[]) =>
      (
        await promisify(execFile)(digPath(), [`@${HOST}`, '-p', String(server.port), '+time=2', '+tries=1', '+short', ...args], {
          encoding: 'utf8',
        })
      ).stdout
        .split('\n')
        .filter((l) => l && !l.startsWith(';'))
        .join('\n');
    const expected: [string, string, RegExp][] = [
      ['spf.example.test', 'SPF', /^"v=spf1 ip4:192.0.2.0\/24 -all"$/],
      ['naptr.example.test', 'NAPTR', /^100 10 "U" "E2U\+sip" "!\^\.\*\$!sip:info@example\.test!" \.$/],
      ['ds.example.test', 'DS', /^60485 13 2 D4B7D520E7BB5F0F67674A0CCEB1E3E0614B93C4F9E99B8383F6A1E4 469DA50A$/],
      [
        'dnskey.example.test',
        'DNSKEY',
        /^257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl\+GqJxpVXckHAeF\+ KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==$/,
      ],
      ['https.example.test', 'HTTPS', /^1 \. alpn="h2,h3" port=8443 ipv4hint=192\.0\.2\.1 ipv6hint=2001:db8::1$/],
      ['svcb.example.test', 'SVCB', /^16 svc\.example\.test\. mandatory=alpn alpn="h2" key667="hello"$/],
      ['sshfp.example.test', 'SSHFP', /^4 2 123456789ABCDEF67890123456789ABCDEF67890123456789ABCDEF1 23456789$/],
      ['tlsa.example.test', 'TLSA', /^3 1 1 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF01234567 89ABCDEF$/],
      ['ipseckey.example.test', 'IPSECKEY', /^10 1 2 192\.0\.2\.38 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==$/],
      ['caa.example.test', 'CAA', /^0 issuewild "ca\.example\.net"$/],
    ];
    for (const [name, type, re] of expected) {
      expect(await dig(name, type), `${type} over UDP`).toMatch(re);
      expect(await dig('+tcp', name, type), `${type} over TCP`).toMatch(re);
    }
  });
});
