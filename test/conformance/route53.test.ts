/**
 * Route 53 emulator conformance through the official, unmodified AWS SDK:
 * hosted-zone lifecycle, record-set CRUD, paging, the exact-match DELETE that
 * makes DELETE+CREATE a compare-and-swap, atomic batches, limits and GetChange.
 */
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  DeleteHostedZoneCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  GetHostedZoneCountCommand,
  HostedZoneAlreadyExists,
  HostedZoneNotEmpty,
  InvalidChangeBatch,
  InvalidInput,
  ListHostedZonesByNameCommand,
  type ListHostedZonesByNameCommandOutput,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  NoSuchChange,
  NoSuchHostedZone,
  Route53Client,
  type Change,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/emulators/core/faults.js';
import { ZoneStore } from '../../src/emulators/core/zone-store.js';
import { EMULATOR_DEFAULTS } from '../../src/emulators/defaults.js';
import { seedRoute53Zone, startRoute53Api } from '../../src/emulators/route53/index.js';
import type { RunningApi } from '../../src/emulators/core/api.js';

const ZONE_ID_RE = /^Z[A-Z0-9]{13,21}$/;
// Route 53 lists a delegation set's name servers without the trailing dot; its NS record values keep it.
const NS_RE = /^ns-\d+\.awsdns-emu-\d{2}\.test$/;
const CHANGE_ID_RE = /^\/change\/C[A-Z0-9]+$/;

let clock = 1_700_000_000_000;
const store = new ZoneStore();
const faults = new FaultInjector({ bucket: EMULATOR_DEFAULTS.buckets.route53 });
let api: RunningApi;
let r53: Route53Client;
let zoneId: string;

beforeAll(async () => {
  // A long sync delay on a test clock makes PENDING→INSYNC deterministic.
  api = await startRoute53Api({ host: '127.0.0.1', port: 0, store, faults, changeSyncMs: 60_000, now: () => clock });
  r53 = new Route53Client({
    region: 'us-east-1',
    endpoint: api.endpoint,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    retryStrategy: new ConfiguredRetryStrategy(2, 10),
  });
  zoneId = seedRoute53Zone(store, 'example.test').hostedZoneId;
});

afterAll(async () => {
  r53?.destroy();
  await api?.stop();
});

const a = (name: string, ttl: number, ...ips: string[]): ResourceRecordSet => ({
  Name: name,
  Type: 'A',
  TTL: ttl,
  ResourceRecords: ips.map((Value) => ({ Value })),
});
const change = (Action: Change['Action'], ResourceRecordSet: ResourceRecordSet): Change => ({ Action, ResourceRecordSet });
const apply = (changes: Change[], id = zoneId) =>
  r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: id, ChangeBatch: { Changes: changes } }));

async function listAll(id: string, maxItems?: number): Promise<{ sets: ResourceRecordSet[]; pages: number }> {
  const sets: ResourceRecordSet[] = [];
  let name: string | undefined;
  let type: string | undefined;
  let pages = 0;
  for (;;) {
    const out = await r53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: id, StartRecordName: name, StartRecordType: type as never, MaxItems: maxItems }),
    );
    pages += 1;
    expect(out.ResourceRecordSets).toBeDefined();
    sets.push(...(out.ResourceRecordSets ?? []));
    if (!out.IsTruncated) return { sets, pages };
    expect(out.NextRecordName).toBeTruthy();
    name = out.NextRecordName;
    type = out.NextRecordType;
  }
}

async function recordSet(name: string, type: string, id = zoneId): Promise<ResourceRecordSet | undefined> {
  return (await listAll(id)).sets.find((s) => s.Name === name && s.Type === type);
}

async function rejection<T>(
  p: Promise<unknown>,
  type: new (...args: never[]) => T,
): Promise<T & { message: string; $metadata: { httpStatusCode?: number } }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(type);
  return err as T & { message: string; $metadata: { httpStatusCode?: number } };
}

