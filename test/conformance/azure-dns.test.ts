/**
 * The Azure DNS emulator against the official, unmodified @azure/arm-dns client:
 * only the endpoint, the credential and the trusted certificate differ from a
 * real deployment.
 */
import { DnsManagementClient } from '@azure/arm-dns';
import type { RecordSet } from '@azure/arm-dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/emulators/core/faults.js';
import { ZoneStore, recordKey } from '../../src/emulators/core/zone-store.js';
import { seedAzureZone, startAzureDnsApi } from '../../src/emulators/azure-dns/index.js';
import type { RunningAzureDnsApi } from '../../src/emulators/azure-dns/index.js';

const SUB = '11111111-2222-3333-4444-555555555555';
const RG = 'failover-local';
const ZONE = 'example.test';
const TOKEN = 'conformance-token';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let store: ZoneStore;
let faults: FaultInjector;
let api: RunningAzureDnsApi;
let client: DnsManagementClient;
let zoneId: string;

function makeClient(token = TOKEN): DnsManagementClient {
  return new DnsManagementClient({ getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) }, SUB, {
    endpoint: api.endpoint,
    tlsOptions: { ca: api.caCertPem },
    retryOptions: { maxRetries: 0, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
  });
}

function stored(name: string, type: string) {
  return store.getZone(zoneId)?.records.get(recordKey(name, type));
}

/** Status code and ETag header of the final response of one SDK call. */
function capture() {
  const seen: { status?: number; etag?: string } = {};
  return {
    seen,
    onResponse: (raw: { status: number; headers: { get(name: string): string | undefined } }) => {
      seen.status = raw.status;
      seen.etag = raw.headers.get('etag');
    },
  };
}

beforeAll(async () => {
  store = new ZoneStore();
  faults = new FaultInjector({ bucket: { capacity: 200, refillPerSecond: 10 } });
  api = await startAzureDnsApi({ host: '127.0.0.1', port: 0, store, faults, acceptToken: (t) => t === TOKEN });
  zoneId = seedAzureZone(store, ZONE, { subscriptionId: SUB, resourceGroup: RG }).zoneId;
  client = makeClient();
});

afterAll(async () => {
  await api.stop();
});

