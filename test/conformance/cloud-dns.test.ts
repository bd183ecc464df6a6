/**
 * The Cloud DNS emulator as the official, unmodified `@google-cloud/dns` client
 * sees it: only the base URL and the credentials differ from production.
 */
import type { DNS, Record as DnsRecord, Zone } from '@google-cloud/dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../../src/emulators/core/api.js';
import { FaultInjector } from '../../src/emulators/core/faults.js';
import { ZoneStore } from '../../src/emulators/core/zone-store.js';
import { seedCloudDnsZone, startCloudDnsApi } from '../../src/emulators/cloud-dns/index.js';
import { cloudDnsClient } from '../../src/emulators/cloud-dns/sdk-client.js';

const PROJECT = 'conformance-project';
const TOKEN = 'conformance-token';
const ZONE = 'example-test';
const APEX = 'example.test.';
const NS = [1, 2, 3, 4].map((n) => `ns-cloud-e${n}.googledomains-emu.test.`);

const store = new ZoneStore();
const faults = new FaultInjector({ bucket: { capacity: 50, refillPerSecond: 10 } });
let api: RunningApi;
let dns: DNS;
let zone: Zone;
let seededId: string;

/** What a record reads back as, in plain fields. */
function plain(r: DnsRecord): { name: string; type: string; ttl: number; data: string[] } {
  const m = r.metadata as { name: string; ttl: number };
  return { name: m.name, type: r.type, ttl: m.ttl, data: [...((r.data as string[] | undefined) ?? [])] };
}

async function recordsNamed(name: string, type?: string): Promise<ReturnType<typeof plain>[]> {
  const [records] = await zone.getRecords(type ? { name, type } : { name });
  return records.map(plain);
}

function apiCalls(operation: string): number {
  return faults.counters()[operation]?.total ?? 0;
}

beforeAll(async () => {
  seededId = seedCloudDnsZone(store, 'example.test', { projectId: PROJECT, managedZone: ZONE }).id;
  api = await startCloudDnsApi({ host: '127.0.0.1', port: 0, store, faults, projectIds: [PROJECT], acceptToken: (t) => t === TOKEN });
  // No retries: every failure here is a client error the SDK must surface at once.
  dns = cloudDnsClient({ endpoint: api.endpoint, projectId: PROJECT, token: TOKEN, maxRetries: 0 });
  zone = dns.zone(ZONE);
});

afterAll(async () => {
  await api.stop();
});

