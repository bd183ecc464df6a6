/**
 * Cloud DNS emulator fidelity: what third-party clients of the real API send
 * and expect back, each case after the public reference it follows:
 *
 * - the v1 discovery document, https://dns.googleapis.com/$discovery/rest?version=v1
 *   (schemas ResourceRecordSet, ManagedZone, ManagedZoneDnsSecConfig, Operation,
 *   Project, Quota; methods managedZones.patch/update, managedZoneOperations.get);
 * - the REST reference, https://cloud.google.com/dns/docs/reference/rest/v1;
 * - the supported record types page, https://cloud.google.com/dns/docs/records-overview.
 *
 * Through the official `@google-cloud/dns` client wherever it can send the
 * input, raw HTTP where it cannot (it always sends `description`, and has no
 * method for projects.get, patch/update answers or not-emulated resources).
 */
import { Resolver } from 'node:dns/promises';
import type { DNS, Record as DnsRecord, Zone } from '@google-cloud/dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../../src/emulators/core/api.js';
import { FaultInjector } from '../../src/emulators/core/faults.js';
import { ZoneStore } from '../../src/emulators/core/zone-store.js';
import { seedCloudDnsZone, startCloudDnsApi, type GoogleErrorBody } from '../../src/emulators/cloud-dns/index.js';
import { cloudDnsClient } from '../../src/emulators/cloud-dns/sdk-client.js';
import { startDnsServer, type RunningDnsServer } from '../../src/emulators/dns/index.js';

const PROJECT = 'fidelity-project';
const TOKEN = 'fidelity-token';
const ZONE = 'fidelity-test';
const APEX = 'fidelity.test.';

const store = new ZoneStore();
const faults = new FaultInjector({ bucket: { capacity: 1000, refillPerSecond: 1000 } });
let api: RunningApi;
let nameserver: RunningDnsServer;
let dns: DNS;
let zone: Zone;
let base: string;

interface Answer {
  status: number;
  body: unknown;
}