describe('zones', () => {
  it('creates, reads, updates, lists and deletes a zone', async () => {
    const created = capture();
    const zone = await client.zones.createOrUpdate(RG, 'life.test', { location: 'global' }, { onResponse: created.onResponse });
    expect(created.seen.status).toBe(201);
    expect(zone).toMatchObject({
      id: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/dnszones/life.test`,
      name: 'life.test',
      type: 'Microsoft.Network/dnszones',
      location: 'global',
      zoneType: 'Public',
      numberOfRecordSets: 2,
      maxNumberOfRecordSets: 10000,
      nameServers: ['ns1-01.azure-dns-emu.test.', 'ns2-01.azure-dns-emu.test.', 'ns3-01.azure-dns-emu.test.', 'ns4-01.azure-dns-emu.test.'],
    });
    expect(zone.etag).toMatch(UUID);

    const got = await client.zones.get(RG, 'life.test');
    expect(got.etag).toBe(zone.etag);

    await expect(client.zones.createOrUpdate(RG, 'life.test', { location: 'global' }, { ifNoneMatch: '*' })).rejects.toMatchObject({
      statusCode: 412,
      code: 'PreconditionFailed',
    });
    const tagged = await client.zones.createOrUpdate(
      RG,
      'life.test',
      { location: 'global', tags: { team: 'sre' } },
      { ifMatch: zone.etag },
    );
    expect(tagged.tags).toEqual({ team: 'sre' });
    expect(tagged.etag).not.toBe(zone.etag);
    await expect(client.zones.createOrUpdate(RG, 'life.test', { location: 'global' }, { ifMatch: zone.etag })).rejects.toMatchObject({
      statusCode: 412,
    });
    const patched = await client.zones.update(RG, 'life.test', { tags: { team: 'sre', tier: 'edge' } }, { ifMatch: tagged.etag });
    expect(patched.tags).toEqual({ team: 'sre', tier: 'edge' });
    expect(patched.etag).not.toBe(tagged.etag);
    await expect(client.zones.update(RG, 'life.test', { tags: {} }, { ifMatch: tagged.etag })).rejects.toMatchObject({ statusCode: 412 });

    const ns = await client.recordSets.get(RG, 'life.test', '@', 'NS');
    expect(ns.ttl).toBe(172800);
    expect(ns.nsRecords?.map((r) => r.nsdname)).toHaveLength(4);
    const soa = await client.recordSets.get(RG, 'life.test', '@', 'SOA');
    expect(soa.ttl).toBe(3600);
    expect(soa.soaRecord).toMatchObject({
      // Azure shows its own SOA host with the trailing dot ("host": "ns1-04.azure-dns.com." in the
      // Azure DNS quickstart's `az network dns record-set list` output).
      host: 'ns1-01.azure-dns-emu.test.',
      refreshTime: 3600,
      retryTime: 300,
      expireTime: 2419200,
      minimumTtl: 300,
    });

    const all: string[] = [];
    for await (const z of client.zones.list()) all.push(z.name ?? '');
    expect(all).toEqual(expect.arrayContaining(['example.test', 'life.test']));
    const inRg: string[] = [];
    for await (const z of client.zones.listByResourceGroup(RG)) inRg.push(z.name ?? '');
    expect(inRg).toContain('life.test');
    const elsewhere: string[] = [];
    for await (const z of client.zones.listByResourceGroup('some-other-rg')) elsewhere.push(z.name ?? '');
    expect(elsewhere).toEqual([]);

    await client.zones.beginDeleteAndWait(RG, 'life.test');
    await expect(client.zones.get(RG, 'life.test')).rejects.toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    await expect(client.recordSets.get(RG, 'life.test', 'www', 'A')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ParentResourceNotFound',
    });
  });

  it('pages through zones with $top and nextLink', async () => {
    const names = ['p1.test', 'p2.test', 'p3.test', 'p4.test', 'p5.test'];
    for (const n of names) await client.zones.createOrUpdate(RG, n, { location: 'global' });
    const before = faults.counters()['Zones_List']?.total ?? 0;
    const listed: string[] = [];
    for await (const z of client.zones.list({ top: 2 })) listed.push(z.name ?? '');
    expect(listed.filter((n) => names.includes(n)).sort()).toEqual(names);
    expect(new Set(listed).size).toBe(listed.length);
    expect((faults.counters()['Zones_List']?.total ?? 0) - before).toBe(Math.ceil(listed.length / 2));
    for (const n of names) await client.zones.beginDeleteAndWait(RG, n);
  });

  it('refuses a zone outside location global', async () => {
    await expect(client.zones.createOrUpdate(RG, 'west.test', { location: 'westeurope' })).rejects.toMatchObject({
      statusCode: 400,
      code: 'BadRequest',
    });
  });
});

describe('record sets', () => {
  it('creates, reads, patches, replaces and deletes an A record set', async () => {
    const c = capture();
    const created = await client.recordSets.createOrUpdate(
      RG,
      ZONE,
      'www',
      'A',
      { ttl: 60, aRecords: [{ ipv4Address: '192.0.2.1' }] },
      { onResponse: c.onResponse },
    );
    expect(c.seen.status).toBe(201);
    expect(created).toMatchObject({
      id: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/dnszones/${ZONE}/A/www`,
      name: 'www',
      type: 'Microsoft.Network/dnszones/A',
      ttl: 60,
      fqdn: 'www.example.test.',
      provisioningState: 'Succeeded',
      aRecords: [{ ipv4Address: '192.0.2.1' }],
    });
    expect(created.etag).toMatch(UUID);
    expect(c.seen.etag).toBe(`"${created.etag}"`);
    expect(stored('www.example.test.', 'A')).toMatchObject({ ttl: 60, values: ['192.0.2.1'] });

    const got = await client.recordSets.get(RG, ZONE, 'www', 'A');
    expect(got.etag).toBe(created.etag);

    const patched = await client.recordSets.update(RG, ZONE, 'www', 'A', { ttl: 120 });
    expect(patched.ttl).toBe(120);
    expect(patched.aRecords).toEqual([{ ipv4Address: '192.0.2.1' }]);

    const r = capture();
    const replaced = await client.recordSets.createOrUpdate(
      RG,
      ZONE,
      'www',
      'A',
      { ttl: 30, aRecords: [{ ipv4Address: '192.0.2.2' }, { ipv4Address: '192.0.2.3' }] },
      { onResponse: r.onResponse },
    );
    expect(r.seen.status).toBe(200);
    expect(replaced.aRecords).toEqual([{ ipv4Address: '192.0.2.2' }, { ipv4Address: '192.0.2.3' }]);
    expect(stored('www.example.test.', 'A')?.values).toEqual(['192.0.2.2', '192.0.2.3']);

    const d = capture();
    await client.recordSets.delete(RG, ZONE, 'www', 'A', { onResponse: d.onResponse });
    expect(d.seen.status).toBe(200);
    expect(stored('www.example.test.', 'A')).toBeUndefined();
    await expect(client.recordSets.get(RG, ZONE, 'www', 'A')).rejects.toMatchObject({ statusCode: 404, code: 'NotFound' });
    const again = capture();
    await client.recordSets.delete(RG, ZONE, 'www', 'A', { onResponse: again.onResponse });
    expect(again.seen.status).toBe(204);
  });

  it('stores AAAA in canonical form and CNAME targets as absolute names', async () => {
    const aaaa = await client.recordSets.createOrUpdate(RG, ZONE, 'v6', 'AAAA', {
      ttl: 60,
      aaaaRecords: [{ ipv6Address: '2001:DB8:0:0::1' }],
    });
    expect(aaaa.aaaaRecords).toEqual([{ ipv6Address: '2001:db8::1' }]);
    expect(stored('v6.example.test.', 'AAAA')?.values).toEqual(['2001:db8::1']);

    const cname = await client.recordSets.createOrUpdate(RG, ZONE, 'alias', 'CNAME', {
      ttl: 300,
      cnameRecord: { cname: 'target.example.net' },
    });
    expect(cname.cnameRecord).toEqual({ cname: 'target.example.net' });
    expect(stored('alias.example.test.', 'CNAME')?.values).toEqual(['target.example.net.']);
    const viaGet = await client.recordSets.get(RG, ZONE, 'alias', 'CNAME');
    expect(viaGet.cnameRecord?.cname).toBe('target.example.net');

    await expect(
      client.recordSets.createOrUpdate(RG, ZONE, 'alias', 'A', { ttl: 60, aRecords: [{ ipv4Address: '192.0.2.9' }] }),
    ).rejects.toMatchObject({
      statusCode: 409,
      code: 'Conflict',
    });
    await client.recordSets.createOrUpdate(RG, ZONE, 'host', 'A', { ttl: 60, aRecords: [{ ipv4Address: '192.0.2.9' }] });
    await expect(
      client.recordSets.createOrUpdate(RG, ZONE, 'host', 'CNAME', { ttl: 60, cnameRecord: { cname: 'x.example.net' } }),
    ).rejects.toMatchObject({
      statusCode: 409,
    });
    await expect(
      client.recordSets.createOrUpdate(RG, ZONE, '@', 'CNAME', { ttl: 60, cnameRecord: { cname: 'x.example.net' } }),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'BadRequest',
    });
    expect(stored('example.test.', 'CNAME')).toBeUndefined();
  });

  it('round-trips TXT with quotes, backslashes and several strings per record', async () => {
    const txtRecords = [{ value: ['v=spf1 include:"spf.example.net" -all'] }, { value: ['back\\slash', 'second string', ''] }];
    const created = await client.recordSets.createOrUpdate(RG, ZONE, '_txt', 'TXT', { ttl: 300, txtRecords });
    expect(created.txtRecords).toEqual(txtRecords);
    expect(stored('_txt.example.test.', 'TXT')?.values).toEqual([
      '"v=spf1 include:\\"spf.example.net\\" -all"',
      '"back\\\\slash" "second string" ""',
    ]);
    const got = await client.recordSets.get(RG, ZONE, '_txt', 'TXT');
    expect(got.txtRecords).toEqual(txtRecords);

    await expect(
      client.recordSets.createOrUpdate(RG, ZONE, '_long', 'TXT', { ttl: 300, txtRecords: [{ value: ['x'.repeat(256)] }] }),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'BadRequest',
      message: expect.stringContaining('properties.TXTRecords[0].value[0]'),
    });
  });

  it('round-trips MX, SRV, CAA, PTR and delegation NS record sets', async () => {
    const mx = await client.recordSets.createOrUpdate(RG, ZONE, '@', 'MX', {
      ttl: 3600,
      mxRecords: [{ preference: 10, exchange: 'mail.example.test' }],
    });
    expect(mx.mxRecords).toEqual([{ preference: 10, exchange: 'mail.example.test' }]);
    expect(stored('example.test.', 'MX')?.values).toEqual(['10 mail.example.test.']);
    const srv = await client.recordSets.createOrUpdate(RG, ZONE, '_sip._tcp', 'SRV', {
      ttl: 60,
      srvRecords: [{ priority: 1, weight: 5, port: 5060, target: 'sip.example.test' }],
    });
    expect(srv.srvRecords).toEqual([{ priority: 1, weight: 5, port: 5060, target: 'sip.example.test' }]);
    expect(stored('_sip._tcp.example.test.', 'SRV')?.values).toEqual(['1 5 5060 sip.example.test.']);
    const caa = await client.recordSets.createOrUpdate(RG, ZONE, '@', 'CAA', {
      ttl: 60,
      caaRecords: [{ flags: 0, tag: 'issue', value: 'letsencrypt.org' }],
    });
    expect(caa.caaRecords).toEqual([{ flags: 0, tag: 'issue', value: 'letsencrypt.org' }]);
    expect(stored('example.test.', 'CAA')?.values).toEqual(['0 issue "letsencrypt.org"']);
    const ptr = await client.recordSets.createOrUpdate(RG, ZONE, 'ptr', 'PTR', { ttl: 60, ptrRecords: [{ ptrdname: 'host.example.net' }] });
    expect(ptr.ptrRecords).toEqual([{ ptrdname: 'host.example.net' }]);
    const ns = await client.recordSets.createOrUpdate(RG, ZONE, 'sub', 'NS', { ttl: 300, nsRecords: [{ nsdname: 'ns1.sub.example.net' }] });
    expect(ns.nsRecords).toEqual([{ nsdname: 'ns1.sub.example.net' }]);
    expect(stored('sub.example.test.', 'NS')?.values).toEqual(['ns1.sub.example.net.']);
  });

  it('round-trips metadata and replaces it on update', async () => {
    const created = await client.recordSets.createOrUpdate(RG, ZONE, 'meta', 'A', {
      ttl: 60,
      aRecords: [{ ipv4Address: '192.0.2.10' }],
      metadata: { owner: 'failover-controller', generation: '7' },
    });
    expect(created.metadata).toEqual({ owner: 'failover-controller', generation: '7' });
    expect(stored('meta.example.test.', 'A')?.metadata).toEqual({ owner: 'failover-controller', generation: '7' });
    expect((await client.recordSets.get(RG, ZONE, 'meta', 'A')).metadata).toEqual({ owner: 'failover-controller', generation: '7' });
    const patched = await client.recordSets.update(RG, ZONE, 'meta', 'A', { metadata: { generation: '8' } });
    expect(patched.metadata).toEqual({ generation: '8' });
    expect(patched.aRecords).toEqual([{ ipv4Address: '192.0.2.10' }]);
  });

  it('accepts an empty record set, as Azure does', async () => {
    const empty = await client.recordSets.createOrUpdate(RG, ZONE, 'empty', 'A', { ttl: 60, aRecords: [] });
    expect(empty.aRecords).toEqual([]);
    expect(stored('empty.example.test.', 'A')?.values).toEqual([]);
  });

  it('names the field at fault in validation errors', async () => {
    await expect(
      client.recordSets.createOrUpdate(RG, ZONE, 'bad', 'A', { ttl: 60, aRecords: [{ ipv4Address: '300.1.1.1' }] }),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'BadRequest',
      message: expect.stringContaining('300.1.1.1'),
    });
    await expect(
      client.recordSets.createOrUpdate(RG, ZONE, 'bad', 'A', { aRecords: [{ ipv4Address: '192.0.2.1' }] }),
    ).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining('properties.TTL'),
    });
    await expect(
      client.recordSets.createOrUpdate(RG, ZONE, 'dup', 'A', {
        ttl: 60,
        aRecords: [{ ipv4Address: '192.0.2.1' }, { ipv4Address: '192.0.2.1' }],
      }),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining('duplicate') });
    await expect(client.recordSets.createOrUpdate(RG, ZONE, 'bad..name', 'A', { ttl: 60 })).rejects.toMatchObject({ statusCode: 400 });
    await expect(client.recordSets.delete(RG, ZONE, '@', 'SOA')).rejects.toMatchObject({ statusCode: 400 });
    await expect(client.recordSets.delete(RG, ZONE, '@', 'NS')).rejects.toMatchObject({ statusCode: 400 });
    await expect(client.recordSets.get(RG, 'missing.test', 'www', 'A')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ParentResourceNotFound',
    });
    expect(stored('bad.example.test.', 'A')).toBeUndefined();
    expect(stored('dup.example.test.', 'A')).toBeUndefined();
  });

  // Azure DNS docs (DNS zones and records, "SOA records"): every SOA property but `host` can be modified,
  // and the serial is not updated automatically: the caller's serial is the one kept.
  it("lets a PUT update the apex SOA timers and serial but keeps Azure's host", async () => {
    const before = await client.recordSets.get(RG, ZONE, '@', 'SOA');
    const soaRecord = { ...before.soaRecord, refreshTime: 1800, serialNumber: 99999 };
    const after = await client.recordSets.createOrUpdate(RG, ZONE, '@', 'SOA', { ttl: 3600, soaRecord }, { ifMatch: before.etag });
    expect(after.soaRecord?.refreshTime).toBe(1800);
    expect(after.soaRecord?.host).toBe(before.soaRecord?.host);
    expect(after.soaRecord?.serialNumber).toBe(99999);
  });

  it('rejects a token the emulator does not accept with 401', async () => {
    await expect(makeClient('wrong-token').recordSets.get(RG, ZONE, '@', 'NS')).rejects.toMatchObject({
      statusCode: 401,
      code: 'InvalidAuthenticationToken',
    });
  });
});

