/**
 * The Azure DNS emulator on the wire, with plain https requests: what the SDK
 * never sends (no token, no api-version, lower-case keys, broken JSON) must get
 * ARM's answers, and a few hundred malformed bodies must neither crash, hang
 * nor change anything.
 */
import { Agent, request } from 'node:https';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/emulators/core/faults.js';
import { ZoneStore } from '../../src/emulators/core/zone-store.js';
import { seedAzureZone, startAzureDnsApi } from '../../src/emulators/azure-dns/index.js';
import type { RunningAzureDnsApi } from '../../src/emulators/azure-dns/index.js';

const SUB = '00000000-0000-0000-0000-000000000000';
const RG = 'failover-local';
const ZONE_PATH = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/dnsZones/example.test`;
const V = 'api-version=2018-05-01';
const AUTH = { authorization: 'Bearer emulator-token' };

let api: RunningAzureDnsApi;
let store: ZoneStore;
let zoneId: string;
let agent: Agent;

interface WireResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: { error?: { code?: unknown; message?: unknown }; [k: string]: unknown };
}

function call(
  method: string,
  pathAndQuery: string,
  opts: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<WireResponse> {
  const url = new URL(pathAndQuery, api.endpoint);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, ca: api.caCertPem, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text ? (JSON.parse(text) as WireResponse['json']) : {} });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

function put(relative: string, body: string | Buffer, contentType = 'application/json'): Promise<WireResponse> {
  return call('PUT', `${ZONE_PATH}/${relative}?${V}`, { headers: { ...AUTH, 'content-type': contentType }, body });
}

beforeAll(async () => {
  store = new ZoneStore();
  const faults = new FaultInjector({ bucket: { capacity: 200, refillPerSecond: 10 } });
  api = await startAzureDnsApi({ host: '127.0.0.1', port: 0, store, faults });
  zoneId = seedAzureZone(store, 'example.test', { subscriptionId: SUB, resourceGroup: RG }).zoneId;
  agent = new Agent({ keepAlive: true, maxSockets: 4 });
});

afterAll(async () => {
  agent.destroy();
  await api.stop();
});

describe('request gate', () => {
  it('requires a Bearer token', async () => {
    const missing = await call('GET', `${ZONE_PATH}?${V}`);
    expect(missing.status).toBe(401);
    expect(missing.json.error?.code).toBe('AuthenticationFailed');
    expect(String(missing.headers['www-authenticate'])).toMatch(/^Bearer /);
    const basic = await call('GET', `${ZONE_PATH}?${V}`, { headers: { authorization: 'Basic dXNlcjpwdw==' } });
    expect(basic.status).toBe(401);
    expect(basic.json.error?.code).toBe('AuthenticationFailed');
  });

  it('requires a supported api-version', async () => {
    const missing = await call('GET', ZONE_PATH, { headers: AUTH });
    expect(missing.status).toBe(400);
    expect(missing.json.error?.code).toBe('MissingApiVersionParameter');
    const old = await call('GET', `${ZONE_PATH}?api-version=2016-04-01`, { headers: AUTH });
    expect(old.status).toBe(400);
    expect(old.json.error?.code).toBe('InvalidApiVersionParameter');
    expect(String(old.json.error?.message)).toContain('2018-05-01');
  });

  it('answers unknown paths with 404 and wrong verbs with 405', async () => {
    const unknown = await call('GET', `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Web/sites?${V}`, { headers: AUTH });
    expect(unknown.status).toBe(404);
    const post = await call('POST', `${ZONE_PATH}/A/www?${V}`, { headers: AUTH });
    expect(post.status).toBe(405);
    const badType = await call('GET', `${ZONE_PATH}/HINFO/www?${V}`, { headers: AUTH });
    expect(badType.status).toBe(400);
    expect(String(badType.json.error?.message)).toContain('HINFO');
  });
});

describe('ARM body rules', () => {
  it('sends the ETag in the body and as a header', async () => {
    const res = await put('A/etag', JSON.stringify({ properties: { TTL: 60, ARecords: [{ ipv4Address: '192.0.2.1' }] } }));
    expect(res.status).toBe(201);
    expect(res.headers['etag']).toBe(`"${String(res.json['etag'])}"`);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('matches property names exactly: lower-case keys are dropped, as ARM does', async () => {
    const lower = await put('A/lower', JSON.stringify({ properties: { TTL: 60, arecords: [{ ipv4Address: '192.0.2.1' }] } }));
    expect(lower.status).toBe(201);
    expect((lower.json['properties'] as Record<string, unknown>)['ARecords']).toEqual([]);
    const lowerTtl = await put('A/lowerttl', JSON.stringify({ properties: { ttl: 60, ARecords: [{ ipv4Address: '192.0.2.1' }] } }));
    expect(lowerTtl.status).toBe(400);
    expect(lowerTtl.json.error?.code).toBe('BadRequest');
    expect(String(lowerTtl.json.error?.message)).toContain('properties.TTL');
  });

  it('gives absolute nextLinks that carry api-version and a skip token', async () => {
    const res = await call('GET', `${ZONE_PATH}/all?${V}&$top=1`, { headers: AUTH });
    expect(res.status).toBe(200);
    const next = String(res.json['nextLink']);
    expect(next.startsWith(`${api.endpoint}${ZONE_PATH}/all?`)).toBe(true);
    expect(next).toContain('api-version=2018-05-01');
    expect(next).toContain('$skipToken=');
    const page2 = await call('GET', next, { headers: AUTH });
    expect(page2.status).toBe(200);
    expect((page2.json['value'] as unknown[]).length).toBe(1);
    const forged = await call('GET', `${ZONE_PATH}/all?${V}&$skipToken=not*a*token`, { headers: AUTH });
    expect(forged.status).toBe(400);
  });

  it('answers 413 to an oversized body and 415 to a non-JSON content type', async () => {
    const big = await put('A/big', Buffer.alloc(2 * 1024 * 1024, 0x20));
    expect(big.status).toBe(413);
    const form = await put('A/form', 'TTL=60', 'application/x-www-form-urlencoded');
    expect(form.status).toBe(415);
  });
});

describe('malformed bodies', () => {
  const valid = { properties: { TTL: 60, ARecords: [{ ipv4Address: '192.0.2.1' }] } };
  const notIpv4 = fc.string({ maxLength: 20 }).filter((s) => !/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(s));
  const notInteger = fc.oneof(
    fc.double({ noInteger: true }),
    fc.string(),
    fc.boolean(),
    fc.constant([60]),
    fc.integer({ min: -1000, max: -1 }),
    fc.constant(2 ** 31),
  );
  const malformed: fc.Arbitrary<string | Buffer> = fc.oneof(
    // not JSON at all
    fc.string({ minLength: 1 }).filter((s) => {
      try {
        JSON.parse(s);
        return false;
      } catch {
        return true;
      }
    }),
    // a valid body cut short
    fc.integer({ min: 1, max: JSON.stringify(valid).length - 1 }).map((n) => JSON.stringify(valid).slice(0, n)),
    // JSON that is not an object
    fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.array(fc.jsonValue(), { maxLength: 3 })).map((v) => JSON.stringify(v)),
    // properties of the wrong kind
    fc.oneof(fc.integer(), fc.string(), fc.array(fc.integer(), { maxLength: 3 })).map((p) => JSON.stringify({ properties: p })),
    // a TTL that is not a valid integer
    notInteger.map((ttl) => JSON.stringify({ properties: { TTL: ttl, ARecords: [{ ipv4Address: '192.0.2.1' }] } })),
    // records that are not IPv4 addresses, not objects, or not a list
    notIpv4.map((ip) => JSON.stringify({ properties: { TTL: 60, ARecords: [{ ipv4Address: ip }] } })),
    fc
      .oneof(fc.integer(), fc.string(), fc.constant({ ipv4Address: '192.0.2.1' }))
      .map((r) => JSON.stringify({ properties: { TTL: 60, ARecords: r } })),
    fc
      .oneof(fc.integer(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }))
      .map((item) => JSON.stringify({ properties: { TTL: 60, ARecords: [item] } })),
    // another type's records in an A set
    fc.constant(JSON.stringify({ properties: { TTL: 60, ARecords: [], TXTRecords: [{ value: ['x'] }] } })),
    // metadata that is not a string map
    fc.oneof(fc.integer(), fc.constant({ k: 1 }), fc.constant(['a'])).map((m) => JSON.stringify({ properties: { TTL: 60, metadata: m } })),
    // deep nesting and bytes that are not UTF-8
    fc.integer({ min: 1000, max: 20000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
    fc.constant(Buffer.from([0x7b, 0xff, 0xfe, 0x22, 0x7d])),
  );

  it('answers every one with a 4xx ARM error and changes nothing', async () => {
    const before = await call('GET', `${ZONE_PATH}/A/fuzz?${V}`, { headers: AUTH });
    const seeded = await put('A/fuzz', JSON.stringify(valid));
    expect(before.status).toBe(404);
    expect(seeded.status).toBe(201);
    const serial = store.getZone(zoneId)?.serial;
    // Azure never bumps the SOA serial on other writes, so the versions of every set are the witness too.
    const versions = () => [...(store.getZone(zoneId)?.records.values() ?? [])].map((r) => `${r.name} ${r.type} ${r.version}`).sort();
    const versionsBefore = versions();
    const statuses = new Map<number, number>();

    await fc.assert(
      fc.asyncProperty(malformed, async (body) => {
        const res = await put('A/fuzz', body);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(typeof res.json.error?.code).toBe('string');
        expect(typeof res.json.error?.message).toBe('string');
      }),
      { numRuns: 300, seed: 20251020 },
    );

    expect([...statuses.keys()]).toEqual([400]);
    expect(store.getZone(zoneId)?.serial).toBe(serial); // not one write got through
    expect(versions()).toEqual(versionsBefore);
    const after = await call('GET', `${ZONE_PATH}/A/fuzz?${V}`, { headers: AUTH });
    expect(after.status).toBe(200);
    expect(after.json['etag']).toBe(seeded.json['etag']);
    const good = await put('A/fuzz', JSON.stringify({ properties: { TTL: 90, ARecords: [{ ipv4Address: '192.0.2.77' }] } }));
    expect(good.status).toBe(200);
    expect((good.json['properties'] as Record<string, unknown>)['ARecords']).toEqual([{ ipv4Address: '192.0.2.77' }]);
  });
});
