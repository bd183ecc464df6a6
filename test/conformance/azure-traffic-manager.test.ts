/**
 * Traffic Manager profiles and Azure DNS alias record sets through the official
 * @azure/arm-trafficmanager (api-version 2022-04-01) and @azure/arm-dns
 * (2018-05-01) clients, unmodified, against the Azure emulator. References, cited
 * per test:
 * - TM spec: azure-rest-api-specs specification/trafficmanager/resource-manager/
 *   Microsoft.Network/stable/2022-04-01/trafficmanager.json (and its examples/);
 * - TM docs: "Traffic Manager endpoint monitoring" (articles/traffic-manager/
 *   traffic-manager-monitoring.md) and "Traffic Manager routing methods";
 * - DNS spec: specification/dns/resource-manager/Microsoft.Network/stable/2018-05-01/dns.json
 *   (RecordSetProperties.targetResource) and "Azure DNS alias records overview".
 */
import { createServer, type Server } from 'node:http';
import { Resolver } from 'node:dns/promises';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { DnsManagementClient } from '@azure/arm-dns';
import { TrafficManagerManagementClient, type EndpointType, type Profile } from '@azure/arm-trafficmanager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/emulators/core/faults.js';
import { ZoneStore } from '../../src/emulators/core/zone-store.js';
import { seedAzureZone, startAzureDnsApi, type RunningAzureDnsApi } from '../../src/emulators/azure-dns/index.js';
import { startDnsServer, type RunningDnsServer } from '../../src/emulators/dns/index.js';