async function call(method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

function googleError(answer: Answer): GoogleErrorBody['error'] {
  const error = (answer.body as GoogleErrorBody).error;
  expect(error.code).toBe(answer.status);
  expect(error.errors[0]?.message).toBe(error.message);
  return error;
}

async function dataOf(name: string, type: string): Promise<string[] | undefined> {
  const [records] = await zone.getRecords({ name, type });
  return records[0]?.data as string[] | undefined;
}

beforeAll(async () => {
  seedCloudDnsZone(store, 'fidelity.test', { projectId: PROJECT, managedZone: ZONE });
  api = await startCloudDnsApi({ host: '127.0.0.1', port: 0, store, faults, projectIds: [PROJECT] });
  nameserver = await startDnsServer({ store, faults, host: '127.0.0.1', port: 0 });
  base = `${api.endpoint}/dns/v1/projects/${PROJECT}`;
  dns = cloudDnsClient({ endpoint: api.endpoint, projectId: PROJECT, token: TOKEN, maxRetries: 0 });
  zone = dns.zone(ZONE);
});

afterAll(async () => {
  await nameserver.stop();
  await api.stop();
});

const SHA256 = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

describe('record types (records-overview: "Supported DNS record types"; ResourceRecordSet.rrdatas: RFC 1035 §5 presentation format)', () => {
  /** One valid value per type the page lists (ALIAS and DNSKEY have placement rules, below), as written → as read back. */
  const cases: [type: string, name: string, written: string, read: string][] = [
    ['SPF', 'spf', '"v=spf1 -all"', '"v=spf1 -all"'],
    ['NAPTR', 'naptr', '100 10 "S" "SIP+D2U" "" _sip._udp.Fidelity.test.', '100 10 "S" "SIP+D2U" "" _sip._udp.fidelity.test.'],
    ['DS', 'child', `12345 13 2 ${SHA256}`, `12345 13 2 ${SHA256}`],
    ['HTTPS', 'www', '1 . alpn="h2,h3" port=443 ipv4hint=192.0.2.1', '1 . alpn="h2,h3" port=443 ipv4hint=192.0.2.1'],
    ['SVCB', '_dns', '0 svc.example.net.', '0 svc.example.net.'],
    ['SSHFP', 'host', `4 2 ${SHA256}`, `4 2 ${SHA256}`],
    ['TLSA', '_443._tcp.www', `3 1 1 ${SHA256}`, `3 1 1 ${SHA256}`],
    ['CAA', 'caa', '0 issue "ca.example.net"', '0 issue "ca.example.net"'],
    // RFC 4025 §3.3's example.
    [
      'IPSECKEY',
      'ipsec',
      '10 1 2 192.0.2.38 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==',
      '10 1 2 192.0.2.38 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==',
    ],
  ];

  it('accepts every listed type in one change and reads each back', async () => {
    const records = cases.map(([type, label, written]) =>
      zone.record(type.toLowerCase(), { name: `${label}.${APEX}`, ttl: 300, data: written }),
    );
    await zone.createChange({ add: records });
    for (const [type, label, , read] of cases) expect([type, await dataOf(`${label}.${APEX}`, type)]).toEqual([type, [read]]);
  });

  /** Presentation-format errors, one per type, each naming the value. */
  const refused: [type: string, value: string, why: RegExp][] = [
    ['DS', '12345 13 2 abcd', /32 bytes/],
    ['DS', `12345 13 0 ${SHA256}`, /reserved/],
    ['HTTPS', '1 . foo=bar', /unknown SvcParamKey/],
    ['HTTPS', '1 . no-default-alpn', /needs alpn/],
    ['SVCB', '1 relative.name port=80', /absolute/],
    ['SSHFP', '4 2 not-hex', /hexadecimal/],
    ['TLSA', '3 1 1 abcd', /32 bytes/],
    ['NAPTR', '100 10 "S!" "SIP+D2U" "" _sip._udp.fidelity.test.', /flags/],
    ['IPSECKEY', '10 1 2 gw.fidelity.test. AQNR', /IPv4/],
    ['SPF', '"v=spf1 -all', /not closed/],
  ];

  it.each(refused)('refuses %s %s with 400 invalid naming the value', async (type, value, why) => {
    const attempt = zone.addRecords(zone.record(type.toLowerCase(), { name: `bad.${APEX}`, ttl: 60, data: value }));
    await expect(attempt).rejects.toMatchObject({ code: 400, errors: [{ reason: 'invalid', message: expect.stringMatching(why) }] });
    await expect(attempt).rejects.toMatchObject({ message: expect.stringContaining('entity.change.additions[0].rrdatas[0]') });
  });

  it('keeps a change all-or-nothing: one bad record of a new type fails the whole import', async () => {
    const change = [
      zone.record('ds', { name: `atomic.${APEX}`, ttl: 60, data: `1 13 2 ${SHA256}` }),
      zone.record('https', { name: `atomic.${APEX}`, ttl: 60, data: '1 . alpn=h2' }),
      zone.record('tlsa', { name: `_25._tcp.atomic.${APEX}`, ttl: 60, data: '3 1 1 zz' }),
    ];
    await expect(zone.createChange({ add: change })).rejects.toMatchObject({
      code: 400,
      message: expect.stringContaining('entity.change.additions[2].rrdatas[0]'),
    });
    const [left] = await zone.getRecords({ name: `atomic.${APEX}` });
    expect(left).toEqual([]);
    // The same import with the bad value fixed goes in whole.
    change[2] = zone.record('tlsa', { name: `_25._tcp.atomic.${APEX}`, ttl: 60, data: `3 1 1 ${SHA256}` });
    await zone.createChange({ add: change });
    const [all] = await zone.getRecords();
    expect(
      all
        .filter((r) => (r.metadata as { name: string }).name.endsWith(`atomic.${APEX}`))
        .map((r) => r.type)
        .sort(),
    ).toEqual(['DS', 'HTTPS', 'TLSA']);
  });

  it('takes ALIAS at the apex only (records-overview: "can only be used at the zone apex")', async () => {
    await zone.addRecords(zone.record('alias', { name: APEX, ttl: 300, data: 'Origin.Example.net.' }));
    expect(await dataOf(APEX, 'ALIAS')).toEqual(['origin.example.net.']);
    // "you cannot enable DNSSEC on a zone with ALIAS records".
    const signing = await call('PATCH', `/managedZones/${ZONE}`, { dnssecConfig: { state: 'on' } });
    expect(signing.status).toBe(400);
    expect(googleError(signing).message).toContain('ALIAS');
    await expect(
      zone.addRecords(zone.record('alias', { name: `sub.${APEX}`, ttl: 300, data: 'origin.example.net.' })),
    ).rejects.toMatchObject({
      code: 400,
      errors: [{ reason: 'invalid', message: expect.stringContaining('zone apex') }],
    });
  });

  it('takes DNSKEY only in a zone whose DNSSEC state is transfer (records-overview: DNSKEY)', async () => {
    // RFC 6605 §6.1's example key.
    const key = '257 3 13 GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==';
    await expect(zone.addRecords(zone.record('dnskey', { name: APEX, ttl: 300, data: key }))).rejects.toMatchObject({
      code: 400,
      errors: [{ reason: 'invalid', message: expect.stringContaining("'transfer'") }],
    });
    const [transfer] = await dns.createZone('transfer-test', { dnsName: 'transfer.test.', dnssecConfig: { state: 'transfer' } } as never);
    await transfer.addRecords(transfer.record('dnskey', { name: 'transfer.test.', ttl: 300, data: key }));
    const [keys] = await transfer.getRecords({ name: 'transfer.test.', type: 'DNSKEY' });
    expect(keys[0]?.data).toEqual([key]);
    const leaving = await call('PATCH', '/managedZones/transfer-test', { dnssecConfig: { state: 'on' } });
    expect(leaving.status).toBe(400);
    expect(googleError(leaving).message).toContain('DNSKEY');
    await expect(
      transfer.addRecords(transfer.record('dnskey', { name: 'bad.transfer.test.', ttl: 300, data: key.replace(' 3 ', ' 4 ') })),
    ).rejects.toMatchObject({ code: 400, errors: [{ message: expect.stringContaining('protocol') }] });
  });
});

describe('TXT in presentation format (ResourceRecordSet.rrdatas: RFC 1035 §5.1, unquoted words are separate character-strings)', () => {
  it('accepts an unquoted value with spaces, stores it as separate strings and serves them so over DNS', async () => {
    await zone.addRecords(zone.record('txt', { name: `words.${APEX}`, ttl: 60, data: 'hello big "wide world"' }));
    expect(await dataOf(`words.${APEX}`, 'TXT')).toEqual(['"hello" "big" "wide world"']);
    const resolver = new Resolver();
    resolver.setServers([`${nameserver.host}:${nameserver.port}`]);
    expect(await resolver.resolveTxt(`words.${APEX}`)).toEqual([['hello', 'big', 'wide world']]);
  });
});

describe('signatureRrdatas (ResourceRecordSet.signatureRrdatas; recorded answers carry it, empty, on every set)', () => {
  it('returns signatureRrdatas: [] on listed sets, one-set reads and change additions/deletions', async () => {
    const [records] = await zone.getRecords({ name: APEX, type: 'SOA' });
    expect(records[0]?.metadata).toMatchObject({ signatureRrdatas: [] });
    const [, created] = await zone.createChange({ add: zone.record('a', { name: `sig.${APEX}`, ttl: 60, data: '192.0.2.7' }) });
    expect((created as { additions: unknown[] }).additions[0]).toMatchObject({ signatureRrdatas: [] });
    const got = await call('GET', `/managedZones/${ZONE}/rrsets/sig.${APEX}/A`);
    expect(got.body).toMatchObject({ signatureRrdatas: [] });
    // The client echoes what it read in a deletion; that must still match exactly.
    const [sig] = await zone.getRecords({ name: `sig.${APEX}`, type: 'A' });
    const [, deleted] = await zone.createChange({ delete: sig as DnsRecord[] });
    expect((deleted as { deletions: unknown[] }).deletions[0]).toMatchObject({ signatureRrdatas: [] });
  });
});

describe('managed zones (ManagedZone, ManagedZoneDnsSecConfig; managedZones.create/patch/update)', () => {
  it('creates a zone without description (ManagedZone.description is optional)', async () => {
    const created = await call('POST', '/managedZones', { name: 'bare-test', dnsName: 'bare.test.' });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ kind: 'dns#managedZone', name: 'bare-test', description: '' });
  });

  it('accepts dnssecConfig.state "on" and returns the config with its defaults (signing not emulated)', async () => {
    const [signed, meta] = await dns.createZone('signed-test', { dnsName: 'signed.test.', dnssecConfig: { state: 'on' } } as never);
    expect(meta).toMatchObject({ dnssecConfig: { kind: 'dns#managedZoneDnsSecConfig', state: 'on', nonExistence: 'nsec3' } });
    expect((meta as { dnssecConfig: { defaultKeySpecs: unknown[] } }).dnssecConfig.defaultKeySpecs).toHaveLength(2);
    await signed.addRecords(signed.record('a', { name: 'www.signed.test.', ttl: 60, data: '192.0.2.1' }));
    // ALIAS "is not compatible with DNSSEC".
    await expect(
      signed.addRecords(signed.record('alias', { name: 'signed.test.', ttl: 60, data: 'origin.example.net.' })),
    ).rejects.toMatchObject({
      code: 400,
      errors: [{ message: expect.stringContaining('DNSSEC') }],
    });
  });

  it('accepts every real ManagedZone field for a public zone, and refuses only fields that do not exist', async () => {
    const [, meta] = await dns.createZone('full-test', {
      dnsName: 'full.test.',
      description: 'all the fields',
      visibility: 'public',
      labels: { team: 'dns' },
      cloudLoggingConfig: { kind: 'dns#managedZoneCloudLoggingConfig', enableLogging: false },
      dnssecConfig: { kind: 'dns#managedZoneDnsSecConfig', state: 'off', nonExistence: 'nsec' },
      nameServerSet: '',
      kind: 'dns#managedZone',
    } as never);
    expect(meta).toMatchObject({
      visibility: 'public',
      labels: { team: 'dns' },
      cloudLoggingConfig: { enableLogging: false },
      dnssecConfig: { state: 'off', nonExistence: 'nsec' },
    });
    const bogus = await call('POST', '/managedZones', { name: 'bogus-test', dnsName: 'bogus.test.', frobnicate: true });
    expect(bogus.status).toBe(400);
    expect(googleError(bogus).message).toContain('Unknown name "frobnicate"');
    const nested = await call('POST', '/managedZones', { name: 'bogus-test', dnsName: 'bogus.test.', dnssecConfig: { state: 'sideways' } });
    expect(nested.status).toBe(400);
  });

  it.each([
    [{ visibility: 'private' }, 'private zones'],
    [{ privateVisibilityConfig: { networks: [] } }, 'private zones'],
    [{ forwardingConfig: { targetNameServers: [{ ipv4Address: '192.0.2.53' }] } }, 'forwarding zones'],
    [
      { peeringConfig: { targetNetwork: { networkUrl: 'https://www.googleapis.com/compute/v1/projects/p/global/networks/n' } } },
      'peering zones',
    ],
    [{ reverseLookupConfig: {} }, 'managed reverse lookup zones'],
    [
      { serviceDirectoryConfig: { namespace: { namespaceUrl: 'https://servicedirectory.googleapis.com/v1/x' } } },
      'Service Directory zones',
    ],
    [{ nameServerSet: 'custom' }, 'name server sets'],
  ])('answers a not-emulated zone feature %j with 501 notImplemented naming it', async (extra, feature) => {
    const answer = await call('POST', '/managedZones', { name: 'feature-test', dnsName: 'feature.test.', ...extra });
    expect(answer.status).toBe(501);
    const error = googleError(answer);
    expect(error.errors[0]?.reason).toBe('notImplemented');
    expect(error.message).toContain(`not emulated: ${feature}`);
  });

  it('serves managedZones.patch through the client and answers the Operation', async () => {
    // The client has no typed patch method; its authenticated request on the zone's own URL is what it would send.
    const [operation] = (await dns
      .zone('full-test')
      .request({ method: 'PATCH', uri: '', json: { description: 'patched', labels: { team: 'edge' } } } as never)) as unknown as [unknown];
    expect(operation).toMatchObject({
      kind: 'dns#operation',
      status: 'done',
      type: 'update',
      zoneContext: {
        oldValue: { name: 'full-test', description: 'all the fields', labels: { team: 'dns' } },
        newValue: { name: 'full-test', description: 'patched', labels: { team: 'edge' }, cloudLoggingConfig: { enableLogging: false } },
      },
    });
    const [meta] = await dns.zone('full-test').getMetadata();
    expect(meta).toMatchObject({ description: 'patched', labels: { team: 'edge' } });
    const id = (operation as { id: string }).id;
    const read = await call('GET', `/managedZones/full-test/operations/${id}`);
    expect(read.body).toEqual(operation);
    const listed = await call('GET', '/managedZones/full-test/operations');
    expect((listed.body as { operations: unknown[] }).operations).toContainEqual(operation);
  });

  it('uses clientOperationId as the Operation id (Operation.id, managedZones.patch clientOperationId)', async () => {
    const patched = await call('PATCH', '/managedZones/bare-test?clientOperationId=rename-1', { description: 'named' });
    expect(patched.body).toMatchObject({ kind: 'dns#operation', id: 'rename-1' });
    expect((await call('GET', '/managedZones/bare-test/operations/rename-1')).body).toEqual(patched.body);
    const again = await call('PATCH', '/managedZones/bare-test?clientOperationId=rename-1', { description: 'twice' });
    expect(again.status).toBe(409);
    expect((await call('PATCH', '/managedZones/bare-test?clientOperationId=Not_Valid', {})).status).toBe(400);
  });

  it('serves managedZones.update (PUT): absent fields are reset, name and dnsName cannot change, DNSSEC turns on', async () => {
    const updated = await call('PUT', '/managedZones/full-test', {
      name: 'full-test',
      dnsName: 'full.test.',
      dnssecConfig: { state: 'on' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      kind: 'dns#operation',
      zoneContext: { newValue: { description: '', dnssecConfig: { state: 'on' } } },
    });
    expect((updated.body as { zoneContext: { newValue: object } }).zoneContext.newValue).not.toHaveProperty('labels');
    const moved = await call('PATCH', '/managedZones/full-test', { dnsName: 'elsewhere.test.' });
    expect(moved.status).toBe(400);
    expect(googleError(moved).message).toContain('entity.managedZone.dnsName');
    // nonExistence "can only be changed while the state is OFF".
    const locked = await call('PATCH', '/managedZones/full-test', { dnssecConfig: { nonExistence: 'nsec' } });
    expect(locked.status).toBe(400);
  });
});

