/**
 * Azure DNS emulator fidelity, through the official @azure/arm-dns client (raw
 * https where the SDK cannot send the input). Each test follows a public
 * reference, cited above it:
 * - the REST spec: azure-rest-api-specs, specification/dns/resource-manager/
 *   Microsoft.Network/stable/2018-05-01/dns.json (and its examples/);
 * - the Azure DNS docs: "Overview of DNS zones and records"
 *   (articles/dns/dns-zones-records.md) and the Azure DNS limits.
 */
import { Resolver } from 'node:dns/promises';
import { Agent, request } from 'node:https';
import { DnsManagementClient } from '@azure/arm-dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/emulators/core/faults.js';
import { ZoneStore, recordKey } from '../../src/emulators/core/zone-store.js';
import { seedAzureZone, startAzureDnsApi } from '../../src/emulators/azure-dns/index.js';
import type { RunningAzureDnsApi } from '../../src/emulators/azure-dns/index.js';
import { startDnsServer } from '../../src/emulators/dns/index.js';
import type { RunningDnsServer } from '../../src/emulators/dns/index.js';

const SUB = '22222222-3333-4444-5555-666666666666';
const RG = 'fidelity';
const ZONE = 'fidelity.test';
const ZONE_PATH = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/dnsZones/${ZONE}`;
const V = 'api-version=2018-05-01';
const AUTH = { authorization: 'Bearer fidelity-token' };

let store: ZoneStore;
let api: RunningAzureDnsApi;
let dns: RunningDnsServer;
let client: DnsManagementClient;
let agent: Agent;
let zoneId: string;

function stored(name: string, type: string) {
  return store.getZone(zoneId)?.records.get(recordKey(name, type));
}

interface WireResponse {
  status: number;
  json: { error?: { code?: string; message?: string }; [k: string]: unknown };
}

/** One https request exactly as written (the path is not normalised by a URL parser). */
function call(method: string, path: string, opts: { headers?: Record<string, string>; body?: string } = {}): Promise<WireResponse> {
  const { hostname, port } = new URL(api.endpoint);
  return new Promise((resolve, reject) => {
    const req = request({ method, host: hostname, port, path, agent, ca: api.caCertPem, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, json: text ? (JSON.parse(text) as WireResponse['json']) : {} });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

beforeAll(async () => {
  store = new ZoneStore();
  const faults = new FaultInjector({ bucket: { capacity: 200, refillPerSecond: 10 } });
  api = await startAzureDnsApi({ host: '127.0.0.1', port: 0, store, faults });
  dns = await startDnsServer({ host: '127.0.0.1', port: 0, store, faults });
  zoneId = seedAzureZone(store, ZONE, { subscriptionId: SUB, resourceGroup: RG }).zoneId;
  agent = new Agent({ keepAlive: true, maxSockets: 2 });
  client = new DnsManagementClient(
    { getToken: async () => ({ token: 'fidelity-token', expiresOnTimestamp: Date.now() + 3_600_000 }) },
    SUB,
    { endpoint: api.endpoint, tlsOptions: { ca: api.caCertPem }, retryOptions: { maxRetries: 0, retryDelayInMs: 10 } },
  );
});

afterAll(async () => {
  agent.destroy();
  await dns.stop();
  await api.stop();
});

describe('names inside record data', () => {
  // dns.json: MxRecord.exchange, SrvRecord.target, CnameRecord.cname, NsRecord.nsdname, PtrRecord.ptrdname and
  // SoaRecord.email are plain strings, returned as the client wrote them (examples/CreateOrUpdateMXRecordset.json
  // echoes "exchange": "mail.contoso.com" back; Azure's own NS names come back with their dot, "ns1-01.azure-dns.com.").
  it('come back exactly as sent, trailing dot and case included', async () => {
    const mx = await client.recordSets.createOrUpdate(RG, ZONE, '@', 'MX', {
      ttl: 3600,
      mxRecords: [
        { preference: 10, exchange: 'Mail.Example.NET.' },
        { preference: 20, exchange: 'backup.example.net' },
      ],
    });
    const mxSent = [
      { preference: 10, exchange: 'Mail.Example.NET.' },
      { preference: 20, exchange: 'backup.example.net' },
    ];
    expect(mx.mxRecords).toEqual(mxSent);
    expect((await client.recordSets.get(RG, ZONE, '@', 'MX')).mxRecords).toEqual(mxSent);

    const srv = await client.recordSets.createOrUpdate(RG, ZONE, '_sip._tcp', 'SRV', {
      ttl: 60,
      srvRecords: [{ priority: 1, weight: 5, port: 5060, target: 'sip.example.net.' }],
    });
    expect(srv.srvRecords?.[0]?.target).toBe('sip.example.net.');
    const cname = await client.recordSets.createOrUpdate(RG, ZONE, 'www', 'CNAME', {
      ttl: 60,
      cnameRecord: { cname: 'Edge.Example.NET.' },
    });
    expect(cname.cnameRecord?.cname).toBe('Edge.Example.NET.');
    const ns = await client.recordSets.createOrUpdate(RG, ZONE, 'sub', 'NS', {
      ttl: 300,
      nsRecords: [{ nsdname: 'ns1.sub.example.net.' }, { nsdname: 'ns2.sub.example.net' }],
    });
    expect(ns.nsRecords).toEqual([{ nsdname: 'ns1.sub.example.net.' }, { nsdname: 'ns2.sub.example.net' }]);
    const ptr = await client.recordSets.createOrUpdate(RG, ZONE, 'ptr', 'PTR', {
      ttl: 60,
      ptrRecords: [{ ptrdname: 'host.example.net.' }],
    });
    expect(ptr.ptrRecords).toEqual([{ ptrdname: 'host.example.net.' }]);

    // A listing shows the same forms, and a PATCH of the TTL alone keeps them.
    const listed: Record<string, unknown> = {};
    for await (const rs of client.recordSets.listByDnsZone(RG, ZONE)) listed[`${rs.name} ${rs.type?.split('/').pop()}`] = rs;
    expect((listed['@ MX'] as { mxRecords: unknown }).mxRecords).toEqual(mxSent);
    const patched = await client.recordSets.update(RG, ZONE, 'www', 'CNAME', { ttl: 120 });
    expect(patched.cnameRecord?.cname).toBe('Edge.Example.NET.');

    // The store (and so the DNS server) keeps the canonical form; comparisons use it.
    expect(stored('fidelity.test.', 'MX')?.values).toEqual(['10 mail.example.net.', '20 backup.example.net.']);
    expect(stored('www.fidelity.test.', 'CNAME')?.values).toEqual(['edge.example.net.']);
    const resolver = new Resolver();
    resolver.setServers([`${dns.host}:${dns.port}`]);
    expect(await resolver.resolveMx(ZONE)).toEqual(
      expect.arrayContaining([
        { priority: 10, exchange: 'mail.example.net' },
        { priority: 20, exchange: 'backup.example.net' },
      ]),
    );
    await expect(
      client.recordSets.createOrUpdate(RG, ZONE, 'dup', 'NS', {
        ttl: 300,
        nsRecords: [{ nsdname: 'ns1.example.net.' }, { nsdname: 'NS1.example.net' }],
      }),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining('duplicate') });
  });
});

describe('limits', () => {
  // Azure DNS docs, "TXT records": "a total string length of up to 4096 characters in each TXT record set (across all
  // records combined)"; Azure's answer beyond it: 400 BadRequest "The combined length of all TXT records in a record set
  // may not exceed 4096 characters." Strings stay at most 255 each (dns.json TxtRecord.value, one string per element).
  it('refuses a TXT record set longer than 4,096 characters in all and takes exactly 4,096', async () => {
    const s255 = 'a'.repeat(255);
    const full = [{ value: Array.from({ length: 16 }, () => s255) }, { value: ['b'.repeat(16)] }]; // 16 × 255 + 16 = 4096
    const ok = await client.recordSets.createOrUpdate(RG, ZONE, 'txt-full', 'TXT', { ttl: 60, txtRecords: full });
    expect(ok.txtRecords).toEqual(full);
    const over = [...full, { value: ['c'] }];
    await expect(client.recordSets.createOrUpdate(RG, ZONE, 'txt-over', 'TXT', { ttl: 60, txtRecords: over })).rejects.toMatchObject({
      statusCode: 400,
      code: 'BadRequest',
      message: expect.stringContaining('The combined length of all TXT records in a record set may not exceed 4096 characters'),
    });
    expect(stored('txt-over.fidelity.test.', 'TXT')).toBeUndefined();
  });

  // Azure DNS docs, "Time-to-live": "You can specify any TTL value between 1 and 2,147,483,647 seconds."
  // dns.json: RecordSetProperties.TTL (int64).
  it('takes TTLs from 1 to 2,147,483,647 and refuses 0 and beyond', async () => {
    const a = { aRecords: [{ ipv4Address: '192.0.2.1' }] };
    await expect(client.recordSets.createOrUpdate(RG, ZONE, 'ttl0', 'A', { ttl: 0, ...a })).rejects.toMatchObject({
      statusCode: 400,
      code: 'BadRequest',
      message: expect.stringContaining('properties.TTL'),
    });
    await expect(client.recordSets.createOrUpdate(RG, ZONE, 'ttlbig', 'A', { ttl: 2147483648, ...a })).rejects.toMatchObject({
      statusCode: 400,
    });
    expect(stored('ttl0.fidelity.test.', 'A')).toBeUndefined();
    expect((await client.recordSets.createOrUpdate(RG, ZONE, 'ttl1', 'A', { ttl: 1, ...a })).ttl).toBe(1);
    expect((await client.recordSets.createOrUpdate(RG, ZONE, 'ttlmax', 'A', { ttl: 2147483647, ...a })).ttl).toBe(2147483647);
    await expect(client.recordSets.update(RG, ZONE, 'ttl1', 'A', { ttl: 0 })).rejects.toMatchObject({ statusCode: 400 });
    expect(stored('ttl1.fidelity.test.', 'A')?.ttl).toBe(1);
  });

  // Azure DNS docs, "Wildcard records": "Azure DNS supports wildcard record sets for all record types except NS and SOA."
  it('refuses wildcard NS record sets and takes wildcards of other types', async () => {
    for (const name of ['*', '*.deep']) {
      await expect(
        client.recordSets.createOrUpdate(RG, ZONE, name, 'NS', { ttl: 300, nsRecords: [{ nsdname: 'ns1.example.net.' }] }),
      ).rejects.toMatchObject({ statusCode: 400, code: 'BadRequest', message: expect.stringContaining('NS') });
    }
    expect(stored('*.fidelity.test.', 'NS')).toBeUndefined();
    const a = await client.recordSets.createOrUpdate(RG, ZONE, '*', 'A', { ttl: 60, aRecords: [{ ipv4Address: '192.0.2.7' }] });
    expect(a.name).toBe('*');
    const mx = await client.recordSets.createOrUpdate(RG, ZONE, '*.deep', 'MX', {
      ttl: 60,
      mxRecords: [{ preference: 1, exchange: 'mx.example.net' }],
    });
    expect(mx.name).toBe('*.deep');
  });
});

describe('apex NS and SOA', () => {
  // Azure DNS docs, "NS records": the apex NS set holds the zone's Azure name servers; "You can add more name servers
  // ... However, removing or modifying the prepopulated Azure DNS name servers isn't allowed."
  it("keeps Azure's own name servers in the apex NS set: more can be added, none removed, the set never emptied", async () => {
    const zone = await client.zones.get(RG, ZONE);
    const azure = zone.nameServers ?? [];
    expect(azure).toHaveLength(4);
    const before = await client.recordSets.get(RG, ZONE, '@', 'NS');

    const onlyOurs = [{ nsdname: 'ns1.other-provider.example.' }];
    await expect(client.recordSets.createOrUpdate(RG, ZONE, '@', 'NS', { ttl: 172800, nsRecords: onlyOurs })).rejects.toMatchObject({
      statusCode: 400,
      code: 'BadRequest',
      message: expect.stringContaining(azure[0] as string),
    });
    await expect(client.recordSets.createOrUpdate(RG, ZONE, '@', 'NS', { ttl: 172800, nsRecords: [] })).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(client.recordSets.update(RG, ZONE, '@', 'NS', { nsRecords: onlyOurs })).rejects.toMatchObject({ statusCode: 400 });
    const after = await client.recordSets.get(RG, ZONE, '@', 'NS');
    expect(after.etag).toBe(before.etag);
    expect(stored('fidelity.test.', 'NS')?.values).toEqual(azure);

    const more = [...azure.map((nsdname) => ({ nsdname })), ...onlyOurs];
    const added = await client.recordSets.createOrUpdate(RG, ZONE, '@', 'NS', { ttl: 3600, nsRecords: more });
    expect(added.nsRecords).toEqual(more);
    expect(added.ttl).toBe(3600);
  });

  // Azure DNS docs, "SOA records": "You can modify all properties of the SOA record except for the host property"
  // and "The zone serial number in the SOA record isn't updated automatically when changes are made to the records in
  // the zone. It can be updated manually by editing the SOA record". dns.json: SoaRecord.serialNumber (int64).
  it("accepts a new SOA host but keeps Azure's, keeps the caller's serial, and never bumps it on other writes", async () => {
    const before = await client.recordSets.get(RG, ZONE, '@', 'SOA');
    expect(before.soaRecord?.serialNumber).toBe(1); // a new Azure zone starts at 1
    const soaRecord = { ...before.soaRecord, host: 'ns1.elsewhere.example.', email: 'DNS-Admin.fidelity.test.', serialNumber: 2026120301 };
    const after = await client.recordSets.createOrUpdate(RG, ZONE, '@', 'SOA', { ttl: 3600, soaRecord });
    expect(after.soaRecord).toMatchObject({ host: before.soaRecord?.host, email: 'DNS-Admin.fidelity.test.', serialNumber: 2026120301 });

    await client.recordSets.createOrUpdate(RG, ZONE, 'serial-probe', 'A', { ttl: 60, aRecords: [{ ipv4Address: '192.0.2.3' }] });
    await client.recordSets.delete(RG, ZONE, 'serial-probe', 'A');
    expect((await client.recordSets.get(RG, ZONE, '@', 'SOA')).soaRecord?.serialNumber).toBe(2026120301);
    const resolver = new Resolver();
    resolver.setServers([`${dns.host}:${dns.port}`]);
    const soa = await resolver.resolveSoa(ZONE);
    expect(soa).toMatchObject({
      serial: 2026120301,
      hostmaster: 'dns-admin.fidelity.test',
      nsname: String(before.soaRecord?.host).replace(/\.$/, ''),
    });
  });
});

describe('paths', () => {
  // dns.json: record sets live at .../dnsZones/{zoneName}/{recordType}/{relativeRecordSetName}; no resource is named
  // '.' or '..' or ''. The SDK resolves a relative name '..' client-side into '.../dnsZones/{zone}/', so that path
  // must be refused, never treated as the zone (which a DELETE would remove).
  it("refuses '..', '%2e%2e' and trailing-slash paths instead of landing on the zone", async () => {
    await expect(client.recordSets.delete(RG, ZONE, '..', 'A')).rejects.toMatchObject({ statusCode: 400, code: 'BadRequest' });
    for (const path of [`${ZONE_PATH}/A/..`, `${ZONE_PATH}/A/%2e%2e`, `${ZONE_PATH}/A/%2E%2E`, `${ZONE_PATH}/A/.`, `${ZONE_PATH}/`]) {
      const res = await call('DELETE', `${path}?${V}`, { headers: AUTH });
      expect(res.status, path).toBe(400);
      expect(res.json.error?.code, path).toBe('BadRequest');
      expect(res.json.error?.message, path).toContain(path.split('?')[0]);
    }
    const get = await call('GET', `${ZONE_PATH}/A/www/?${V}`, { headers: AUTH });
    expect(get.status).toBe(400);
    expect((await client.zones.get(RG, ZONE)).name).toBe(ZONE);
    expect(stored('fidelity.test.', 'SOA')).toBeDefined();
  });

  // ARM routes a request before it looks at the api-version: an unknown resource type is a 404 InvalidResourceType
  // whatever the api-version; served routes still require api-version=2018-05-01 (dns.json: ApiVersionParameter).
  it('answers 404 InvalidResourceType for a type it does not serve, before checking the api-version', async () => {
    const sites = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Web/sites`;
    for (const q of [`?${V}`, '', '?api-version=1999-01-01']) {
      const res = await call('GET', `${sites}${q}`, { headers: AUTH });
      expect(res.status, q).toBe(404);
      expect(res.json.error?.code, q).toBe('InvalidResourceType');
      expect(res.json.error?.message, q).toMatch(/'sites'.*'Microsoft\.Web'.*not emulated/i);
    }
    const privateZones = await call('GET', `/subscriptions/${SUB}/providers/Microsoft.Network/privateDnsZones`, { headers: AUTH });
    expect(privateZones.status).toBe(404);
    expect(privateZones.json.error?.code).toBe('InvalidResourceType');
    expect(privateZones.json.error?.message).toContain('privateDnsZones');
    const deep = await call('GET', `${ZONE_PATH}/A/www/extra/thing`, { headers: AUTH });
    expect(deep.status).toBe(404);

    const served = await call('GET', ZONE_PATH, { headers: AUTH });
    expect(served.status).toBe(400);
    expect(served.json.error?.code).toBe('MissingApiVersionParameter');
  });
});

