import { readFileSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import { connect } from 'node:net';
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { DnsManagementClient } from '@azure/arm-dns';
import { DNS } from '@google-cloud/dns';
import dnsPacket from 'dns-packet';
import type { DecodedPacket, StringAnswer } from 'dns-packet';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EndpointsFileSchema, startEmulators, type RunningEmulators } from '../../src/emulators/index.js';

let emu: RunningEmulators;

beforeAll(async () => {
  emu = await startEmulators({ freePorts: true });
});
afterAll(async () => {
  await emu?.stop();
});

/** The client construction docs/emulators.md shows, nothing more. */
function route53Client(): Route53Client {
  const e = emu.endpoints().route53;
  return new Route53Client({
    region: e.region,
    endpoint: e.endpoint,
    credentials: { accessKeyId: e.accessKeyId, secretAccessKey: e.secretAccessKey },
    maxAttempts: 1,
  });
}
function azureClient(): DnsManagementClient {
  const e = emu.endpoints().azure;
  const credential = { getToken: async () => ({ token: e.token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
  return new DnsManagementClient(credential, e.subscriptionId, {
    endpoint: e.endpoint,
    tlsOptions: { ca: readFileSync(e.caCertPath, 'utf8') },
  });
}
function cloudDnsClient(): DNS {
  const e = emu.endpoints().clouddns;
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: e.token });
  const dns = new DNS({ projectId: e.projectId, authClient });
  dns.baseUrl = `${e.endpoint}/dns/v1`;
  return dns;
}

function resolver(port: number, timeout = 1000): Resolver {
  const r = new Resolver({ timeout, tries: 1 });
  r.setServers([`127.0.0.1:${port}`]);
  return r;
}

function tcpQuery(port: number, name: string, type: 'A' | 'TXT' | 'SOA'): Promise<DecodedPacket & { rcode?: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(dnsPacket.streamEncode({ type: 'query', id: 7, questions: [{ name, type }] })),
    );
    let buf = Buffer.alloc(0);
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        socket.destroy();
        resolve(dnsPacket.decode(buf.subarray(2, 2 + buf.readUInt16BE(0))));
      }
    });
  });
}

async function expectOverDns(port: number, name: string, addresses: string[], ttl: number): Promise<void> {
  expect(await resolver(port).resolve4(name, { ttl: true })).toEqual(addresses.map((address) => ({ address, ttl })));
  const viaTcp = await tcpQuery(port, name, 'A');
  expect(viaTcp).toMatchObject({ rcode: 'NOERROR', flag_aa: true });
  expect((viaTcp.answers as StringAnswer[]).map((a) => a.data)).toEqual(addresses);
}

describe('startEmulators', () => {
  it('describes itself in the endpoints-file shape, on free loopback ports', () => {
    const e = EndpointsFileSchema.parse(emu.endpoints());
    expect(e.zone).toBe('example.test');
    expect(e.azure.zoneName).toBe('example.test');
    expect(e.route53.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(e.azure.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(readFileSync(e.azure.caCertPath, 'utf8')).toContain('BEGIN CERTIFICATE');
    const ports = [e.route53, e.azure, e.clouddns].flatMap((x) => [new URL(x.endpoint).port, x.dns.port]);
    expect(new Set(ports).size).toBe(6);
    expect(emu.route53.port).toBe(Number(new URL(e.route53.endpoint).port));
  });

  it('seeds the zone in all three, visible over each DNS server', async () => {
    for (const kind of ['route53', 'azure', 'clouddns'] as const) {
      const soa = await resolver(emu[kind].dns.port).resolveSoa('example.test');
      expect(soa.serial, kind).toBe(emu[kind].store.listZones()[0]!.serial);
    }
  });

  it('Route 53: a change through the official SDK is visible over DNS at once (UDP and TCP)', async () => {
    const client = route53Client();
    const out = await client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: emu.route53.hostedZoneId,
        ChangeBatch: {
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'app.example.test.',
                Type: 'A',
                TTL: 60,
                ResourceRecords: [{ Value: '192.0.2.11' }, { Value: '192.0.2.12' }],
              },
            },
          ],
        },
      }),
    );
    expect(out.ChangeInfo?.Status).toMatch(/PENDING|INSYNC/);
    await expectOverDns(emu.route53.dns.port, 'app.example.test', ['192.0.2.11', '192.0.2.12'], 60);
    // The other providers' data planes are separate stores.
    await expect(resolver(emu.azure.dns.port).resolve4('app.example.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    client.destroy();
  });

  it('Azure DNS: a record set written through the official SDK is visible over DNS at once', async () => {
    const client = azureClient();
    const rs = await client.recordSets.createOrUpdate(
      emu.azure.resourceGroup,
      emu.azure.zoneName,
      'app',
      'A',
      { ttl: 30, aRecords: [{ ipv4Address: '192.0.2.21' }] },
      { ifNoneMatch: '*' },
    );
    expect(rs.etag).toBeTruthy();
    await expectOverDns(emu.azure.dns.port, 'app.example.test', ['192.0.2.21'], 30);
  });

  it('Cloud DNS: a change through the official SDK is visible over DNS at once', async () => {
    const zone = cloudDnsClient().zone(emu.clouddns.managedZone);
    const [change] = await zone.createChange({ add: zone.record('a', { name: 'app.example.test.', ttl: 45, data: ['192.0.2.31'] }) });
    expect(change.metadata).toMatchObject({
      kind: 'dns#change',
      additions: [{ name: 'app.example.test.', type: 'A', ttl: 45, rrdatas: ['192.0.2.31'] }],
    });
    await expectOverDns(emu.clouddns.dns.port, 'app.example.test', ['192.0.2.31'], 45);
  });
});

