/**
 * Cloud DNS routing policies and the Compute health checks they name, through
 * the official clients unmodified: `@google-cloud/dns` for record sets and
 * `@google-cloud/compute` (HealthChecksClient, REST transport) for health checks.
 *
 * References, cited per test:
 * - [dns-discovery] the Cloud DNS v1 discovery document, https://dns.googleapis.com/$discovery/rest?version=v1
 *   (schemas ResourceRecordSet, RRSetRoutingPolicy, RRSetRoutingPolicyPrimaryBackupPolicy,
 *   RRSetRoutingPolicyWrrPolicy, RRSetRoutingPolicyHealthCheckTargets, RRSetRoutingPolicyGeoPolicy);
 * - [routing-docs] https://cloud.google.com/dns/docs/routing-policies-overview and /dns/docs/zones/manage-routing-policies;
 * - [compute-discovery] the Compute v1 discovery document, https://compute.googleapis.com/$discovery/rest?version=v1
 *   (resource healthChecks: insert, get, list, patch, update, delete; schemas HealthCheck, HTTPHealthCheck, TCPHealthCheck, Operation);
 * - [compute-ref] https://cloud.google.com/compute/docs/reference/rest/v1/healthChecks.
 */
import { HealthChecksClient } from '@google-cloud/compute';
import type { DNS, Zone } from '@google-cloud/dns';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../../src/emulators/core/api.js';
import { FaultInjector } from '../../src/emulators/core/faults.js';
import { ZoneStore } from '../../src/emulators/core/zone-store.js';
import { seedCloudDnsZone, startCloudDnsApi } from '../../src/emulators/cloud-dns/index.js';
import { cloudDnsClient } from '../../src/emulators/cloud-dns/sdk-client.js';

const PROJECT = 'routing-project';
const TOKEN = 'routing-token';
const ZONE = 'routing-test';
const APEX = 'routing.test.';
type ComputeAuth = NonNullable<ConstructorParameters<typeof HealthChecksClient>[0]>['authClient'];
const REGIONS = ['us-east1', 'europe-west1', 'asia-southeast1'];

const store = new ZoneStore();
const faults = new FaultInjector({ bucket: { capacity: 1000, refillPerSecond: 1000 } });
let api: RunningApi;
let dns: DNS;
let zone: Zone;
let compute: HealthChecksClient;

function hcUrl(name: string): string {
  return `https://www.googleapis.com/compute/v1/projects/${PROJECT}/global/healthChecks/${name}`;
}

function routed(name: string, routingPolicy: Record<string, unknown>, type = 'a') {
  return zone.record(type, { name: `${name}.${APEX}`, ttl: 30, data: [], routingPolicy } as never);
}

const failover = (healthCheck = hcUrl('web')) => ({
  healthCheck,
  primaryBackup: {
    primaryTargets: { externalEndpoints: ['192.0.2.10', '192.0.2.11'] },
    backupGeoTargets: { items: [{ location: 'us-east1', rrdatas: ['198.51.100.20'] }] },
    trickleTraffic: 0.1,
  },
});

beforeAll(async () => {
  api = await startCloudDnsApi({ host: '127.0.0.1', port: 0, store, faults, projectIds: [PROJECT], acceptToken: (t) => t === TOKEN });
  seedCloudDnsZone(store, APEX, { projectId: PROJECT, managedZone: ZONE });
  dns = cloudDnsClient({ endpoint: api.endpoint, projectId: PROJECT, token: TOKEN, maxRetries: 0 });
  zone = dns.zone(ZONE);
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: TOKEN });
  // The REST transport (fallback) honours apiEndpoint, port and protocol: that is all that differs from production.
  // The client pins its own google-auth-library copy; the OAuth2Client is the same class at run time, only the typings differ.
  compute = new HealthChecksClient({
    fallback: true,
    apiEndpoint: '127.0.0.1',
    port: api.port,
    protocol: 'http',
    authClient: authClient as unknown as ComputeAuth,
    projectId: PROJECT,
  });
  await compute.insert({
    project: PROJECT,
    healthCheckResource: { name: 'web', type: 'HTTP', sourceRegions: REGIONS, httpHealthCheck: { port: 8080, requestPath: '/healthz' } },
  });
});

afterAll(async () => {
  await compute?.close();
  await api?.stop();
});

