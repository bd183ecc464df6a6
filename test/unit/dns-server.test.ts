import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { connect } from 'node:net';
import dnsPacket from 'dns-packet';
import type { DecodedPacket, Packet, TxtAnswer } from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/emulators/core/faults.js';
import { startDnsServer, type RunningDnsServer } from '../../src/emulators/dns/index.js';
import { BIG_TXT_VALUES, populatedStore } from './dns-fixture.js';

const HOST = '127.0.0.1';
const { store, zoneId } = populatedStore();
const faults = new FaultInjector({ bucket: { capacity: 10, refillPerSecond: 1 } });
let server: RunningDnsServer;

function resolver(timeout = 1000): Resolver {
  const r = new Resolver({ timeout, tries: 1 });
  r.setServers([`${HOST}:${server.port}`]);
  return r;
}

function rawUdp(message: Buffer, waitMs = 1000): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve(undefined);
    }, waitMs);
    socket.on('message', (msg) => {
      clearTimeout(timer);
      socket.close();
      resolve(msg);
    });
    socket.send(message, server.port, HOST);
  });
}

function rawTcp(frames: Buffer[], expected: number, waitMs = 1000): Promise<DecodedPacket[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, HOST);
    let buf = Buffer.alloc(0);
    const out: DecodedPacket[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(out);
    }, waitMs);
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const len = buf.readUInt16BE(0);
        out.push(dnsPacket.decode(buf.subarray(2, 2 + len)));
        buf = buf.subarray(2 + len);
      }
      if (out.length >= expected) {
        clearTimeout(timer);
        socket.destroy();
        resolve(out);
      }
    });
    socket.on('connect', () => socket.write(Buffer.concat(frames)));
  });
}

const query = (
  name: string,
  type: Packet['questions'] extends (infer Q)[] | undefined ? (Q extends { type: infer T } ? T : never) : never,
  extra: Partial<Packet> = {},
): Packet => ({
  type: 'query',
  id: 4242,
  flags: dnsPacket.RECURSION_DESIRED,
  questions: [{ name, type, class: 'IN' }],
  ...extra,
});

async function udp(packet: Packet): Promise<DecodedPacket> {
  const msg = await rawUdp(dnsPacket.encode(packet));
  if (!msg) throw new Error('no UDP answer');
  return dnsPacket.decode(msg);
}

async function tcp(packet: Packet): Promise<DecodedPacket> {
  const [answer] = await rawTcp([dnsPacket.streamEncode(packet)], 1);
  if (!answer) throw new Error('no TCP answer');
  return answer;
}

beforeAll(async () => {
  server = await startDnsServer({ store, faults, host: HOST, port: 0 });
});
afterAll(async () => {
  await server.stop();
});