describe('hosted zones', () => {
  it('creates a zone with an id, four name servers, SOA and NS, and gets it back', async () => {
    const out = await r53.send(
      new CreateHostedZoneCommand({
        Name: 'lifecycle.test',
        CallerReference: 'ref-lifecycle',
        HostedZoneConfig: { Comment: 'made by a test' },
      }),
    );
    expect(out.$metadata.httpStatusCode).toBe(201);
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const id = out.HostedZone?.Id?.replace('/hostedzone/', '') ?? '';
    expect(out.HostedZone?.Id).toMatch(/^\/hostedzone\//);
    expect(id).toMatch(ZONE_ID_RE);
    expect(out.Location).toBe(`${api.endpoint}/2013-04-01/hostedzone/${id}`);
    expect(out.HostedZone).toMatchObject({
      Name: 'lifecycle.test.',
      CallerReference: 'ref-lifecycle',
      ResourceRecordSetCount: 2,
      Config: { Comment: 'made by a test', PrivateZone: false },
    });
    expect(out.ChangeInfo?.Id).toMatch(CHANGE_ID_RE);
    expect(out.ChangeInfo?.Status).toBe('PENDING');
    expect(out.ChangeInfo?.SubmittedAt).toBeInstanceOf(Date);
    const nameServers = out.DelegationSet?.NameServers ?? [];
    expect(nameServers).toHaveLength(4);
    for (const ns of nameServers) expect(ns).toMatch(NS_RE);

    const got = await r53.send(new GetHostedZoneCommand({ Id: id }));
    expect(got.HostedZone).toMatchObject({ Id: `/hostedzone/${id}`, Name: 'lifecycle.test.', ResourceRecordSetCount: 2 });
    expect(got.DelegationSet?.NameServers).toEqual(nameServers);

    const { sets } = await listAll(id);
    expect(sets.map((s) => `${s.Name} ${s.Type} ${s.TTL}`)).toEqual(['lifecycle.test. NS 172800', 'lifecycle.test. SOA 900']);
    expect(sets[0]?.ResourceRecords?.map((r) => r.Value)).toEqual(nameServers.map((ns) => `${ns}.`));
    expect(sets[1]?.ResourceRecords?.[0]?.Value).toMatch(
      new RegExp(`^${nameServers[0]?.replace(/\./g, '\\.')}\\. awsdns-hostmaster\\.amazon\\.com\\. \\d+ 7200 900 1209600 86400$`),
    );
  });

  it('refuses a second zone with the same CallerReference', async () => {
    const before = store.listZones().length;
    const err = await rejection(
      r53.send(new CreateHostedZoneCommand({ Name: 'other.test', CallerReference: 'ref-lifecycle' })),
      HostedZoneAlreadyExists,
    );
    expect(err.$metadata.httpStatusCode).toBe(409);
    expect(err.message).toContain('ref-lifecycle');
    expect(store.listZones()).toHaveLength(before);
  });

  it('seeds zones the way CreateHostedZone makes them', async () => {
    const { hostedZoneId } = seedRoute53Zone(store, 'seeded.test');
    expect(hostedZoneId).toMatch(ZONE_ID_RE);
    const got = await r53.send(new GetHostedZoneCommand({ Id: `/hostedzone/${hostedZoneId}` }));
    expect(got.HostedZone?.Name).toBe('seeded.test.');
    expect(got.DelegationSet?.NameServers?.every((ns) => NS_RE.test(ns))).toBe(true);
    const { sets } = await listAll(hostedZoneId);
    expect(sets.map((s) => [s.Type, s.TTL])).toEqual([
      ['NS', 172800],
      ['SOA', 900],
    ]);
    const count = await r53.send(new GetHostedZoneCountCommand({}));
    expect(count.HostedZoneCount).toBe(store.listZones().length);
  });

  it('lists every zone exactly once across ListHostedZones pages', async () => {
    for (const n of ['p1', 'p2', 'p3', 'p4', 'p5'])
      await r53.send(new CreateHostedZoneCommand({ Name: `${n}.paging.test`, CallerReference: `ref-${n}` }));
    const ids: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    for (;;) {
      const out = await r53.send(new ListHostedZonesCommand({ Marker: marker, MaxItems: 2 }));
      pages += 1;
      expect(out.MaxItems).toBe(2);
      expect(out.Marker ?? '').toBe(marker ?? '');
      expect(out.HostedZones?.length).toBeLessThanOrEqual(2);
      ids.push(...(out.HostedZones ?? []).map((z) => z.Id ?? ''));
      if (!out.IsTruncated) break;
      marker = out.NextMarker;
    }
    const expected = store.listZones().map((z) => `/hostedzone/${z.id}`);
    expect(ids).toEqual(expected);
    expect(new Set(ids).size).toBe(expected.length);
    expect(pages).toBe(Math.ceil(expected.length / 2));
  });

  it('lists zones by name in reversed-label order, paging with NextDNSName and NextHostedZoneId', async () => {
    const names = ['zz.order.test', 'order.test', 'b.order.test', 'x.aorder.test', 'a.order.test'];
    for (const n of names) await r53.send(new CreateHostedZoneCommand({ Name: n, CallerReference: `ref-by-name-${n}` }));
    // A second zone of the same name is allowed; ids break the tie.
    await r53.send(new CreateHostedZoneCommand({ Name: 'order.test', CallerReference: 'ref-by-name-order-2' }));
    const seen: string[] = [];
    let dnsName: string | undefined = 'x.aorder.test';
    let zoneIdStart: string | undefined;
    for (;;) {
      const out: ListHostedZonesByNameCommandOutput = await r53.send(
        new ListHostedZonesByNameCommand({ DNSName: dnsName, HostedZoneId: zoneIdStart, MaxItems: 2 }),
      );
      expect(out.DNSName).toBe(dnsName);
      expect(out.MaxItems).toBe(2);
      seen.push(...(out.HostedZones ?? []).map((z) => `${z.Name}`));
      if (!out.IsTruncated) break;
      expect(out.NextHostedZoneId).toMatch(ZONE_ID_RE);
      dnsName = out.NextDNSName;
      zoneIdStart = out.NextHostedZoneId;
    }
    const orderZones = seen.filter((n) => n.endsWith('order.test.'));
    expect(orderZones).toEqual(['x.aorder.test.', 'order.test.', 'order.test.', 'a.order.test.', 'b.order.test.', 'zz.order.test.']);
    const start = await r53.send(new ListHostedZonesByNameCommand({ DNSName: 'b.order.test', MaxItems: 1 }));
    expect(start.HostedZones?.map((z) => z.Name)).toEqual(['b.order.test.']);
    expect(start.IsTruncated).toBe(true);
    expect(start.NextDNSName).toBe('zz.order.test.');
  });

  it('refuses to delete a zone holding records, then deletes it once emptied', async () => {
    const created = await r53.send(new CreateHostedZoneCommand({ Name: 'doomed.test', CallerReference: 'ref-doomed' }));
    const id = created.HostedZone?.Id ?? '';
    await apply([change('CREATE', a('www.doomed.test.', 60, '192.0.2.1'))], id);
    const err = await rejection(r53.send(new DeleteHostedZoneCommand({ Id: id })), HostedZoneNotEmpty);
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.message).toMatch(/non-required resource record sets/);
    await apply([change('DELETE', a('www.doomed.test.', 60, '192.0.2.1'))], id);
    const deleted = await r53.send(new DeleteHostedZoneCommand({ Id: id }));
    expect(deleted.ChangeInfo?.Id).toMatch(CHANGE_ID_RE);
    expect(deleted.ChangeInfo?.Status).toBe('PENDING');
    const gone = await rejection(r53.send(new GetHostedZoneCommand({ Id: id })), NoSuchHostedZone);
    expect(gone.$metadata.httpStatusCode).toBe(404);
    expect(gone.message).toContain(id.replace('/hostedzone/', ''));
  });
});