describe('managed zones', () => {
  it('lists the seeded zone, filtered by dnsName, with Cloud DNS fields', async () => {
    const [zones] = await dns.getZones({ dnsName: APEX } as Parameters<DNS['getZones']>[0]);
    expect(zones).toHaveLength(1);
    expect(zones[0]?.name).toBe(ZONE);
    expect(zones[0]?.metadata).toMatchObject({
      kind: 'dns#managedZone',
      name: ZONE,
      dnsName: APEX,
      id: seededId,
      nameServers: NS,
      visibility: 'public',
    });
    expect(seededId).toMatch(/^\d+$/);
    const [none] = await dns.getZones({ dnsName: 'other.test.' } as Parameters<DNS['getZones']>[0]);
    expect(none).toEqual([]);
  });

  it('seeds SOA and NS at the apex with TTL 21600', async () => {
    const apex = await recordsNamed(APEX);
    expect(apex.map((r) => [r.type, r.ttl])).toEqual([
      ['NS', 21600],
      ['SOA', 21600],
    ]);
    expect(apex[0]?.data).toEqual(NS);
    expect(apex[1]?.data[0]).toMatch(
      /^ns-cloud-e1\.googledomains-emu\.test\. cloud-dns-hostmaster\.googledomains-emu\.test\. \d+ 21600 3600 259200 300$/,
    );
  });

  it('creates, gets (by name and by id), refuses a duplicate, refuses to delete a non-empty zone, deletes', async () => {
    const [created, createdMeta] = await dns.createZone('lifecycle-test', { dnsName: 'lifecycle.test.', description: 'lifecycle' });
    expect(createdMeta).toMatchObject({
      kind: 'dns#managedZone',
      name: 'lifecycle-test',
      dnsName: 'lifecycle.test.',
      description: 'lifecycle',
    });
    const id = (createdMeta as { id: string }).id;
    expect(id).toMatch(/^\d+$/);
    expect((createdMeta as { nameServers: string[] }).nameServers).toHaveLength(4);
    expect(Date.parse((createdMeta as { creationTime: string }).creationTime)).not.toBeNaN();

    const [exists] = await created.exists();
    expect(exists).toBe(true);
    const [byId] = await dns.zone(id).get();
    expect(byId.metadata).toMatchObject({ name: 'lifecycle-test', id });

    await expect(dns.createZone('lifecycle-test', { dnsName: 'lifecycle.test.' })).rejects.toMatchObject({
      code: 409,
      errors: [{ reason: 'alreadyExists' }],
    });

    const record = created.record('a', { name: 'www.lifecycle.test.', ttl: 60, data: '192.0.2.1' });
    await created.addRecords(record);
    await expect(created.delete()).rejects.toMatchObject({ code: 400, errors: [{ reason: 'containerNotEmpty' }] });
    await created.deleteRecords(record);
    await created.delete();
    const [after] = await created.exists();
    expect(after).toBe(false);
    await expect(created.get()).rejects.toMatchObject({ code: 404, errors: [{ reason: 'notFound' }] });
  });

  it('refuses a zone with a relative dnsName or a bad name', async () => {
    await expect(dns.createZone('relative', { dnsName: 'relative.test' })).rejects.toMatchObject({
      code: 400,
      errors: [{ reason: 'invalid', message: expect.stringContaining('entity.managedZone.dnsName') }],
    });
    await expect(dns.createZone('Bad_Name', { dnsName: 'bad.test.' })).rejects.toMatchObject({
      code: 400,
      errors: [{ reason: 'invalid', message: expect.stringContaining('entity.managedZone.name') }],
    });
  });

  it('answers 404 notFound for an unknown project or zone', async () => {
    const other = cloudDnsClient({ endpoint: api.endpoint, projectId: 'no-such-project', token: TOKEN, maxRetries: 0 });
    await expect(other.getZones()).rejects.toMatchObject({
      code: 404,
      errors: [{ reason: 'notFound', message: expect.stringContaining('no-such-project') }],
    });
    await expect(dns.zone('no-such-zone').getRecords()).rejects.toMatchObject({ code: 404, errors: [{ reason: 'notFound' }] });
    const [exists] = await dns.zone('no-such-zone').exists();
    expect(exists).toBe(false);
  });

  it('answers 401 to a token it does not accept', async () => {
    const intruder = cloudDnsClient({ endpoint: api.endpoint, projectId: PROJECT, token: 'wrong-token', maxRetries: 0 });
    await expect(intruder.getZones()).rejects.toMatchObject({ code: 401, errors: [{ reason: 'authError' }] });
  });
});