const SUB = '33333333-4444-5555-6666-777777777777';
const RG = 'tm-conformance';
const ZONE = 'tm.test';
const credential = { getToken: async () => ({ token: 'tm-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };

let api: RunningAzureDnsApi;
let dns: RunningDnsServer;
let faults: FaultInjector;
let tm: TrafficManagerManagementClient;
let dnsClient: DnsManagementClient;
let target: Server;
let port: number;
let resolver: Resolver;

const profileId = (name: string) => `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/trafficManagerProfiles/${name}`;

function priorityProfile(relativeName: string, endpoints: Profile['endpoints']): Profile {
  return {
    location: 'global',
    profileStatus: 'Enabled',
    trafficRoutingMethod: 'Priority',
    dnsConfig: { relativeName, ttl: 30 },
    monitorConfig: { protocol: 'HTTP', port, path: '/healthz', intervalInSeconds: 10, timeoutInSeconds: 5, toleratedNumberOfFailures: 0 },
    endpoints,
  };
}

const external = (name: string, target: string, priority: number, endpointStatus: 'Enabled' | 'Disabled' = 'Enabled') => ({
  name,
  type: 'Microsoft.Network/trafficManagerProfiles/externalEndpoints',
  target,
  priority,
  endpointStatus,
});

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, limitMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() - started > limitMs) throw new Error(`${what}: still ${JSON.stringify(v)} after ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const aRecords = (name: string) => resolver.resolve4(`${name}.${ZONE}`).catch((err: NodeJS.ErrnoException) => [`error:${err.code}`]);

beforeAll(async () => {
  // A real endpoint for the engine to probe: 127.0.0.1 answers 200, 127.0.0.2 on the same port refuses.
  target = createServer((req, res) => res.writeHead(req.url === '/healthz' ? 200 : 404).end('ok'));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  port = (target.address() as AddressInfo).port;
  const store = new ZoneStore();
  faults = new FaultInjector({ bucket: { capacity: 1000, refillPerSecond: 100 } });
  api = await startAzureDnsApi({ host: '127.0.0.1', port: 0, store, faults, probeIntervalMs: 100 });
  dns = await startDnsServer({ host: '127.0.0.1', port: 0, store, faults });
  seedAzureZone(store, ZONE, { subscriptionId: SUB, resourceGroup: RG });
  const options = { endpoint: api.endpoint, tlsOptions: { ca: api.caCertPem }, retryOptions: { maxRetries: 0, retryDelayInMs: 10 } };
  tm = new TrafficManagerManagementClient(credential, SUB, options);
  dnsClient = new DnsManagementClient(credential, SUB, options);
  resolver = new Resolver({ timeout: 1000, tries: 2 });
  resolver.setServers([`127.0.0.1:${dns.port}`]);
});

afterAll(async () => {
  await dns.stop();
  await api.stop();
  await new Promise<void>((r) => target.close(() => r()));
});

describe('Profiles', () => {
  // Profiles_CreateOrUpdate (PUT .../trafficmanagerprofiles/{profileName}) answers 201 with the Profile
  // (TrackedResource: id, name, type, location, tags; ProfileProperties with dnsConfig.fqdn read-only),
  // examples/Profile-PUT-WithEndpoints.json; Profiles_Get answers the same (Profile-GET-WithEndpoints.json).
  it('creates a Priority profile with external endpoints, and gets it', async () => {
    const created = await tm.profiles.createOrUpdate(RG, 'crud', {
      ...priorityProfile('crud-tm', [external('primary', '127.0.0.1', 1), external('secondary', '127.0.0.2', 2)]),
      tags: { team: 'sre' },
    });
    expect(created).toMatchObject({
      id: profileId('crud'),
      name: 'crud',
      type: 'Microsoft.Network/trafficManagerProfiles',
      location: 'global',
      tags: { team: 'sre' },
      profileStatus: 'Enabled',
      trafficRoutingMethod: 'Priority',
      dnsConfig: { relativeName: 'crud-tm', fqdn: 'crud-tm.trafficmanager.net', ttl: 30 },
      monitorConfig: { protocol: 'HTTP', port, path: '/healthz', intervalInSeconds: 10, timeoutInSeconds: 5, toleratedNumberOfFailures: 0 },
    });
    expect(created.endpoints?.map((e) => [e.id, e.type, e.target, e.priority, e.endpointStatus])).toEqual([
      [
        `${profileId('crud')}/externalEndpoints/primary`,
        'Microsoft.Network/trafficManagerProfiles/externalEndpoints',
        '127.0.0.1',
        1,
        'Enabled',
      ],
      [
        `${profileId('crud')}/externalEndpoints/secondary`,
        'Microsoft.Network/trafficManagerProfiles/externalEndpoints',
        '127.0.0.2',
        2,
        'Enabled',
      ],
    ]);
    const got = await tm.profiles.get(RG, 'crud');
    expect(got.dnsConfig?.fqdn).toBe('crud-tm.trafficmanager.net');
    expect(got.endpoints?.map((e) => e.name)).toEqual(['primary', 'secondary']);
    expect(faults.counters()['Profiles_CreateOrUpdate']).toMatchObject({ ok: 1 });
  });

  // Profiles_ListByResourceGroup and Profiles_ListBySubscription: ProfileListResult {value, nextLink}
  // (examples/Profile-GET-ByResourceGroup.json, Profile-GET-BySubscription.json).
  it('lists profiles by resource group and by subscription', async () => {
    await tm.profiles.createOrUpdate(RG, 'listed', priorityProfile('listed-tm', [external('a', '127.0.0.1', 1)]));
    const byGroup = [];
    for await (const p of tm.profiles.listByResourceGroup(RG)) byGroup.push(p.name);
    expect(byGroup).toEqual(expect.arrayContaining(['crud', 'listed']));
    const bySub = [];
    for await (const p of tm.profiles.listBySubscription()) bySub.push(p.id);
    expect(bySub).toContain(profileId('listed'));
    const other = [];
    for await (const p of tm.profiles.listByResourceGroup('another-group')) other.push(p);
    expect(other).toEqual([]);
  });

  // Profiles_Update (PATCH) merges what is given: examples/Profile-PATCH-MonitorConfig.json changes
  // monitorConfig.path and customHeaders and answers the whole profile with everything else kept.
  it('updates a profile with PATCH, keeping what is not given', async () => {
    const updated = await tm.profiles.update(RG, 'crud', {
      monitorConfig: { path: '/ready', customHeaders: [{ name: 'host', value: 'svc.example' }] },
    });
    expect(updated.monitorConfig).toMatchObject({
      protocol: 'HTTP',
      port,
      path: '/ready',
      intervalInSeconds: 10,
      toleratedNumberOfFailures: 0,
    });
    expect(updated.monitorConfig?.customHeaders).toEqual([{ name: 'host', value: 'svc.example' }]);
    expect(updated.endpoints).toHaveLength(2);
    expect(updated.tags).toEqual({ team: 'sre' });
    await tm.profiles.update(RG, 'crud', { monitorConfig: { path: '/healthz' } });
  });

  // Profiles_Delete: 200 with DeleteOperationResult ({"boolean": true}, the SDK's operationResult), 204 when
  // the profile does not exist (examples/Profile-DELETE.json); Profiles_Get of a deleted profile is a 404.
  it('deletes a profile (200, then 204) and a get of it is 404', async () => {
    await tm.profiles.createOrUpdate(RG, 'doomed', priorityProfile('doomed-tm', [external('a', '127.0.0.1', 1)]));
    expect(await tm.profiles.delete(RG, 'doomed')).toMatchObject({ operationResult: true });
    await expect(tm.profiles.get(RG, 'doomed')).rejects.toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    await tm.profiles.delete(RG, 'doomed');
    expect(faults.counters()['Profiles_Delete']).toMatchObject({ ok: 2 });
  });

  // dnsConfig.relativeName makes the profile's FQDN under trafficmanager.net, unique across Traffic Manager
  // (Profiles_CheckTrafficManagerRelativeDnsNameAvailability exists for that reason): a second profile asking
  // for a taken name is refused.
  it('refuses a relative DNS name another profile holds', async () => {
    await expect(tm.profiles.createOrUpdate(RG, 'thief', priorityProfile('crud-tm', []))).rejects.toMatchObject({
      statusCode: 409,
      message: expect.stringMatching(/crud-tm.*already used/),
    });
  });
});

describe('routing methods', () => {
  // TrafficRoutingMethod enum: Performance, Priority, Weighted, Geographic, MultiValue, Subnet. The emulator
  // decides Priority and MultiValue; the others are refused with an ARM error naming them.
  it.each(['Performance', 'Weighted', 'Geographic', 'Subnet'])('refuses %s as not emulated, naming it', async (method) => {
    await expect(
      tm.profiles.createOrUpdate(RG, `m-${method.toLowerCase()}`, {
        ...priorityProfile(`m-${method.toLowerCase()}`, []),
        trafficRoutingMethod: method,
      }),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'BadRequest',
      message: expect.stringMatching(new RegExp(`'${method}'.*not emulated.*Priority and MultiValue`)),
    });
  });

  // examples/Profile-PUT-MultiValue.json: MultiValue with maxReturn; the routing-methods doc: MultiValue takes
  // external endpoints with IPv4/IPv6 addresses only, and maxReturn (1–8) caps the answer.
  it('accepts MultiValue with maxReturn, and refuses it without maxReturn or with a name target', async () => {
    const mv = await tm.profiles.createOrUpdate(RG, 'multi', {
      ...priorityProfile('multi-tm', [external('a', '127.0.0.1', 1), external('b', '127.0.0.3', 2)]),
      trafficRoutingMethod: 'MultiValue',
      maxReturn: 2,
    });
    expect(mv).toMatchObject({ trafficRoutingMethod: 'MultiValue', maxReturn: 2 });
    await expect(
      tm.profiles.createOrUpdate(RG, 'multi2', { ...priorityProfile('multi2-tm', []), trafficRoutingMethod: 'MultiValue' }),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/maxReturn.*required/) });
    await expect(
      tm.profiles.createOrUpdate(RG, 'multi3', {
        ...priorityProfile('multi3-tm', [external('a', 'app.example.net', 1)]),
        trafficRoutingMethod: 'MultiValue',
        maxReturn: 1,
      }),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/IPv4 or IPv6 address targets only/) });
  });

  // EndpointProperties.priority: "Possible values are from 1 to 1000 ... no two endpoints can share the same priority value."
  it('refuses two endpoints with one priority, and a priority out of 1–1000', async () => {
    await expect(
      tm.profiles.createOrUpdate(RG, 'dup', priorityProfile('dup-tm', [external('a', '127.0.0.1', 1), external('b', '127.0.0.2', 1)])),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/share priority 1/) });
    await expect(
      tm.profiles.createOrUpdate(RG, 'dup', priorityProfile('dup-tm', [external('a', '127.0.0.1', 1001)])),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/priority.*1 to 1000/) });
  });
});

describe('monitorConfig', () => {
  // Monitoring doc: interval 30 s (default) or 10 s; timeout 5–10 s at 30 s and 5–9 s at 10 s; tolerated
  // failures 0–9; path required for HTTP/HTTPS and an error for TCP; MonitorConfig.port is the TCP port.
  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['interval 20', { intervalInSeconds: 20 }, /intervalInSeconds.*30.*or 10/],
    ['timeout 10 at interval 10', { intervalInSeconds: 10, timeoutInSeconds: 10 }, /timeoutInSeconds.*5 to 9/],
    ['timeout 4', { intervalInSeconds: 30, timeoutInSeconds: 4 }, /timeoutInSeconds.*5 to 10/],
    ['tolerated 10', { toleratedNumberOfFailures: 10 }, /toleratedNumberOfFailures.*0 to 9/],
    ['port 0', { port: 0 }, /port.*1 to 65535/],
    ['TCP with a path', { protocol: 'TCP', path: '/x' }, /path.*not allowed.*TCP/],
    ['HTTP without a path', { protocol: 'HTTP', path: undefined }, /path.*required.*HTTP/],
    ['a protocol outside HTTP, HTTPS, TCP', { protocol: 'UDP' }, /protocol.*HTTP, HTTPS, TCP/],
  ];
  it.each(bad)('refuses %s, naming the field', async (_name, patch, message) => {
    const base = priorityProfile('bad-monitor', []);
    await expect(
      tm.profiles.createOrUpdate(RG, 'bad-monitor', { ...base, monitorConfig: { ...base.monitorConfig, ...patch } }),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(message) });
    await expect(tm.profiles.get(RG, 'bad-monitor')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('takes TCP without a path, and defaults interval 30, timeout 10, tolerated 3', async () => {
    const p = await tm.profiles.createOrUpdate(RG, 'tcp', {
      ...priorityProfile('tcp-tm', [external('a', '127.0.0.1', 1)]),
      monitorConfig: { protocol: 'TCP', port },
    });
    expect(p.monitorConfig).toMatchObject({
      protocol: 'TCP',
      port,
      intervalInSeconds: 30,
      timeoutInSeconds: 10,
      toleratedNumberOfFailures: 3,
    });
    expect(p.monitorConfig?.path).toBeUndefined();
  });
});

describe('Endpoints', () => {
  // Endpoints_CreateOrUpdate/Get/Update/Delete on .../trafficmanagerprofiles/{profileName}/{endpointType}/{endpointName}
  // (examples/Endpoint-PUT-External-WithLocation.json, Endpoint-GET-..., Endpoint-PATCH-External-Target.json,
  // Endpoint-DELETE-External.json): 201 on create, 200 on update, DeleteOperationResult then 204.
  it('creates, gets, updates (PATCH target) and deletes an external endpoint', async () => {
    await tm.profiles.createOrUpdate(RG, 'eps', priorityProfile('eps-tm', [external('one', '127.0.0.1', 1)]));
    const created = await tm.endpoints.createOrUpdate(RG, 'eps', 'ExternalEndpoints', 'two', {
      target: '127.0.0.2',
      priority: 2,
      endpointStatus: 'Enabled',
    });
    expect(created).toMatchObject({
      id: `${profileId('eps')}/externalEndpoints/two`,
      name: 'two',
      type: 'Microsoft.Network/trafficManagerProfiles/externalEndpoints',
      target: '127.0.0.2',
      priority: 2,
      endpointStatus: 'Enabled',
    });
    expect((await tm.endpoints.get(RG, 'eps', 'ExternalEndpoints', 'two')).target).toBe('127.0.0.2');
    const patched = await tm.endpoints.update(RG, 'eps', 'ExternalEndpoints', 'two', { target: '127.0.0.4' });
    expect(patched).toMatchObject({ target: '127.0.0.4', priority: 2, endpointStatus: 'Enabled' });
    expect((await tm.profiles.get(RG, 'eps')).endpoints?.map((e) => e.target)).toEqual(['127.0.0.1', '127.0.0.4']);
    expect(await tm.endpoints.delete(RG, 'eps', 'ExternalEndpoints', 'two')).toMatchObject({ operationResult: true });
    await expect(tm.endpoints.get(RG, 'eps', 'ExternalEndpoints', 'two')).rejects.toMatchObject({ statusCode: 404 });
    await tm.endpoints.delete(RG, 'eps', 'ExternalEndpoints', 'two');
    expect(faults.counters()['Endpoints_Delete']).toMatchObject({ ok: 2 });
  });

  // endpointType enum: AzureEndpoints, ExternalEndpoints, NestedEndpoints; the emulator serves external ones.
  it.each(['AzureEndpoints', 'NestedEndpoints'])('refuses %s as not emulated', async (type) => {
    await expect(tm.endpoints.createOrUpdate(RG, 'eps', type as EndpointType, 'x', { target: '127.0.0.9' })).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(new RegExp(`${type}.*not emulated`)),
    });
  });

  // EndpointProperties.endpointMonitorStatus (EndpointMonitorStatus enum) is reported by the monitor: Online for
  // an endpoint that answers the probe with 200, Degraded for one that refuses, Disabled when endpointStatus is Disabled.
  it('reports endpointMonitorStatus from real probes: Online, Degraded, Disabled', async () => {
    await tm.profiles.createOrUpdate(
      RG,
      'monitored',
      priorityProfile('monitored-tm', [
        external('up', '127.0.0.1', 1),
        external('down', '127.0.0.2', 2),
        external('off', '127.0.0.1', 3, 'Disabled'),
      ]),
    );
    const statuses = await until(
      async () =>
        Object.fromEntries(((await tm.profiles.get(RG, 'monitored')).endpoints ?? []).map((e) => [e.name, e.endpointMonitorStatus])),
      (s) => s['up'] === 'Online' && s['down'] === 'Degraded',
      'monitor statuses',
    );
    expect(statuses).toEqual({ up: 'Online', down: 'Degraded', off: 'Disabled' });
    expect((await tm.profiles.get(RG, 'monitored')).monitorConfig?.profileMonitorStatus).toBe('Online');
  });
});

describe('api-version', () => {
  // Every operation's ApiVersionParameter: the SDK sends 2022-04-01; Azure DNS's 2018-05-01 is not Traffic Manager's.
  it('serves Traffic Manager on 2022-04-01 only', async () => {
    const { hostname, port: apiPort } = new URL(api.endpoint);
    const answer = (version: string) =>
      new Promise<{ status: number; body: { error?: { code?: string } } }>((resolve, reject) => {
        const req = httpsRequest(
          {
            host: hostname,
            port: apiPort,
            path: `/subscriptions/${SUB}/providers/Microsoft.Network/trafficmanagerprofiles?api-version=${version}`,
            headers: { authorization: 'Bearer t' },
            ca: api.caCertPem,
            agent: false,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
          },
        );
        req.on('error', reject);
        req.end();
      });
    expect(await answer('2018-05-01')).toMatchObject({ status: 400, body: { error: { code: 'InvalidApiVersionParameter' } } });
    expect((await answer('2022-04-01')).status).toBe(200);
  });
});

describe('alias record sets', () => {
  // dns.json RecordSetProperties.targetResource (SubResource {id}): "A reference to an azure resource from where
  // the dns resource value is taken"; the alias overview: A, AAAA and CNAME alias sets may point at a Traffic
  // Manager profile, and the answer follows the profile.
  it('creates an A alias to a Priority profile and answers its live decision over DNS', async () => {
    const set = await dnsClient.recordSets.createOrUpdate(RG, ZONE, 'app', 'A', {
      ttl: 30,
      targetResource: { id: profileId('monitored') },
    });
    expect(set.targetResource?.id).toBe(profileId('monitored'));
    expect(set.aRecords ?? []).toEqual([]);
    expect(set.etag).toMatch(/^[0-9a-f-]{36}$/);
    expect((await dnsClient.recordSets.get(RG, ZONE, 'app', 'A')).targetResource?.id).toBe(profileId('monitored'));
    // DnsResourceReference_GetByTargetResources lists the alias sets that reference a target (examples/GetDnsResourceReference.json).
    const refs = await dnsClient.dnsResourceReferenceOperations.getByTargetResources({ targetResources: [{ id: profileId('monitored') }] });
    expect(refs.dnsResourceReferences?.[0]?.dnsResources).toEqual([{ id: set.id }]);
    // 'up' (127.0.0.1) is Online with priority 1.
    expect(
      await until(
        () => aRecords('app'),
        (a) => a.join() === '127.0.0.1',
        'alias answer',
      ),
    ).toEqual(['127.0.0.1']);
  });

  it('a CNAME alias answers the profile DNS name; an AAAA alias answers the IPv6 targets (none here: no data)', async () => {
    await dnsClient.recordSets.createOrUpdate(RG, ZONE, 'edge', 'CNAME', { ttl: 30, targetResource: { id: profileId('monitored') } });
    expect(await resolver.resolveCname(`edge.${ZONE}`)).toEqual(['monitored-tm.trafficmanager.net']);
    await dnsClient.recordSets.createOrUpdate(RG, ZONE, 'app', 'AAAA', { ttl: 30, targetResource: { id: profileId('monitored') } });
    await expect(resolver.resolve6(`app.${ZONE}`)).rejects.toMatchObject({ code: 'ENODATA' });
  });

  // ARM concurrency on record sets (dns.json If-Match parameter): a stale ETag is a 412, and the alias stays.
  it('keeps ETags and If-Match on alias record sets', async () => {
    const current = await dnsClient.recordSets.get(RG, ZONE, 'app', 'A');
    await expect(
      dnsClient.recordSets.createOrUpdate(
        RG,
        ZONE,
        'app',
        'A',
        { ttl: 30, aRecords: [{ ipv4Address: '192.0.2.1' }] },
        { ifMatch: 'stale-etag' },
      ),
    ).rejects.toMatchObject({ statusCode: 412, code: 'PreconditionFailed' });
    const updated = await dnsClient.recordSets.update(RG, ZONE, 'app', 'A', { ttl: 45 }, { ifMatch: current.etag });
    expect(updated).toMatchObject({ ttl: 45, targetResource: { id: profileId('monitored') } });
    expect(updated.etag).not.toBe(current.etag);
  });

  it('refuses alias sets on other types, with records, to a missing profile, and to other resource types (naming them)', async () => {
    const id = profileId('monitored');
    await expect(dnsClient.recordSets.createOrUpdate(RG, ZONE, 'txt', 'TXT', { ttl: 30, targetResource: { id } })).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/A, AAAA and CNAME only, not TXT/),
    });
    await expect(
      dnsClient.recordSets.createOrUpdate(RG, ZONE, 'both', 'A', {
        ttl: 30,
        targetResource: { id },
        aRecords: [{ ipv4Address: '192.0.2.1' }],
      }),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/records and an alias target/) });
    await expect(
      dnsClient.recordSets.createOrUpdate(RG, ZONE, 'gone', 'A', { ttl: 30, targetResource: { id: profileId('never-made') } }),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/does not exist/) });
    const fd = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/frontDoors/fd1`;
    await expect(
      dnsClient.recordSets.createOrUpdate(RG, ZONE, 'fd', 'CNAME', { ttl: 30, targetResource: { id: fd } }),
    ).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/Microsoft\.Network\/frontDoors are not emulated/),
    });
  });
});