describe('concurrency (ETag)', () => {
  const a = (ip: string): RecordSet => ({ ttl: 60, aRecords: [{ ipv4Address: ip }] });

  it('changes the ETag on every write', async () => {
    const etags = new Set<string | undefined>();
    etags.add((await client.recordSets.createOrUpdate(RG, ZONE, 'cas', 'A', a('192.0.2.1'))).etag);
    etags.add((await client.recordSets.createOrUpdate(RG, ZONE, 'cas', 'A', a('192.0.2.1'))).etag); // same data, still a write
    etags.add((await client.recordSets.update(RG, ZONE, 'cas', 'A', { ttl: 61 })).etag);
    etags.add((await client.recordSets.createOrUpdate(RG, ZONE, 'cas', 'A', a('192.0.2.2'))).etag);
    expect(etags.size).toBe(4);
    expect([...etags].every((e) => UUID.test(e ?? ''))).toBe(true);
  });

  it('refuses a stale If-Match with 412 and leaves the set unchanged', async () => {
    const current = await client.recordSets.createOrUpdate(RG, ZONE, 'guarded', 'A', a('192.0.2.1'));
    const stale = current.etag;
    const fresh = await client.recordSets.createOrUpdate(RG, ZONE, 'guarded', 'A', a('192.0.2.2'), { ifMatch: stale });
    await expect(client.recordSets.createOrUpdate(RG, ZONE, 'guarded', 'A', a('192.0.2.3'), { ifMatch: stale })).rejects.toMatchObject({
      statusCode: 412,
      code: 'PreconditionFailed',
      name: 'RestError',
    });
    await expect(client.recordSets.update(RG, ZONE, 'guarded', 'A', { ttl: 5 }, { ifMatch: stale })).rejects.toMatchObject({
      statusCode: 412,
    });
    const after = await client.recordSets.get(RG, ZONE, 'guarded', 'A');
    expect(after.etag).toBe(fresh.etag);
    expect(after.ttl).toBe(60);
    expect(after.aRecords).toEqual([{ ipv4Address: '192.0.2.2' }]);
  });

  it('creates with If-None-Match: * only when absent', async () => {
    const created = await client.recordSets.createOrUpdate(RG, ZONE, 'once', 'A', a('192.0.2.1'), { ifNoneMatch: '*' });
    await expect(client.recordSets.createOrUpdate(RG, ZONE, 'once', 'A', a('192.0.2.99'), { ifNoneMatch: '*' })).rejects.toMatchObject({
      statusCode: 412,
    });
    const after = await client.recordSets.get(RG, ZONE, 'once', 'A');
    expect(after.etag).toBe(created.etag);
    expect(after.aRecords).toEqual([{ ipv4Address: '192.0.2.1' }]);
  });

  it('refuses If-Match on a set that does not exist', async () => {
    const existing = await client.recordSets.get(RG, ZONE, '@', 'NS');
    await expect(
      client.recordSets.createOrUpdate(RG, ZONE, 'ghost', 'A', a('192.0.2.1'), { ifMatch: existing.etag }),
    ).rejects.toMatchObject({
      statusCode: 412,
    });
    expect(stored('ghost.example.test.', 'A')).toBeUndefined();
  });

  it('deletes only with the current ETag', async () => {
    const first = await client.recordSets.createOrUpdate(RG, ZONE, 'doomed', 'A', a('192.0.2.1'));
    const second = await client.recordSets.createOrUpdate(RG, ZONE, 'doomed', 'A', a('192.0.2.2'));
    await expect(client.recordSets.delete(RG, ZONE, 'doomed', 'A', { ifMatch: first.etag })).rejects.toMatchObject({ statusCode: 412 });
    expect(stored('doomed.example.test.', 'A')?.values).toEqual(['192.0.2.2']);
    await client.recordSets.delete(RG, ZONE, 'doomed', 'A', { ifMatch: second.etag });
    expect(stored('doomed.example.test.', 'A')).toBeUndefined();
  });
});

