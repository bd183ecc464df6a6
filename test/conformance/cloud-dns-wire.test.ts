/**
 * The Cloud DNS emulator on the wire, with plain fetch: what the official client
 * never sends (missing credentials, malformed and hostile bodies, the one-set
 * rrsets methods). The emulator must answer each with a Google error, never a
 * crash or a hang, and stay correct afterwards.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import type { RunningApi } from '../../src/emulators/core/api.js';
import { FaultInjector } from '../../src/emulators/core/faults.js';
import { ZoneStore } from '../../src/emulators/core/zone-store.js';
import { seedCloudDnsZone, startCloudDnsApi, type GoogleErrorBody } from '../../src/emulators/cloud-dns/index.js';
import { cloudDnsClient } from '../../src/emulators/cloud-dns/sdk-client.js';

const PROJECT = 'wire-project';
const TOKEN = 'wire-token';
const ZONE = 'wire-test';

const store = new ZoneStore();
const faults = new FaultInjector({ bucket: { capacity: 50, refillPerSecond: 10 } });
let api: RunningApi;
let zoneId: string;
let base: string;

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

async function call(method: string, path: string, body?: string | Uint8Array, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** A Google error body whose code is the HTTP status and whose inner message equals the outer one. */
function expectGoogleError(answer: Answer, status: number, reason?: string): GoogleErrorBody['error'] {
  expect(answer.status).toBe(status);
  const error = (answer.body as GoogleErrorBody).error;
  expect(error.code).toBe(status);
  expect(error.errors).toHaveLength(1);
  expect(error.errors[0]?.message).toBe(error.message);
  if (reason) expect(error.errors[0]?.reason).toBe(reason);
  return error;
}

function snapshot(): string {
  const zone = store.getZone(zoneId);
  return JSON.stringify([...(zone?.records.values() ?? [])]);
}

beforeAll(async () => {
  zoneId = seedCloudDnsZone(store, 'wire.test', { projectId: PROJECT, managedZone: ZONE }).id;
  api = await startCloudDnsApi({ host: '127.0.0.1', port: 0, store, faults, projectIds: [PROJECT] });
  base = `${api.endpoint}/dns/v1/projects/${PROJECT}`;
});

afterAll(async () => {
  await api.stop();
});

describe('authentication and routing', () => {
  it('answers 401 required without a bearer token', async () => {
    const answer = await call('GET', '/managedZones', undefined, { authorization: '' });
    const error = expectGoogleError(answer, 401, 'required');
    expect(error.errors[0]).toMatchObject({ location: 'Authorization', locationType: 'header' });
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expectGoogleError(await call('GET', '/managedZones', undefined, { authorization: 'Basic dXNlcjpwYXNz' }), 401, 'required');
  });

  it('answers 404 notFound for paths that are not Cloud DNS v1 methods, case-sensitively', async () => {
    expectGoogleError(await call('GET', '/managedzones'), 404, 'notFound');
    expectGoogleError(await call('PUT', `/managedZones/${ZONE}/changes`), 404, 'notFound');
    expect(faults.counters().unknown?.client_error).toBeGreaterThanOrEqual(2);
  });

  it('sends Retry-After with a 429 when throttled', async () => {
    faults.set({ throttle: 'always' });
    try {
      const answer = await call('GET', `/managedZones/${ZONE}/rrsets`);
      expectGoogleError(answer, 429, 'rateLimitExceeded');
      expect(answer.headers.get('retry-after')).toBe('1');
    } finally {
      faults.heal();
    }
  });

  it('answers projects.get with the quotas changes are checked against', async () => {
    const answer = await call('GET', '');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      kind: 'dns#project',
      id: PROJECT,
      quota: { kind: 'dns#quota', rrsetAdditionsPerChange: 1000, rrsetDeletionsPerChange: 1000 },
    });
  });
});