describe('Compute healthChecks through @google-cloud/compute', () => {
  // [compute-discovery] healthChecks.insert answers an Operation; HealthCheck defaults per [compute-ref]
  // (timeoutSec 5, healthyThreshold 2, unhealthyThreshold 2); checkIntervalSec 30 with sourceRegions (wire facts).
  it('inserts and gets a health check with Compute defaults and a DONE operation', async () => {
    const [op] = await compute.insert({
      project: PROJECT,
      healthCheckResource: { name: 'tcp-one', type: 'TCP', sourceRegions: REGIONS, tcpHealthCheck: { port: 5432 } },
    });
    expect(op.latestResponse).toMatchObject({
      kind: 'compute#operation',
      operationType: 'insert',
      status: 'DONE',
      targetLink: hcUrl('tcp-one'),
    });
    const [hc] = await compute.get({ project: PROJECT, healthCheck: 'tcp-one' });
    expect(hc).toMatchObject({
      kind: 'compute#healthCheck',
      name: 'tcp-one',
      type: 'TCP',
      checkIntervalSec: 30,
      timeoutSec: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 2,
      sourceRegions: REGIONS,
      selfLink: hcUrl('tcp-one'),
    });
    expect(hc.tcpHealthCheck?.port).toBe(5432);
    expect(hc.id).toMatch(/^\d{19}$/);
  });

  // [compute-discovery] healthChecks.list (HealthCheckList.items, nextPageToken; maxResults)
  it('lists health checks page by page', async () => {
    const all = (await compute.list({ project: PROJECT }))[0].map((h) => h.name);
    expect(all).toEqual(expect.arrayContaining(['web', 'tcp-one']));
    const [first, , raw] = await compute.list({ project: PROJECT, maxResults: 1 }, { autoPaginate: false });
    expect(first).toHaveLength(1);
    expect(raw?.nextPageToken).toBeTruthy();
  });

  // [compute-discovery] healthChecks.patch (merge: absent fields kept) and healthChecks.update (replace: absent fields reset)
  it('patches keeping what the body leaves out, and updates replacing the resource', async () => {
    await compute.insert({
      project: PROJECT,
      healthCheckResource: {
        name: 'patchy',
        type: 'HTTP',
        sourceRegions: REGIONS,
        healthyThreshold: 4,
        httpHealthCheck: { port: 8081, requestPath: '/a' },
      },
    });
    const [op] = await compute.patch({
      project: PROJECT,
      healthCheck: 'patchy',
      healthCheckResource: { unhealthyThreshold: 5, httpHealthCheck: { requestPath: '/b' } },
    });
    expect(op.latestResponse).toMatchObject({ operationType: 'patch', status: 'DONE' });
    let [hc] = await compute.get({ project: PROJECT, healthCheck: 'patchy' });
    expect(hc).toMatchObject({ healthyThreshold: 4, unhealthyThreshold: 5, httpHealthCheck: { port: 8081, requestPath: '/b' } });
    await compute.update({
      project: PROJECT,
      healthCheck: 'patchy',
      healthCheckResource: { name: 'patchy', type: 'HTTPS', sourceRegions: REGIONS, checkIntervalSec: 60 },
    });
    [hc] = await compute.get({ project: PROJECT, healthCheck: 'patchy' });
    expect(hc).toMatchObject({
      type: 'HTTPS',
      checkIntervalSec: 60,
      healthyThreshold: 2,
      unhealthyThreshold: 2,
      httpsHealthCheck: { port: 443, requestPath: '/' },
    });
    expect(hc.httpHealthCheck).toBeFalsy();
  });

  // Wire facts / [routing-docs] "Health checks": a DNS health check has exactly 3 source regions and an interval of at least 30 s;
  // [compute-ref] timeoutSec must not exceed checkIntervalSec; thresholds 1..10.
  it.each([
    ['two source regions', { sourceRegions: REGIONS.slice(0, 2) }, 'sourceRegions'],
    ['an interval under 30 s with source regions', { sourceRegions: REGIONS, checkIntervalSec: 10 }, 'checkIntervalSec'],
    ['a timeout above the interval', { sourceRegions: REGIONS, checkIntervalSec: 30, timeoutSec: 31 }, 'timeoutSec'],
    ['a threshold of 11', { sourceRegions: REGIONS, unhealthyThreshold: 11 }, 'unhealthyThreshold'],
    ['a request path without a slash', { sourceRegions: REGIONS, httpHealthCheck: { requestPath: 'healthz' } }, 'requestPath'],
    ['settings of another type', { sourceRegions: REGIONS, tcpHealthCheck: { port: 1 } }, 'tcpHealthCheck'],
  ])('refuses %s with a 400 naming the field', async (_what, extra, field) => {
    await expect(compute.insert({ project: PROJECT, healthCheckResource: { name: 'bad', type: 'HTTP', ...extra } })).rejects.toMatchObject({
      code: 400,
      message: expect.stringContaining(field),
    });
    await expect(compute.get({ project: PROJECT, healthCheck: 'bad' })).rejects.toMatchObject({ code: 404 });
  });

  // [compute-discovery] HealthCheck.type enum: SSL, HTTP2, GRPC are real kinds Cloud DNS policies do not probe here: 501 naming them.
  it('answers 501 naming a health-check type the emulator does not probe; 409 for a duplicate name', async () => {
    await expect(
      compute.insert({ project: PROJECT, healthCheckResource: { name: 'ssl', type: 'SSL', sourceRegions: REGIONS } }),
    ).rejects.toMatchObject({
      code: 501,
      message: expect.stringContaining('not emulated: SSL health checks'),
    });
    await expect(
      compute.insert({ project: PROJECT, healthCheckResource: { name: 'web', type: 'HTTP', sourceRegions: REGIONS } }),
    ).rejects.toMatchObject({
      code: 409,
    });
  });

  // [compute-discovery] healthChecks.delete; Compute refuses to delete a resource another resource uses (resourceInUseByAnotherResource).
  it('deletes an unused health check, and refuses one a record set uses', async () => {
    const [op] = await compute.delete({ project: PROJECT, healthCheck: 'tcp-one' });
    expect(op.latestResponse).toMatchObject({ operationType: 'delete', status: 'DONE' });
    await expect(compute.get({ project: PROJECT, healthCheck: 'tcp-one' })).rejects.toMatchObject({ code: 404 });
    await zone.createChange({ add: routed('in-use', failover()) });
    await expect(compute.delete({ project: PROJECT, healthCheck: 'web' })).rejects.toMatchObject({
      code: 400,
      message: expect.stringContaining(`in-use.${APEX} A`),
    });
  });
});