describe('listing', () => {
  const PAGED = 'paging.test';
  const COUNT = 250;

  beforeAll(async () => {
    await client.zones.createOrUpdate(RG, PAGED, { location: 'global' });
    const names = Array.from({ length: COUNT }, (_, i) => `host-${String(i).padStart(3, '0')}`);
    for (let i = 0; i < names.length; i += 25) {
      await Promise.all(
        names
          .slice(i, i + 25)
          .map((n, j) =>
            client.recordSets.createOrUpdate(RG, PAGED, n, 'A', { ttl: 60, aRecords: [{ ipv4Address: `10.0.${i / 25}.${j + 1}` }] }),
          ),
      );
    }
    await client.recordSets.createOrUpdate(RG, PAGED, 'x.svc', 'TXT', { ttl: 60, txtRecords: [{ value: ['a'] }] });
    await client.recordSets.createOrUpdate(RG, PAGED, 'y.svc', 'TXT', { ttl: 60, txtRecords: [{ value: ['b'] }] });
  });

  async function collect(iter: AsyncIterable<RecordSet>): Promise<string[]> {
    const out: string[] = [];
    for await (const rs of iter) out.push(`${rs.name} ${rs.type?.split('/').pop()}`);
    return out;
  }

  it('lists every record set exactly once across pages (/all)', async () => {
    const before = faults.counters()['RecordSets_ListAllByDnsZone']?.total ?? 0;
    const listed = await collect(client.recordSets.listAllByDnsZone(RG, PAGED, { top: 100 }));
    expect(listed).toHaveLength(COUNT + 4); // + SOA, NS, two TXT
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed).toContain('host-000 A');
    expect(listed).toContain('host-249 A');
    expect(listed).toContain('@ SOA');
    expect((faults.counters()['RecordSets_ListAllByDnsZone']?.total ?? 0) - before).toBe(3);
  });

  it('lists every record set exactly once across pages (/recordsets)', async () => {
    const listed = await collect(client.recordSets.listByDnsZone(RG, PAGED, { top: 100 }));
    expect(listed).toHaveLength(COUNT + 4);
    expect(new Set(listed).size).toBe(listed.length);
  });

  it('lists by type, with paging and a name suffix filter', async () => {
    const a = await collect(client.recordSets.listByType(RG, PAGED, 'A', { top: 100 }));
    expect(a).toHaveLength(COUNT);
    expect(new Set(a).size).toBe(COUNT);
    expect(a.every((x) => x.endsWith(' A'))).toBe(true);
    const txt = await collect(client.recordSets.listByType(RG, PAGED, 'TXT'));
    expect(txt.sort()).toEqual(['x.svc TXT', 'y.svc TXT']);
    const svc = await collect(client.recordSets.listAllByDnsZone(RG, PAGED, { recordSetNameSuffix: 'svc' }));
    expect(svc.sort()).toEqual(['x.svc TXT', 'y.svc TXT']);
  });

  it('does not repeat or skip sets that exist throughout a listing while others are written', async () => {
    const pages = client.recordSets.listByType(RG, PAGED, 'A', { top: 100 }).byPage();
    const seen: string[] = [];
    let first = true;
    for await (const page of pages) {
      seen.push(...page.map((rs) => rs.name ?? ''));
      if (first) {
        first = false;
        await client.recordSets.createOrUpdate(RG, PAGED, 'aaa-new', 'A', { ttl: 60, aRecords: [{ ipv4Address: '10.9.9.9' }] });
        await client.recordSets.delete(RG, PAGED, 'host-249', 'A');
      }
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (let i = 0; i < COUNT - 1; i += 1) expect(seen).toContain(`host-${String(i).padStart(3, '0')}`);
  });
});