describe('record sets through changes', () => {
  const cases = [
    { type: 'A', name: 'a.example.test.', first: ['192.0.2.1', '192.0.2.2'], second: ['198.51.100.7'], stored: undefined },
    {
      type: 'AAAA',
      name: 'aaaa.example.test.',
      first: ['2001:DB8:0:0::1'],
      second: ['2001:db8::2', '2001:db8::3'],
      stored: ['2001:db8::1'],
    },
    {
      type: 'CNAME',
      name: 'cname.example.test.',
      first: ['Target.Example.test.'],
      second: ['other.example.test.'],
      stored: ['target.example.test.'],
    },
    { type: 'TXT', name: 'txt.example.test.', first: ['"hello world"', '"a" "b"'], second: ['token'], stored: undefined },
  ] as const;

  for (const c of cases) {
    it(`creates, reads, updates and deletes ${c.type}`, async () => {
      const first = zone.record(c.type.toLowerCase(), { name: c.name, ttl: 300, data: [...c.first] });
      const [created, createdMeta] = await zone.createChange({ add: first });
      expect(createdMeta).toMatchObject({ kind: 'dns#change', status: 'pending', deletions: [] });
      expect((createdMeta as { additions: unknown[] }).additions).toEqual([
        { kind: 'dns#resourceRecordSet', name: c.name, type: c.type, ttl: 300, rrdatas: [...(c.stored ?? c.first)], signatureRrdatas: [] },
      ]);
      expect(created.id).toMatch(/^\d+$/);

      const afterCreate = await recordsNamed(c.name, c.type);
      expect(afterCreate).toEqual([{ name: c.name, type: c.type, ttl: 300, data: [...(c.stored ?? c.first)] }]);

      // Update = exact deletion of what was read + addition, in one change.
      const [live] = await zone.getRecords({ name: c.name, type: c.type });
      const second = zone.record(c.type.toLowerCase(), { name: c.name, ttl: 60, data: [...c.second] });
      const [, updateMeta] = await zone.createChange({ delete: live, add: second });
      expect((updateMeta as { deletions: { ttl: number }[] }).deletions[0]?.ttl).toBe(300);
      const expectedSecond = c.type === 'TXT' ? ['"token"'] : [...c.second];
      expect(await recordsNamed(c.name, c.type)).toEqual([{ name: c.name, type: c.type, ttl: 60, data: expectedSecond }]);

      const [current] = await zone.getRecords({ name: c.name, type: c.type });
      await zone.deleteRecords(current);
      expect(await recordsNamed(c.name, c.type)).toEqual([]);
    });
  }

  it('applies nothing of a change whose deletion is stale (412 conditionNotMet)', async () => {
    await zone.addRecords(zone.record('a', { name: 'cas.example.test.', ttl: 300, data: ['192.0.2.10'] }));
    const [changesBefore] = await zone.getChanges();
    const soaBefore = (await recordsNamed(APEX, 'SOA'))[0]?.data[0];

    const stale = zone.record('a', { name: 'cas.example.test.', ttl: 300, data: ['192.0.2.99'] });
    const fresh = zone.record('a', { name: 'new.example.test.', ttl: 300, data: ['192.0.2.20'] });
    const replacement = zone.record('a', { name: 'cas.example.test.', ttl: 300, data: ['192.0.2.30'] });
    await expect(zone.createChange({ add: [fresh, replacement], delete: stale })).rejects.toMatchObject({
      code: 412,
      errors: [{ reason: 'conditionNotMet', domain: 'global', message: expect.stringContaining('entity.change.deletions[0]') }],
    });

    expect(await recordsNamed('new.example.test.')).toEqual([]);
    expect(await recordsNamed('cas.example.test.')).toEqual([{ name: 'cas.example.test.', type: 'A', ttl: 300, data: ['192.0.2.10'] }]);
    expect((await recordsNamed(APEX, 'SOA'))[0]?.data[0]).toBe(soaBefore);
    const [changesAfter] = await zone.getChanges();
    expect(changesAfter.map((c) => c.id)).toEqual(changesBefore.map((c) => c.id));

    // A deletion that differs only in TTL is stale too.
    const wrongTtl = zone.record('a', { name: 'cas.example.test.', ttl: 60, data: ['192.0.2.10'] });
    await expect(zone.deleteRecords(wrongTtl)).rejects.toMatchObject({ code: 412, errors: [{ reason: 'conditionNotMet' }] });
    // The exact set, values in another order, is not.
    await zone.deleteRecords(zone.record('a', { name: 'cas.example.test.', ttl: 300, data: ['192.0.2.10'] }));
    expect(await recordsNamed('cas.example.test.')).toEqual([]);
  });

  it('lets exactly one of two racing writers planned from the same read win', async () => {
    await zone.addRecords(zone.record('a', { name: 'race.example.test.', ttl: 60, data: '192.0.2.1' }));
    const [read] = await zone.getRecords({ name: 'race.example.test.', type: 'A' });
    const writers = ['198.51.100.1', '198.51.100.2'].map((ip) =>
      zone.createChange({ delete: read, add: zone.record('a', { name: 'race.example.test.', ttl: 60, data: ip }) }),
    );
    const outcomes = await Promise.allSettled(writers);
    const won = outcomes.findIndex((o) => o.status === 'fulfilled');
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: { code: 412, errors: [{ reason: 'conditionNotMet' }] } });
    const winner = won === 0 ? '198.51.100.1' : '198.51.100.2';
    expect(await recordsNamed('race.example.test.')).toEqual([{ name: 'race.example.test.', type: 'A', ttl: 60, data: [winner] }]);
    await zone.deleteRecords(zone.record('a', { name: 'race.example.test.', ttl: 60, data: winner }));
  });

  it('refuses to add a record set that exists (409 alreadyExists), unless deleted in the same change', async () => {
    const rs = zone.record('a', { name: 'dup.example.test.', ttl: 300, data: ['192.0.2.1', '192.0.2.2'] });
    await zone.addRecords(rs);
    const again = zone.record('a', { name: 'dup.example.test.', ttl: 300, data: ['192.0.2.3'] });
    await expect(zone.addRecords(again)).rejects.toMatchObject({
      code: 409,
      errors: [{ reason: 'alreadyExists', message: expect.stringContaining('entity.change.additions[0]') }],
    });
    await zone.createChange({
      delete: zone.record('a', { name: 'dup.example.test.', ttl: 300, data: ['192.0.2.2', '192.0.2.1'] }),
      add: again,
    });
    expect(await recordsNamed('dup.example.test.')).toEqual([{ name: 'dup.example.test.', type: 'A', ttl: 300, data: ['192.0.2.3'] }]);
    await zone.deleteRecords(again);
  });

  it('reports a change pending when created and done afterwards, and lists the history', async () => {
    const [change, meta] = await zone.createChange({ add: zone.record('txt', { name: 'status.example.test.', ttl: 30, data: '"v=1"' }) });
    expect(meta).toMatchObject({ kind: 'dns#change', status: 'pending', isServing: true });
    expect(Date.parse((meta as { startTime: string }).startTime)).not.toBeNaN();
    const [later] = await change.getMetadata();
    expect(later).toMatchObject({ kind: 'dns#change', id: change.id, status: 'done' });
    expect((later as { additions: unknown[] }).additions).toEqual([
      { kind: 'dns#resourceRecordSet', name: 'status.example.test.', type: 'TXT', ttl: 30, rrdatas: ['"v=1"'], signatureRrdatas: [] },
    ]);

    const [history] = await zone.getChanges();
    const ids = history.map((c) => Number(c.id));
    expect(ids[0]).toBe(0);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids).toContain(Number(change.id));
    const creation = history[0]?.metadata as { additions: { type: string }[] };
    expect(creation.additions.map((a) => a.type).sort()).toEqual(['NS', 'SOA']);
    const [newestFirst] = await zone.getChanges({ sort: 'desc' });
    expect(newestFirst[0]?.id).toBe(change.id);

    await expect(zone.change('999999').getMetadata()).rejects.toMatchObject({ code: 404, errors: [{ reason: 'notFound' }] });
    await zone.deleteRecords(zone.record('txt', { name: 'status.example.test.', ttl: 30, data: '"v=1"' }));
  });

  it('pages record sets: 250 sets with 100 per page, each seen exactly once', async () => {
    const names = Array.from({ length: 250 }, (_, i) => `page-${String(i).padStart(3, '0')}.example.test.`);
    const bulk = names.map((name, i) => zone.record('a', { name, ttl: 120, data: `10.0.${Math.floor(i / 256)}.${i % 256}` }));
    await zone.addRecords(bulk);

    const before = apiCalls('resourceRecordSets.list');
    const [all] = await zone.getRecords();
    expect(apiCalls('resourceRecordSets.list') - before).toBe(3);
    const seen = all.map((r) => plain(r).name).filter((n) => n.startsWith('page-'));
    expect(seen).toHaveLength(250);
    expect(new Set(seen)).toEqual(new Set(names));
    expect(all).toHaveLength(252);

    // The same, page by page, with maxResults and the returned page token.
    const pages: number[] = [];
    const manual: string[] = [];
    type Query = { maxResults?: number; pageToken?: string };
    let query: Query | null = { maxResults: 100 };
    while (query) {
      // With maxResults the client returns one page and the query for the next (null at the end).
      const [records, next] = (await zone.getRecords(query)) as unknown as [DnsRecord[], Query | null];
      pages.push(records.length);
      manual.push(...records.map((r) => `${plain(r).name} ${r.type}`));
      query = next;
    }
    expect(pages).toEqual([100, 100, 52]);
    expect(new Set(manual).size).toBe(252);

    await zone.deleteRecords(bulk);
    expect(await recordsNamed('page-000.example.test.')).toEqual([]);
  });
});