describe('projects.get and paging parameters (Project, Quota; maxResults is int32)', () => {
  /** Every property of the discovery document's Quota schema. */
  const QUOTA_FIELDS = [
    'dnsKeysPerManagedZone',
    'gkeClustersPerManagedZone',
    'gkeClustersPerPolicy',
    'gkeClustersPerResponsePolicy',
    'internetHealthChecksPerManagedZone',
    'itemsPerRoutingPolicy',
    'managedZones',
    'managedZonesPerGkeCluster',
    'managedZonesPerNetwork',
    'nameserversPerDelegation',
    'networksPerManagedZone',
    'networksPerPolicy',
    'networksPerResponsePolicy',
    'peeringZonesPerTargetNetwork',
    'policies',
    'resourceRecordsPerRrset',
    'responsePolicies',
    'responsePolicyRulesPerResponsePolicy',
    'rrsetAdditionsPerChange',
    'rrsetDeletionsPerChange',
    'rrsetsPerManagedZone',
    'targetNameServersPerManagedZone',
    'targetNameServersPerPolicy',
    'totalRrdataSizePerChange',
  ];

  it('returns a project number (uint64, server-defined) that is not the zone count, and the whole Quota', async () => {
    const first = await call('GET', '');
    const body = first.body as { kind: string; id: string; number: string; quota: Record<string, unknown> };
    expect(body).toMatchObject({ kind: 'dns#project', id: PROJECT });
    expect(body.number).toMatch(/^[1-9]\d{11}$/);
    await call('POST', '/managedZones', { name: 'count-test', dnsName: 'count.test.' });
    expect(((await call('GET', '')).body as { number: string }).number).toBe(body.number);
    expect(body.quota.kind).toBe('dns#quota');
    for (const field of QUOTA_FIELDS) expect([field, typeof body.quota[field]]).toEqual([field, 'number']);
    expect(body.quota.whitelistedKeySpecs).toContainEqual({
      kind: 'dns#dnsKeySpec',
      algorithm: 'rsasha256',
      keyLength: 2048,
      keyType: 'keySigning',
    });
  });

  it('refuses maxResults beyond int32 (1e11) with 400, through the client', async () => {
    await expect(dns.getZones({ maxResults: 1e11 })).rejects.toMatchObject({ code: 400, errors: [{ reason: 'invalid' }] });
    await expect(zone.getRecords({ maxResults: 1e11 })).rejects.toMatchObject({
      code: 400,
      message: expect.stringContaining('max_results'),
    });
    const [some] = await zone.getRecords({ maxResults: 2_147_483_647 });
    expect(some.length).toBeGreaterThan(0);
  });
});