describe('record sets', () => {
  it('creates, upserts, replaces with DELETE+CREATE, and deletes a record set', async () => {
    const created = await apply([change('CREATE', a('app.example.test.', 60, '192.0.2.10', '192.0.2.11'))]);
    expect(created.ChangeInfo?.Id).toMatch(CHANGE_ID_RE);
    expect(created.ChangeInfo?.Status).toBe('PENDING');
    expect(await recordSet('app.example.test.', 'A')).toEqual(a('app.example.test.', 60, '192.0.2.10', '192.0.2.11'));

    await apply([change('UPSERT', a('app.example.test.', 30, '192.0.2.20'))]);
    expect(await recordSet('app.example.test.', 'A')).toEqual(a('app.example.test.', 30, '192.0.2.20'));

    // The compare-and-swap the product relies on: values given in another order still match.
    await apply([
      change('DELETE', a('app.example.test.', 30, '192.0.2.20')),
      change('CREATE', a('app.example.test.', 30, '192.0.2.31', '192.0.2.30')),
    ]);
    expect((await recordSet('app.example.test.', 'A'))?.ResourceRecords?.map((r) => r.Value)).toEqual(['192.0.2.31', '192.0.2.30']);
    await apply([change('DELETE', a('app.example.test.', 30, '192.0.2.30', '192.0.2.31'))]);
    expect(await recordSet('app.example.test.', 'A')).toBeUndefined();
  });

  // Route 53 returns values as they were written (no lower-casing, no dot added); a DELETE matches any spelling of the same name.
  it('stores other types as written and lists wildcards escaped', async () => {
    await apply([
      change('CREATE', { Name: 'alias.example.test', Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: 'Target.Example.NET' }] }),
      change('CREATE', {
        Name: 'example.test.',
        Type: 'TXT',
        TTL: 300,
        ResourceRecords: [{ Value: '"v=spf1 -all"' }, { Value: '"two" "strings"' }],
      }),
      change('CREATE', { Name: 'example.test.', Type: 'AAAA', TTL: 300, ResourceRecords: [{ Value: '2001:db8::1' }] }),
      change('CREATE', { Name: 'example.test.', Type: 'MX', TTL: 300, ResourceRecords: [{ Value: '10 mail.example.test' }] }),
      change('CREATE', a('*.wild.example.test.', 60, '192.0.2.99')),
    ]);
    expect((await recordSet('alias.example.test.', 'CNAME'))?.ResourceRecords).toEqual([{ Value: 'Target.Example.NET' }]);
    expect((await recordSet('example.test.', 'TXT'))?.ResourceRecords).toEqual([{ Value: '"v=spf1 -all"' }, { Value: '"two" "strings"' }]);
    expect((await recordSet('example.test.', 'MX'))?.ResourceRecords).toEqual([{ Value: '10 mail.example.test' }]);
    expect((await recordSet('\\052.wild.example.test.', 'A'))?.TTL).toBe(60);
    expect(store.getZone(zoneId)?.records.get('*.wild.example.test.|A')?.values).toEqual(['192.0.2.99']);
    await apply([
      change('DELETE', a('\\052.wild.example.test.', 60, '192.0.2.99')),
      change('DELETE', { Name: 'alias.example.test.', Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: 'target.example.net' }] }),
    ]);
    expect(await recordSet('\\052.wild.example.test.', 'A')).toBeUndefined();
    expect(await recordSet('alias.example.test.', 'CNAME')).toBeUndefined();
  });

  it('pages 250 record sets 100 at a time, returning each exactly once in Route 53 order', async () => {
    const zone = seedRoute53Zone(store, 'many.test').hostedZoneId;
    const changes = Array.from({ length: 250 }, (_, i) =>
      change('CREATE', a(`h${String(i).padStart(3, '0')}.many.test.`, 60, `10.0.${i >> 8}.${i & 255}`)),
    );
    await apply(changes, zone);
    const first = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone, MaxItems: 100 }));
    expect(first.MaxItems).toBe(100);
    expect(first.IsTruncated).toBe(true);
    expect(first.ResourceRecordSets).toHaveLength(100);
    const { sets, pages } = await listAll(zone, 100);
    expect(pages).toBe(3);
    const keys = sets.map((s) => `${s.Name}|${s.Type}`);
    expect(new Set(keys).size).toBe(252);
    expect(keys.slice(0, 3)).toEqual(['many.test.|NS', 'many.test.|SOA', 'h000.many.test.|A']);
    expect(keys.at(-1)).toBe('h249.many.test.|A');
    expect(sets.find((s) => s.Name === 'h137.many.test.')?.ResourceRecords).toEqual([{ Value: '10.0.0.137' }]);
    // Starting mid-way by name and type.
    const mid = await r53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: zone, StartRecordName: 'h200.many.test.', StartRecordType: 'A', MaxItems: 5 }),
    );
    expect(mid.ResourceRecordSets?.map((s) => s.Name)).toEqual([
      'h200.many.test.',
      'h201.many.test.',
      'h202.many.test.',
      'h203.many.test.',
      'h204.many.test.',
    ]);
    expect(mid).toMatchObject({ IsTruncated: true, NextRecordName: 'h205.many.test.', NextRecordType: 'A' });
  });

  it('rejects a stale DELETE with InvalidChangeBatch and applies nothing of its batch', async () => {
    await apply([change('CREATE', a('cas.example.test.', 60, '192.0.2.1'))]);
    const before = structuredClone([...(store.getZone(zoneId)?.records.values() ?? [])]);
    const serial = store.getZone(zoneId)?.serial;
    const err = await rejection(
      apply([change('CREATE', a('new.example.test.', 60, '192.0.2.50')), change('DELETE', a('cas.example.test.', 60, '192.0.2.2'))]),
      InvalidChangeBatch,
    );
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.message).toBe(
      "[Tried to delete resource record set [name='cas.example.test.', type='A'] but the values provided do not match the current values]",
    );
    const ttlErr = await rejection(apply([change('DELETE', a('cas.example.test.', 300, '192.0.2.1'))]), InvalidChangeBatch);
    expect(ttlErr.message).toContain('do not match the current values');
    expect([...(store.getZone(zoneId)?.records.values() ?? [])]).toEqual(before);
    expect(store.getZone(zoneId)?.serial).toBe(serial);
    expect(await recordSet('new.example.test.', 'A')).toBeUndefined();
  });

  it('rejects CREATE of an existing set and DELETE of a missing one, listing every problem', async () => {
    const err = await rejection(
      apply([change('CREATE', a('cas.example.test.', 60, '192.0.2.1')), change('DELETE', a('missing.example.test.', 60, '192.0.2.1'))]),
      InvalidChangeBatch,
    );
    expect(err.message).toBe(
      "[Tried to create resource record set [name='cas.example.test.', type='A'] but it already exists, Tried to delete resource record set [name='missing.example.test.', type='A'] but it was not found]",
    );
  });

  it('allows the same set twice in a batch only as DELETE then CREATE', async () => {
    const err = await rejection(
      apply([change('UPSERT', a('twice.example.test.', 60, '192.0.2.1')), change('UPSERT', a('twice.example.test.', 60, '192.0.2.2'))]),
      InvalidChangeBatch,
    );
    expect(err.message).toBe("[The request contains an invalid set of changes for a resource record set 'A twice.example.test.']");
    const reversed = await rejection(
      apply([change('CREATE', a('cas.example.test.', 60, '192.0.2.1')), change('DELETE', a('cas.example.test.', 60, '192.0.2.1'))]),
      InvalidChangeBatch,
    );
    expect(reversed.message).toContain('already exists');
    expect(await recordSet('twice.example.test.', 'A')).toBeUndefined();
  });

  it('refuses CNAME at the apex or beside other types, and deleting the apex SOA or NS', async () => {
    const apex = await rejection(
      apply([change('CREATE', { Name: 'example.test.', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'x.example.net.' }] })]),
      InvalidChangeBatch,
    );
    expect(apex.message).toContain('RRSet of type CNAME with DNS name example.test. is not permitted at apex in zone example.test.');
    const beside = await rejection(
      apply([change('CREATE', { Name: 'cas.example.test.', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'x.example.net.' }] })]),
      InvalidChangeBatch,
    );
    expect(beside.message).toBe(
      '[RRSet of type CNAME with DNS name cas.example.test. is not permitted as it conflicts with other records with the same DNS name in zone example.test.]',
    );
    const ns = await recordSet('example.test.', 'NS');
    const nsErr = await rejection(apply([change('DELETE', ns as ResourceRecordSet)]), InvalidChangeBatch);
    expect(nsErr.message).toContain('at least one NS record');
    const soa = await recordSet('example.test.', 'SOA');
    const soaErr = await rejection(apply([change('DELETE', soa as ResourceRecordSet)]), InvalidChangeBatch);
    expect(soaErr.message).toContain('exactly one SOA record');
    expect(await recordSet('example.test.', 'NS')).toEqual(ns);
  });

  it('validates values, names and TTLs per type', async () => {
    const cases: Array<[ResourceRecordSet, string]> = [
      [a('bad.example.test.', 60, '1.2.3'), "ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '1.2.3'"],
      [{ Name: 'bad.example.test.', Type: 'AAAA', TTL: 60, ResourceRecords: [{ Value: 'zz::1' }] }, 'AAAARRDATAIllegalIPv6Address'],
      [
        { Name: 'bad.example.test.', Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: 'unquoted' }] },
        'Value should be enclosed in quotation marks',
      ],
      [
        { Name: 'bad.example.test.', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'a.example.net.' }, { Value: 'b.example.net.' }] },
        'has more than one resource record',
      ],
      [a('www.elsewhere.test.', 60, '192.0.2.1'), 'RRSet with DNS name www.elsewhere.test. is not permitted in zone example.test.'],
      [a('dup.example.test.', 60, '192.0.2.1', '192.0.2.1'), "Duplicate Resource Record: '192.0.2.1'"],
    ];
    for (const [rrs, message] of cases) {
      const err = await rejection(apply([change('CREATE', rrs)]), InvalidChangeBatch);
      expect(err.message).toContain(message);
    }
    for (const ttl of [-1, 2_147_483_648]) {
      const err = await rejection(apply([change('CREATE', a('ttl.example.test.', ttl, '192.0.2.1'))]), InvalidInput);
      expect(err.$metadata.httpStatusCode).toBe(400);
      expect(err.message).toContain('TTL must be an integer from 0 to 2147483647');
    }
    const noValues = await rejection(apply([change('CREATE', { Name: 'x.example.test.', Type: 'A', TTL: 60 })]), InvalidInput);
    expect(noValues.message).toContain('all of [TTL, and ResourceRecords]');
    const alias = await rejection(
      apply([
        change('CREATE', {
          Name: 'x.example.test.',
          Type: 'A',
          AliasTarget: { HostedZoneId: 'Z1', DNSName: 'y.', EvaluateTargetHealth: false },
        }),
      ]),
      InvalidInput,
    );
    expect(alias.message).toContain('AliasTarget is not supported by this emulator');
    const empty = await rejection(apply([]), InvalidInput);
    expect(empty.message).toContain('Changes must hold at least one Change');
    await apply([
      change('CREATE', a('ttl.example.test.', 2_147_483_647, '192.0.2.1')),
      change('CREATE', a('ttl0.example.test.', 0, '192.0.2.1')),
    ]);
    expect((await recordSet('ttl.example.test.', 'A'))?.TTL).toBe(2_147_483_647);
    expect((await recordSet('ttl0.example.test.', 'A'))?.TTL).toBe(0);
  });

  it('enforces 1,000 ResourceRecord elements and 32,000 value characters per request, UPSERT counting twice', async () => {
    const ips = (n: number) => Array.from({ length: n }, (_, i) => `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
    const tooMany = await rejection(
      apply([change('CREATE', a('big1.example.test.', 60, ...ips(600))), change('CREATE', a('big2.example.test.', 60, ...ips(401)))]),
      InvalidChangeBatch,
    );
    // Route 53's wording, as clients report it (DNSControl/dnscontrol#1114; kubernetes-sigs/external-dns#515).
    expect(tooMany.message).toBe('[Number of records limit of 1000 exceeded.]');
    const upserts = await rejection(apply([change('UPSERT', a('big1.example.test.', 60, ...ips(501)))]), InvalidChangeBatch);
    expect(upserts.message).toBe('[Number of records limit of 1000 exceeded.]');
    const txt = Array.from({ length: 126 }, (_, i) => ({ Value: `"${String(i).padStart(3, '0')}${'x'.repeat(250)}"` }));
    const chars = await rejection(
      apply([change('CREATE', { Name: 'txt.example.test.', Type: 'TXT', TTL: 60, ResourceRecords: txt })]),
      InvalidChangeBatch,
    );
    expect(chars.message).toBe('[RDATA character limit of 32000 exceeded.]');
    expect(await recordSet('big1.example.test.', 'A')).toBeUndefined();
    await apply([change('CREATE', a('big1.example.test.', 60, ...ips(1000)))]);
    expect((await recordSet('big1.example.test.', 'A'))?.ResourceRecords).toHaveLength(1000);
  });

  it('answers NoSuchHostedZone for an unknown zone', async () => {
    const err = await rejection(apply([change('CREATE', a('x.example.test.', 60, '192.0.2.1'))], 'ZNOSUCHZONE00000'), NoSuchHostedZone);
    expect(err.$metadata.httpStatusCode).toBe(404);
    expect(err.message).toBe('No hosted zone found with ID: ZNOSUCHZONE00000');
    await rejection(r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: 'ZNOSUCHZONE00000' })), NoSuchHostedZone);
  });
});

describe('GetChange', () => {
  it('reports PENDING, then INSYNC once the sync delay has passed', async () => {
    const out = await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: { Comment: 'generation 7', Changes: [change('CREATE', a('sync.example.test.', 60, '192.0.2.1'))] },
      }),
    );
    const id = out.ChangeInfo?.Id ?? '';
    expect(out.ChangeInfo).toMatchObject({ Status: 'PENDING', Comment: 'generation 7' });
    expect(out.ChangeInfo?.SubmittedAt?.getTime()).toBe(clock);
    const pending = await r53.send(new GetChangeCommand({ Id: id }));
    expect(pending.ChangeInfo).toMatchObject({ Id: id, Status: 'PENDING', Comment: 'generation 7' });
    clock += 60_000;
    const synced = await r53.send(new GetChangeCommand({ Id: id }));
    expect(synced.ChangeInfo).toMatchObject({ Id: id, Status: 'INSYNC' });
  });

  it('reports INSYNC on the second read even before the delay', async () => {
    const out = await apply([change('DELETE', a('sync.example.test.', 60, '192.0.2.1'))]);
    const id = out.ChangeInfo?.Id ?? '';
    expect((await r53.send(new GetChangeCommand({ Id: id }))).ChangeInfo?.Status).toBe('PENDING');
    expect((await r53.send(new GetChangeCommand({ Id: id }))).ChangeInfo?.Status).toBe('INSYNC');
  });

  it('answers NoSuchChange for an unknown change id', async () => {
    const err = await rejection(r53.send(new GetChangeCommand({ Id: '/change/CNOSUCHCHANGE' })), NoSuchChange);
    expect(err.$metadata.httpStatusCode).toBe(404);
    expect(err.message).toContain('CNOSUCHCHANGE');
  });
});