describe('routingPolicy on record sets through @google-cloud/dns', () => {
  // [dns-discovery] RRSetRoutingPolicyPrimaryBackupPolicy (primaryTargets.externalEndpoints, backupGeoTargets, trickleTraffic), RRSetRoutingPolicy.healthCheck
  it('creates a primaryBackup set and reads it back with its policy and no rrdatas', async () => {
    await zone.createChange({ add: routed('www', failover()) });
    const [records] = await zone.getRecords({ name: `www.${APEX}`, type: 'A' });
    expect(records).toHaveLength(1);
    const rec = records[0]!;
    expect(rec.data ?? []).toEqual([]);
    expect((rec.metadata as { routingPolicy?: unknown }).routingPolicy).toMatchObject({
      healthCheck: hcUrl('web'),
      primaryBackup: {
        primaryTargets: { externalEndpoints: ['192.0.2.10', '192.0.2.11'] },
        backupGeoTargets: { items: [{ location: 'us-east1', rrdatas: ['198.51.100.20'] }] },
        trickleTraffic: 0.1,
      },
    });
  });

  // [dns-discovery] RRSetRoutingPolicyWrrPolicyWrrPolicyItem (weight, rrdatas, healthCheckedTargets)
  it('creates a wrr set mixing static rrdatas and health-checked endpoints', async () => {
    const policy = {
      healthCheck: hcUrl('web'),
      wrr: {
        items: [
          { weight: 3, healthCheckedTargets: { externalEndpoints: ['192.0.2.30'] } },
          { weight: 1, rrdatas: ['192.0.2.31'] },
        ],
      },
    };
    await zone.createChange({ add: routed('weighted', policy) });
    const [records] = await zone.getRecords({ name: `weighted.${APEX}`, type: 'A' });
    expect((records[0]?.metadata as { routingPolicy?: unknown }).routingPolicy).toMatchObject({
      wrr: {
        items: [
          { weight: 3, healthCheckedTargets: { externalEndpoints: ['192.0.2.30'] } },
          { weight: 1, rrdatas: ['192.0.2.31'] },
        ],
      },
    });
    // A wrr of static rrdatas only needs no health check, and works for other types ([routing-docs] "WRR routing policy").
    await zone.createChange({
      add: routed(
        'txt-split',
        {
          wrr: {
            items: [
              { weight: 1, rrdatas: ['"a"'] },
              { weight: 1, rrdatas: ['"b"'] },
            ],
          },
        },
        'txt',
      ),
    });
  });

  // [dns-discovery] changes.create: deletions must match the live set exactly, routing policy included (412 conditionNotMet otherwise).
  it('deletes a routed set with what was read back, and refuses a deletion whose policy differs', async () => {
    await zone.createChange({ add: routed('gone', failover()) });
    const other = failover();
    other.primaryBackup.trickleTraffic = 0.2;
    await expect(zone.createChange({ delete: routed('gone', other) })).rejects.toMatchObject({ code: 412 });
    const [records] = await zone.getRecords({ name: `gone.${APEX}`, type: 'A' });
    await zone.deleteRecords(records);
    expect((await zone.getRecords({ name: `gone.${APEX}`, type: 'A' }))[0]).toHaveLength(0);
  });

  // [routing-docs] validation of routing policies; [dns-discovery] field names in each message.
  it.each([
    ['no healthCheck with external endpoints', { ...failover(), healthCheck: undefined }, 400, 'healthCheck'],
    ['a health check that does not exist', failover(hcUrl('nope')), 400, 'no such Compute health check'],
    ['a malformed health check URL', failover('healthChecks/web'), 400, 'healthCheck'],
    [
      'trickle traffic above 1',
      { ...failover(), primaryBackup: { ...failover().primaryBackup, trickleTraffic: 1.5 } },
      400,
      'trickleTraffic',
    ],
    ['no backup', { ...failover(), primaryBackup: { primaryTargets: { externalEndpoints: ['192.0.2.10'] } } }, 400, 'backupGeoTargets'],
    [
      'an IPv6 endpoint in an A set',
      { ...failover(), primaryBackup: { ...failover().primaryBackup, primaryTargets: { externalEndpoints: ['2001:db8::1'] } } },
      400,
      'externalEndpoints[0]',
    ],
    [
      'internal load balancers in a public zone',
      {
        ...failover(),
        primaryBackup: { ...failover().primaryBackup, primaryTargets: { internalLoadBalancers: [{ ipAddress: '10.0.0.1' }] } },
      },
      400,
      'internalLoadBalancers',
    ],
    ['a negative weight', { wrr: { items: [{ weight: -1, rrdatas: ['192.0.2.1'] }] } }, 400, 'weight'],
    [
      'two policy kinds',
      { wrr: { items: [{ weight: 1, rrdatas: ['192.0.2.1'] }] }, primaryBackup: failover().primaryBackup },
      400,
      'exactly one',
    ],
    ['an unknown field', { wrr: { items: [{ weight: 1, rrdatas: ['192.0.2.1'], priority: 1 }] } }, 400, 'Unknown name'],
    [
      'a geo policy',
      { geo: { items: [{ location: 'us-east1', rrdatas: ['192.0.2.1'] }] } },
      501,
      'not emulated: geolocation routing policies',
    ],
  ])('refuses %s', async (_what, policy, code, text) => {
    await expect(zone.createChange({ add: routed('bad', policy as Record<string, unknown>) })).rejects.toMatchObject({
      code,
      message: expect.stringContaining(text),
    });
    expect((await zone.getRecords({ name: `bad.${APEX}`, type: 'A' }))[0]).toHaveLength(0);
  });

  // [routing-docs] health-checked targets are for A and AAAA record sets only.
  it('refuses health-checked endpoints on a TXT set', async () => {
    const policy = {
      healthCheck: hcUrl('web'),
      wrr: { items: [{ weight: 1, healthCheckedTargets: { externalEndpoints: ['192.0.2.1'] } }] },
    };
    await expect(zone.createChange({ add: routed('bad-txt', policy, 'txt') })).rejects.toMatchObject({
      code: 400,
      message: expect.stringContaining('A and AAAA'),
    });
  });
});