describe('not-emulated features answer Google errors naming them (docs/emulators.md, "Cloud DNS: not emulated")', () => {
  // wrr and primaryBackup are emulated now (cloud-dns-routing.test.ts); geo routing stays not emulated.
  it('refuses a geo routing policy on a record set with 501 notImplemented (ResourceRecordSet.routingPolicy)', async () => {
    const geo = { geo: { items: [{ location: 'us-east1', rrdatas: ['192.0.2.1'] }] } };
    const answer = await call('POST', `/managedZones/${ZONE}/changes`, {
      additions: [{ name: `rp.${APEX}`, type: 'A', ttl: 60, rrdatas: [], routingPolicy: geo }],
    });
    expect(answer.status).toBe(501);
    expect(googleError(answer).message).toContain('not emulated: geolocation routing policies (geo)');
    const wrr = { wrr: { items: [{ weight: 1, rrdatas: ['192.0.2.1'] }] } };
    const both = await call('POST', `/managedZones/${ZONE}/changes`, {
      additions: [{ name: `rp.${APEX}`, type: 'A', ttl: 60, rrdatas: ['192.0.2.1'], routingPolicy: wrr }],
    });
    expect(both.status).toBe(400);
  });

  it.each([
    ['GET', `/managedZones/${ZONE}/dnsKeys`, 'DNSSEC keys'],
    ['GET', `/managedZones/${ZONE}/dnsKeys/1`, 'DNSSEC keys'],
    ['GET', '/policies', 'DNS server policies'],
    ['POST', '/responsePolicies', 'response policies'],
    ['GET', '/responsePolicies/rp/rules', 'response policy rules'],
    ['POST', `/managedZones/${ZONE}:getIamPolicy`, 'IAM policies'],
  ])('answers %s %s with 501 naming %s', async (method, path, feature) => {
    const answer = await call(method, path);
    expect(answer.status).toBe(501);
    expect(googleError(answer).message).toContain(`not emulated: ${feature}`);
  });

  it('the official client surfaces a 501 at once (no retries)', async () => {
    const before = faults.counters().unknown?.total ?? 0;
    const attempt = dns.zone(ZONE).request({ uri: '/dnsKeys' } as never);
    await expect(attempt).rejects.toMatchObject({ code: 501 });
    expect((faults.counters().unknown?.total ?? 0) - before).toBe(1);
  });
});