describe('DNS data plane through node:dns', () => {
  it('answers A and AAAA with the stored TTLs', async () => {
    const r = resolver();
    expect(await r.resolve4('www.example.test', { ttl: true })).toEqual([
      { address: '192.0.2.10', ttl: 60 },
      { address: '192.0.2.11', ttl: 60 },
    ]);
    expect(await r.resolve6('www.example.test', { ttl: true })).toEqual([{ address: '2001:db8::10', ttl: 120 }]);
  });

  it('answers TXT, CNAME, NS, SOA, MX, SRV, CAA and PTR', async () => {
    const r = resolver();
    expect(await r.resolveTxt('txt.example.test')).toEqual([['v=spf1 -all'], ['part one', 'part "two"']]);
    expect(await r.resolveCname('alias.example.test')).toEqual(['www.example.test']);
    expect((await r.resolveNs('example.test')).sort()).toEqual(['ns1.example.test', 'ns2.example.test']);
    const soa = await r.resolveSoa('example.test');
    expect(soa).toMatchObject({
      nsname: 'ns1.example.test',
      hostmaster: 'hostmaster.example.test',
      refresh: 7200,
      retry: 900,
      expire: 1209600,
      minttl: 86400,
    });
    expect(soa.serial).toBe(store.getZone(zoneId)!.serial);
    expect(await r.resolveMx('mail.example.test')).toEqual([
      { priority: 10, exchange: 'mx1.example.test' },
      { priority: 20, exchange: 'mx2.example.test' },
    ]);
    expect(await r.resolveSrv('_sip._tcp.example.test')).toEqual([{ priority: 10, weight: 60, port: 5060, name: 'sip.example.test' }]);
    expect(await r.resolveCaa('example.test')).toEqual([{ critical: 0, issue: 'ca.example.net' }]);
    expect(await r.resolvePtr('4.2.0.192.example.test')).toEqual(['www.example.test']);
  });

  it('follows a CNAME chain to the addresses', async () => {
    expect(await resolver().resolve4('hop.example.test')).toEqual(['192.0.2.10', '192.0.2.11']);
  });

  it('NXDOMAIN is ENOTFOUND, NODATA is ENODATA, outside the zones is EREFUSED, an unencodable value is ESERVFAIL', async () => {
    const r = resolver();
    await expect(r.resolve4('nope.example.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(r.resolveMx('www.example.test')).rejects.toMatchObject({ code: 'ENODATA' });
    await expect(r.resolve4('deep.example.test')).rejects.toMatchObject({ code: 'ENODATA' });
    await expect(r.resolve4('www.example.org')).rejects.toMatchObject({ code: 'EREFUSED' });
    await expect(r.resolve4('broken.example.test')).rejects.toMatchObject({ code: 'ESERVFAIL' });
  });

  it('retries a truncated answer over TCP and gets all of it', async () => {
    const txt = await resolver().resolveTxt('big.example.test');
    expect(txt.map((t) => t.join('')).sort()).toEqual(BIG_TXT_VALUES.map((v) => v.slice(1, -1)));
  });

  it('shows a store write in the very next query', async () => {
    const r = resolver();
    await expect(r.resolve4('fresh.example.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    store.transact(zoneId, (d) => d.put({ name: 'fresh.example.test', type: 'A', ttl: 5, values: ['198.51.100.7'] }));
    expect(await r.resolve4('fresh.example.test')).toEqual(['198.51.100.7']);
    expect((await tcp(query('fresh.example.test', 'A'))).answers).toMatchObject([{ data: '198.51.100.7', ttl: 5 }]);
    store.transact(zoneId, (d) => d.delete('fresh.example.test', 'A'));
    await expect(r.resolve4('fresh.example.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });
});

describe('DNS data plane on the wire', () => {
  it('sets AA, keeps the id, RD and the question as asked (case preserved), and no RA', async () => {
    const res = await udp(query('WwW.Example.Test', 'A'));
    expect(res).toMatchObject({
      id: 4242,
      type: 'response',
      flag_aa: true,
      flag_rd: true,
      flag_ra: false,
      flag_tc: false,
      rcode: 'NOERROR',
    });
    expect(res.questions).toEqual([{ name: 'WwW.Example.Test', type: 'A', class: 'IN' }]);
    expect(res.answers?.map((a) => a.name)).toEqual(['WwW.Example.Test', 'WwW.Example.Test']);
  });

  it('NXDOMAIN and NODATA carry the zone SOA in authority with TTL min(SOA TTL, minimum), over UDP and TCP', async () => {
    for (const send of [udp, tcp]) {
      const nx = await send(query('nope.example.test', 'A'));
      expect(nx).toMatchObject({ rcode: 'NXDOMAIN', flag_aa: true, answers: [] });
      expect(nx.authorities).toMatchObject([
        { name: 'example.test', type: 'SOA', ttl: 900, data: { mname: 'ns1.example.test', minimum: 86400 } },
      ]);
      const nodata = await send(query('www.example.test', 'TXT'));
      expect(nodata).toMatchObject({ rcode: 'NOERROR', flag_aa: true, answers: [] });
      expect(nodata.authorities).toMatchObject([{ type: 'SOA', ttl: 900 }]);
    }
  });

  it('REFUSED outside the zones, NOTIMP for other opcodes, FORMERR for several questions', async () => {
    expect(await udp(query('example.org', 'A'))).toMatchObject({ rcode: 'REFUSED', flag_aa: false, answers: [] });
    const update = dnsPacket.encode(query('example.test', 'SOA'));
    update.writeUInt16BE(update.readUInt16BE(2) | (5 << 11), 2); // opcode UPDATE
    expect(dnsPacket.decode((await rawUdp(update))!)).toMatchObject({ rcode: 'NOTIMP', opcode: 'UPDATE', id: 4242 });
    const two = query('www.example.test', 'A', {
      questions: [
        { name: 'www.example.test', type: 'A' },
        { name: 'txt.example.test', type: 'TXT' },
      ],
    });
    expect(await udp(two)).toMatchObject({ rcode: 'FORMERR', questions: [] });
  });

  it('sets TC on a UDP answer over 512 bytes without EDNS, and over our EDNS size with it; TCP has it all', async () => {
    const plain = await udp(query('big.example.test', 'TXT'));
    expect(plain).toMatchObject({ flag_tc: true, flag_aa: true, answers: [] });
    const edns = await udp(
      query('big.example.test', 'TXT', {
        additionals: [
          { type: 'OPT', name: '.', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] },
        ],
      }),
    );
    expect(edns.flag_tc).toBe(true);
    const full = await tcp(query('big.example.test', 'TXT'));
    expect(full.flag_tc).toBe(false);
    expect(full.answers).toHaveLength(BIG_TXT_VALUES.length);
    expect((full.answers as TxtAnswer[]).every((a) => a.ttl === 60)).toBe(true);
  });

  it('an answer between 512 bytes and the EDNS size fits when the client offers EDNS, and the OPT is echoed', async () => {
    store.transact(zoneId, (d) =>
      d.put({ name: 'mid.example.test', type: 'TXT', ttl: 60, values: Array.from({ length: 8 }, (_, i) => `"${i}${'m'.repeat(70)}"`) }),
    );
    expect((await udp(query('mid.example.test', 'TXT'))).flag_tc).toBe(true);
    const res = await udp(
      query('mid.example.test', 'TXT', {
        additionals: [
          { type: 'OPT', name: '.', udpPayloadSize: 1400, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] },
        ],
      }),
    );
    expect(res.flag_tc).toBe(false);
    expect(res.answers).toHaveLength(8);
    expect(res.additionals).toMatchObject([{ type: 'OPT', name: '.', udpPayloadSize: 1232, ednsVersion: 0 }]);
  });

  it('answers BADVERS to an unknown EDNS version', async () => {
    const res = await udp(
      query('www.example.test', 'A', {
        additionals: [
          { type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 1, flags: 0, flag_do: false, options: [] },
        ],
      }),
    );
    expect(res.answers).toEqual([]);
    expect(res.additionals).toMatchObject([{ type: 'OPT', extendedRcode: 1 }]);
  });

  it('answers several pipelined queries on one TCP connection, in order', async () => {
    const frames = ['www.example.test', 'nope.example.test', 'txt.example.test'].map((name, i) =>
      dnsPacket.streamEncode({ ...query(name, 'A'), id: i + 1 }),
    );
    const answers = await rawTcp(frames, 3);
    expect(answers.map((a) => [a.id, (a as { rcode?: string }).rcode])).toEqual([
      [1, 'NOERROR'],
      [2, 'NXDOMAIN'],
      [3, 'NOERROR'],
    ]);
  });

  it('survives malformed packets: FORMERR when a header is readable, silence otherwise', async () => {
    expect(await rawUdp(Buffer.from([1, 2, 3]), 300)).toBeUndefined();
    const garbage = Buffer.concat([Buffer.from([0xbe, 0xef, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0]), Buffer.from([0x3f, 0xff, 0xc0])]);
    expect(dnsPacket.decode((await rawUdp(garbage))!)).toMatchObject({ id: 0xbeef, rcode: 'FORMERR' });
    const pointerLoop = Buffer.from([0, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]);
    expect(dnsPacket.decode((await rawUdp(pointerLoop))!)).toMatchObject({ id: 7, rcode: 'FORMERR' });
    const response = dnsPacket.encode({ ...query('www.example.test', 'A'), type: 'response' });
    expect(await rawUdp(response, 300)).toBeUndefined();
    const [tcpGarbage] = await rawTcp([Buffer.from([0, 14, 0, 9, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xff, 0xff])], 1);
    expect(tcpGarbage).toMatchObject({ id: 9, rcode: 'FORMERR' });
    // Still answering afterwards.
    expect(await resolver().resolve4('www.example.test')).toEqual(['192.0.2.10', '192.0.2.11']);
  });

  it('with dnsDown, queries time out on UDP and TCP; after heal they are answered', async () => {
    faults.set({ dnsDown: true });
    await expect(resolver(300).resolve4('www.example.test')).rejects.toMatchObject({ code: 'ETIMEOUT' });
    expect(await rawUdp(dnsPacket.encode(query('www.example.test', 'A')), 300)).toBeUndefined();
    expect(await rawTcp([dnsPacket.streamEncode(query('www.example.test', 'A'))], 1, 300)).toEqual([]);
    faults.heal();
    expect(await resolver().resolve4('www.example.test')).toEqual(['192.0.2.10', '192.0.2.11']);
    expect(await tcp(query('www.example.test', 'A'))).toMatchObject({ rcode: 'NOERROR' });
  });
});

function digPath(): string | undefined {
  try {
    return execFileSync('which', ['dig'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

describe('the same answers as dig sees them', () => {
  const dig = digPath();
  // Asynchronous: the server answering dig runs in this very process.
  const run = async (...args: string[]) =>
    (await promisify(execFile)(dig!, [`@${HOST}`, '-p', String(server.port), '+time=2', '+tries=1', ...args], { encoding: 'utf8' })).stdout;
  // dig prints notes such as ';; Truncated, retrying in TCP mode.' even with +short.
  const short = async (...args: string[]) =>
    (await run('+short', ...args))
      .split('\n')
      .filter((l) => l && !l.startsWith(';'))
      .sort();

  it('dig +short over UDP and dig +tcp (or node:dns over both when dig is absent)', async () => {
    if (dig) {
      expect(await short('www.example.test', 'A')).toEqual(['192.0.2.10', '192.0.2.11']);
      expect(await short('+tcp', 'txt.example.test', 'TXT')).toEqual(['"part one" "part \\"two\\""', '"v=spf1 -all"']);
      const full = await run('+norec', 'nope.example.test', 'A');
      expect(full).toMatch(/status: NXDOMAIN/);
      expect(full).toMatch(/flags: qr aa;/);
      expect(await short('big.example.test', 'TXT')).toEqual(BIG_TXT_VALUES);
    } else {
      console.log('dig is not installed: asserting the same answers through node:dns (UDP) and raw TCP instead');
      expect((await resolver().resolve4('www.example.test')).sort()).toEqual(['192.0.2.10', '192.0.2.11']);
      const viaTcp = await tcp(query('txt.example.test', 'TXT'));
      expect((viaTcp.answers as TxtAnswer[]).map((a) => (a.data as Buffer[]).map(String))).toEqual([
        ['v=spf1 -all'],
        ['part one', 'part "two"'],
      ]);
      expect(await udp(query('nope.example.test', 'A'))).toMatchObject({ rcode: 'NXDOMAIN', flag_aa: true, flag_qr: true });
      expect(await resolver().resolveTxt('big.example.test')).toHaveLength(BIG_TXT_VALUES.length);
    }
  });
});

describe('lifecycle', () => {
  it('stop closes UDP, TCP and open connections, and is idempotent', async () => {
    const s = await startDnsServer({ store, faults, host: HOST, port: 0 });
    const open = connect(s.port, HOST);
    await new Promise((r) => open.once('connect', r));
    const closed = new Promise((r) => open.once('close', r));
    await Promise.all([s.stop(), s.stop()]);
    await closed;
    // The same port can be bound again on both transports.
    const again = await startDnsServer({ store, faults, host: HOST, port: s.port });
    expect(again.port).toBe(s.port);
    await again.stop();
  });

  it('reports a port in use with EADDRINUSE', async () => {
    await expect(startDnsServer({ store, faults, host: HOST, port: server.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