describe('validation', () => {
  const refused = (records: DnsRecord[], field: string) =>
    expect(zone.addRecords(records)).rejects.toMatchObject({
      code: 400,
      errors: [{ reason: 'invalid', message: expect.stringContaining(field) }],
    });

  it('checks names, types and record data before applying anything', async () => {
    await refused([zone.record('a', { name: 'bad-ip.example.test.', ttl: 60, data: '192.0.2' })], 'entity.change.additions[0].rrdatas[0]');
    await refused(
      [zone.record('aaaa', { name: 'bad-v6.example.test.', ttl: 60, data: '192.0.2.1' })],
      'entity.change.additions[0].rrdatas[0]',
    );
    await refused([zone.record('a', { name: 'relative.example.test', ttl: 60, data: '192.0.2.1' })], 'entity.change.additions[0].name');
    await refused([zone.record('a', { name: 'www.other.test.', ttl: 60, data: '192.0.2.1' })], 'entity.change.additions[0].name');
    await refused(
      [zone.record('cname', { name: 'two.example.test.', ttl: 60, data: ['a.example.test.', 'b.example.test.'] })],
      'entity.change.additions[0].rrdatas',
    );
    await refused(
      [zone.record('cname', { name: 'rel.example.test.', ttl: 60, data: 'target.example.test' })],
      'entity.change.additions[0].rrdatas[0]',
    );
    await refused(
      [zone.record('txt', { name: 'txt-bad.example.test.', ttl: 60, data: '"unterminated' })],
      'entity.change.additions[0].rrdatas[0]',
    );
    await refused([zone.record('a', { name: 'ttl.example.test.', ttl: -1, data: '192.0.2.1' })], 'entity.change.additions[0].ttl');
    await refused([zone.record('bogus', { name: 'type.example.test.', ttl: 60, data: 'x' })], 'entity.change.additions[0].type');
    // A valid addition next to an invalid one is not applied either.
    await refused(
      [
        zone.record('a', { name: 'ok.example.test.', ttl: 60, data: '192.0.2.1' }),
        zone.record('aaaa', { name: 'ok.example.test.', ttl: 60, data: 'nope' }),
      ],
      'entity.change.additions[1].rrdatas[0]',
    );
    expect(await recordsNamed('ok.example.test.')).toEqual([]);
  });

  it('refuses a CNAME beside other types at one name', async () => {
    await zone.addRecords(zone.record('a', { name: 'mixed.example.test.', ttl: 60, data: '192.0.2.1' }));
    await expect(
      zone.addRecords(zone.record('cname', { name: 'mixed.example.test.', ttl: 60, data: 'x.example.test.' })),
    ).rejects.toMatchObject({
      code: 400,
      errors: [{ reason: 'cnameResourceRecordSetConflict' }],
    });
    await zone.deleteRecords(zone.record('a', { name: 'mixed.example.test.', ttl: 60, data: '192.0.2.1' }));
  });

  it('refuses an empty change and keeps the apex SOA and NS', async () => {
    await expect(zone.createChange({ add: [] })).rejects.toMatchObject({ code: 400, errors: [{ reason: 'required' }] });
    const [apexNs] = await zone.getRecords({ name: APEX, type: 'NS' });
    await expect(zone.deleteRecords(apexNs)).rejects.toMatchObject({
      code: 400,
      errors: [{ reason: 'invalid', message: expect.stringContaining('apex') }],
    });
  });

  it('answers 403 quotaExceeded past 1,000 additions in one change', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => zone.record('a', { name: `q${i}.example.test.`, ttl: 60, data: '192.0.2.1' }));
    await expect(zone.addRecords(many)).rejects.toMatchObject({
      code: 403,
      errors: [{ reason: 'quotaExceeded', message: expect.stringContaining('additions per change') }],
    });
    expect(await recordsNamed('q0.example.test.')).toEqual([]);
  });
});