describe('one record set at a time (resourceRecordSets)', () => {
  it('creates, gets, patches and deletes, with the change history recording each', async () => {
    const path = `/managedZones/${ZONE}/rrsets`;
    const created = await call('POST', path, JSON.stringify({ name: 'one.wire.test.', type: 'A', ttl: 300, rrdatas: ['192.0.2.1'] }));
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      kind: 'dns#resourceRecordSet',
      name: 'one.wire.test.',
      type: 'A',
      ttl: 300,
      rrdatas: ['192.0.2.1'],
      signatureRrdatas: [],
    });
    expectGoogleError(
      await call('POST', path, JSON.stringify({ name: 'one.wire.test.', type: 'A', ttl: 300, rrdatas: ['192.0.2.1'] })),
      409,
      'alreadyExists',
    );

    const got = await call('GET', `${path}/one.wire.test./A`);
    expect(got.body).toMatchObject({ name: 'one.wire.test.', type: 'A', ttl: 300, rrdatas: ['192.0.2.1'], signatureRrdatas: [] });

    const patched = await call('PATCH', `${path}/one.wire.test./A`, JSON.stringify({ ttl: 30 }));
    expect(patched.body).toEqual({
      kind: 'dns#resourceRecordSet',
      name: 'one.wire.test.',
      type: 'A',
      ttl: 30,
      rrdatas: ['192.0.2.1'],
      signatureRrdatas: [],
    });
    expectGoogleError(await call('PATCH', `${path}/one.wire.test./A`, JSON.stringify({ type: 'AAAA' })), 400, 'invalid');

    expect((await call('DELETE', `${path}/one.wire.test./A`)).status).toBe(200);
    expectGoogleError(await call('GET', `${path}/one.wire.test./A`), 404, 'notFound');
    expectGoogleError(await call('DELETE', `${path}/one.wire.test./A`), 404, 'notFound');

    const history = await call('GET', `/managedZones/${ZONE}/changes?sortOrder=descending&maxResults=3`);
    const changes = (history.body as { changes: { additions: { ttl: number }[]; deletions: { ttl: number }[] }[] }).changes;
    expect(changes.map((c) => [c.additions.map((a) => a.ttl), c.deletions.map((d) => d.ttl)])).toEqual([
      [[], [30]],
      [[30], [300]],
      [[300], []],
    ]);
  });

  it('rejects bad query parameters with the parameter named', async () => {
    const error = expectGoogleError(await call('GET', `/managedZones/${ZONE}/rrsets?maxResults=-5`), 400, 'invalid');
    expect(error.message).toContain('parameters.maxResults');
    expect(expectGoogleError(await call('GET', `/managedZones/${ZONE}/rrsets?pageToken=garbage`), 400, 'invalid').message).toContain(
      'parameters.pageToken',
    );
    expect(expectGoogleError(await call('GET', `/managedZones/${ZONE}/rrsets?type=A`), 400, 'invalid').message).toContain(
      'parameters.type',
    );
  });
});