describe('getDnsResourceReference and alias record sets', () => {
  // dns.json: POST /subscriptions/{subscriptionId}/providers/Microsoft.Network/getDnsResourceReference
  // (DnsResourceReference_GetByTargetResources), body DnsResourceReferenceRequest {properties.targetResources[]},
  // answer DnsResourceReferenceResult {properties.dnsResourceReferences[{dnsResources[], targetResource}]}
  // (examples/GetDnsResourceReference.json). No alias record set in this zone references these targets
  // (alias sets to Traffic Manager profiles are covered in azure-traffic-manager.test.ts).
  it('answers through the SDK with one entry per target and no referencing record sets', async () => {
    const id = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/trafficManagerProfiles/tm1`;
    const other = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/publicIPAddresses/ip1`;
    const result = await client.dnsResourceReferenceOperations.getByTargetResources({ targetResources: [{ id }, { id: other }] });
    expect(result.dnsResourceReferences).toEqual([
      { dnsResources: [], targetResource: { id } },
      { dnsResources: [], targetResource: { id: other } },
    ]);
    const wrongVerb = await call('GET', `/subscriptions/${SUB}/providers/Microsoft.Network/getDnsResourceReference?${V}`, {
      headers: AUTH,
    });
    expect(wrongVerb.status).toBe(405);
  });

  // dns.json: RecordSetProperties.targetResource (SubResource) makes an alias record set. Aliases to Traffic Manager
  // profiles are emulated; other targets (here a public IP address) are refused by name, never silently stored as an empty set.
  it('refuses an alias record set to a public IP address with an error that names the feature', async () => {
    const targetResource = { id: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/publicIPAddresses/ip1` };
    await expect(client.recordSets.createOrUpdate(RG, ZONE, 'alias', 'A', { ttl: 60, targetResource })).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/alias record sets.*not emulated/i),
    });
    expect(stored('alias.fidelity.test.', 'A')).toBeUndefined();
  });
});

describe('what is not emulated says so', () => {
  // dns.json: ZoneProperties.zoneType ('Public' | 'Private'), registrationVirtualNetworks and resolutionVirtualNetworks
  // (virtual-network links, "only when ZoneType is Private"); ApiVersionParameter. docs/emulators.md lists these as
  // not emulated; each answers ARM's error shape with a message naming the feature.
  it('answers private zones, virtual-network links and other api-versions with errors that name them', async () => {
    await expect(client.zones.createOrUpdate(RG, 'private.test', { location: 'global', zoneType: 'Private' })).rejects.toMatchObject({
      statusCode: 400,
      code: 'BadRequest',
      message: expect.stringMatching(/private zones are not emulated/i),
    });
    const vnet = { id: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/vnet1` };
    await expect(
      client.zones.createOrUpdate(RG, 'vnets.test', { location: 'global', zoneType: 'Public', resolutionVirtualNetworks: [vnet] }),
    ).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/virtual network links .*not emulated/i),
    });
    await expect(client.zones.get(RG, 'vnets.test')).rejects.toMatchObject({ statusCode: 404 });
    const preview = await call('GET', `${ZONE_PATH}?api-version=2023-07-01-preview`, { headers: AUTH });
    expect(preview.status).toBe(400);
    expect(preview.json.error?.code).toBe('InvalidApiVersionParameter');
    expect(preview.json.error?.message).toContain('2018-05-01');
  });
});