describe('the admin API drives the running emulators', () => {
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${emu.admin.endpoint}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) }).then(async (r) => ({
      status: r.status,
      json: (await r.json()) as Record<string, unknown>,
    }));

  it('counts the SDK calls per operation', async () => {
    await admin('POST', '/counters/reset');
    await route53Client().send(new ListResourceRecordSetsCommand({ HostedZoneId: emu.route53.hostedZoneId }));
    await azureClient().recordSets.get(emu.azure.resourceGroup, emu.azure.zoneName, 'app', 'A');
    const counters = (await admin('GET', '/counters')).json as Record<
      string,
      { total: number; operations: Record<string, { ok: number }> }
    >;
    expect(counters.route53!.total).toBe(1);
    expect(counters.route53!.operations.ListResourceRecordSets).toMatchObject({ total: 1, ok: 1 });
    expect(counters.azure!.total).toBe(1);
    expect(Object.values(counters.azure!.operations)[0]).toMatchObject({ total: 1, ok: 1 });
    expect(counters.clouddns!.total).toBe(0);
  });

  it('apiDown closes the API port; heal opens it again', async () => {
    expect((await admin('PUT', '/faults/route53', { apiDown: true })).json).toMatchObject({ apiDown: true });
    await expect(route53Client().send(new ListResourceRecordSetsCommand({ HostedZoneId: emu.route53.hostedZoneId }))).rejects.toMatchObject(
      { code: 'ECONNREFUSED' },
    );
    // The data plane is independent of the control plane.
    expect(await resolver(emu.route53.dns.port).resolve4('app.example.test')).toEqual(['192.0.2.11', '192.0.2.12']);
    await admin('POST', '/faults/route53/heal');
    const listed = await route53Client().send(new ListResourceRecordSetsCommand({ HostedZoneId: emu.route53.hostedZoneId }));
    expect(listed.ResourceRecordSets?.map((r) => r.Name)).toContain('app.example.test.');
  });

  it('dnsDown silences one DNS server on UDP and TCP; the API keeps working', async () => {
    await admin('PUT', '/faults/clouddns', { dnsDown: true });
    expect(emu.clouddns.faults.settings.dnsDown).toBe(true);
    await expect(resolver(emu.clouddns.dns.port, 300).resolve4('app.example.test')).rejects.toMatchObject({ code: 'ETIMEOUT' });
    const silent = await Promise.race([
      tcpQuery(emu.clouddns.dns.port, 'app.example.test', 'A'),
      new Promise<'no answer'>((r) => setTimeout(() => r('no answer'), 300)),
    ]);
    expect(silent).toBe('no answer');
    const [zones] = await cloudDnsClient().getZones();
    expect(zones.map((z) => z.name)).toEqual([emu.clouddns.managedZone]);
    await admin('POST', '/faults/heal');
    expect(await resolver(emu.clouddns.dns.port).resolve4('app.example.test')).toEqual(['192.0.2.31']);
  });

  it('in-process, the same faults are one property away', async () => {
    emu.azure.faults.set({ throttle: 'always' });
    expect(((await admin('GET', '/faults/azure')).json as { throttle: string }).throttle).toBe('always');
    const client = new DnsManagementClient(
      { getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + 60_000 }) },
      emu.azure.subscriptionId,
      { endpoint: emu.azure.endpoint, tlsOptions: { ca: emu.azure.caCertPem }, retryOptions: { maxRetries: 0 } },
    );
    await expect(client.recordSets.get(emu.azure.resourceGroup, emu.azure.zoneName, 'app', 'A')).rejects.toMatchObject({ statusCode: 429 });
    emu.azure.faults.heal();
    const zone = (await admin('GET', '/zones/azure')).json;
    expect((zone.zones as { records: { name: string }[] }[])[0]!.records.map((r) => r.name)).toContain('app.example.test.');
  });
});

describe('lifecycle', () => {
  it('stop is idempotent and frees every port', async () => {
    const other = await startEmulators({ freePorts: true, zone: 'Other.Test.' });
    expect(other.zone).toBe('other.test');
    const e = other.endpoints();
    await Promise.all([other.stop(), other.stop()]);
    await expect(fetch(`${e.admin.endpoint}/faults`)).rejects.toThrow();
    const again = await startEmulators({
      adminPort: Number(new URL(e.admin.endpoint).port),
      route53: { apiPort: Number(new URL(e.route53.endpoint).port), dnsPort: e.route53.dns.port },
      freePorts: true,
    });
    expect(again.route53.dns.port).toBe(e.route53.dns.port);
    await again.stop();
  });

  it('names the component and port when one is taken, and leaves nothing running', async () => {
    const taken = emu.route53.dns.port;
    await expect(startEmulators({ freePorts: true, clouddns: { dnsPort: taken } })).rejects.toMatchObject({
      component: 'clouddns.dns',
      port: taken,
      code: 'EADDRINUSE',
      message: `clouddns DNS server: port ${taken} is already in use`,
    });
  });

  it('refuses a non-loopback host', async () => {
    await expect(startEmulators({ freePorts: true, host: '0.0.0.0' })).rejects.toThrow(
      /loopback address \(127\.0\.0\.0\/8\), got '0\.0\.0\.0'/,
    );
  });
});