describe('malformed bodies', () => {
  const changes = () => `/managedZones/${ZONE}/changes`;
  /** A change that can never apply: its deletion names a record that does not exist. */
  const stale = { name: 'never.wire.test.', type: 'A', ttl: 60, rrdatas: ['192.0.2.250'] };
  const valid = { additions: [{ name: 'fuzz.wire.test.', type: 'A', ttl: 60, rrdatas: ['192.0.2.1'] }], deletions: [stale] };

  it('names the missing or invalid field', async () => {
    const missing = expectGoogleError(
      await call('POST', changes(), JSON.stringify({ additions: [{ type: 'A', ttl: 1, rrdatas: ['192.0.2.1'] }] })),
      400,
      'required',
    );
    expect(missing.message).toContain('entity.change.additions[0].name');
    const unknown = expectGoogleError(await call('POST', changes(), JSON.stringify({ additions: [], extra: 1 })), 400, 'invalid');
    expect(unknown.message).toContain('Unknown name "extra"');
    const wrongType = expectGoogleError(
      await call('POST', changes(), JSON.stringify({ additions: [{ ...stale, ttl: 'soon' }] })),
      400,
      'invalid',
    );
    expect(wrongType.message).toContain('entity.change.additions[0].ttl');
    expectGoogleError(await call('POST', changes(), '{"additions": ['), 400, 'parseError');
    expectGoogleError(await call('POST', changes(), ''), 400, 'required');
    expectGoogleError(await call('POST', '/managedZones', JSON.stringify({ name: 'no-dns-name', description: '' })), 400, 'required');
  });

  it('survives hostile bodies: huge, deeply nested, not UTF-8, bad gzip, other content types', async () => {
    const huge = JSON.stringify({ additions: [{ ...stale, rrdatas: ['x'.repeat(3 * 1024 * 1024)] }] });
    expectGoogleError(await call('POST', changes(), huge), 413, 'uploadTooLarge');
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect((await call('POST', changes(), deep)).status).toBe(400);
    const deepObject = `{"additions":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    expectGoogleError(await call('POST', changes(), deepObject), 400, 'invalid');
    expect((await call('POST', changes(), new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))).status).toBe(400);
    expect(await call('POST', changes(), new Uint8Array([1, 2, 3]), { 'content-encoding': 'gzip' })).toMatchObject({ status: 400 });
    // Google's front end reads JSON whatever the declared type; gzip is accepted.
    expectGoogleError(await call('POST', changes(), JSON.stringify(valid), { 'content-type': 'text/plain' }), 412, 'conditionNotMet');
    expectGoogleError(
      await call('POST', changes(), gzipSync(JSON.stringify(valid)), { 'content-encoding': 'gzip' }),
      412,
      'conditionNotMet',
    );
    expectGoogleError(
      await call('POST', changes(), JSON.stringify({ additions: [{ ...stale, name: 'nul\u0000.wire.test.' }] })),
      400,
      'invalid',
    );
  });

  it('answers a few hundred generated malformed bodies with 4xx Google errors and applies none of them', async () => {
    const before = snapshot();
    const statuses = new Map<number, number>();
    const field = fc.constantFrom('name', 'type', 'ttl', 'rrdatas', 'kind', 'signatureRrdatas', 'routingPolicy');
    const mutatedChange = fc.tuple(field, fc.jsonValue(), fc.boolean()).map(([key, value, drop]) => {
      const addition: Record<string, unknown> = { ...valid.additions[0] };
      if (drop) delete addition[key];
      else addition[key] = value;
      return JSON.stringify({ additions: [addition], deletions: [stale] });
    });
    const body = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.json({ maxDepth: 4 }),
      mutatedChange,
      fc.nat({ max: JSON.stringify(valid).length - 1 }).map((cut) => JSON.stringify(valid).slice(0, cut)),
    );
    const target = fc.constantFrom(
      { method: 'POST', path: changes() },
      { method: 'POST', path: '/managedZones' },
      { method: 'POST', path: `/managedZones/${ZONE}/rrsets` },
      { method: 'PATCH', path: `/managedZones/${ZONE}/rrsets/${ZONE}/SOA` },
    );

    await fc.assert(
      fc.asyncProperty(target, body, async ({ method, path }, payload) => {
        const answer = await call(method, path, payload);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        expect([400, 403, 404, 409, 412, 413]).toContain(answer.status);
        expectGoogleError(answer, answer.status);
      }),
      { numRuns: 300, seed: 20251020 },
    );

    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(300);
    expect(statuses.get(400)).toBeGreaterThan(100);
    expect(snapshot()).toBe(before);

    // Still correct afterwards, through the official client.
    const dns = cloudDnsClient({ endpoint: api.endpoint, projectId: PROJECT, token: TOKEN, maxRetries: 0 });
    const zone = dns.zone(ZONE);
    await zone.addRecords(zone.record('a', { name: 'after.wire.test.', ttl: 60, data: '192.0.2.9' }));
    const [records] = await zone.getRecords({ name: 'after.wire.test.', type: 'A' });
    expect(records.map((r) => [r.type, r.data])).toEqual([['A', ['192.0.2.9']]]);
    expect(faults.counters()['changes.create']?.server_error ?? 0).toBe(0);
  });
});
