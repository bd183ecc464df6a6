/**
 * Fault injection seen through the official @azure/arm-dns client: throttling
 * (429 + retry-after) and injected 500s are retried by the SDK's own retry
 * policy; a downed API refuses connections and comes back on heal.
 */
import { DnsManagementClient } from '@azure/arm-dns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/emulators/core/faults.js';
import { ZoneStore, recordKey } from '../../src/emulators/core/zone-store.js';
import { seedAzureZone, startAzureDnsApi } from '../../src/emulators/azure-dns/index.js';
import type { RunningAzureDnsApi } from '../../src/emulators/azure-dns/index.js';

const SUB = '00000000-0000-0000-0000-000000000000';
const RG = 'failover-local';
const ZONE = 'example.test';

let store: ZoneStore;
let faults: FaultInjector;
let api: RunningAzureDnsApi;
let zoneId: string;
/** Values handed out by the injector's `random`, oldest first; 0.99 when empty (no error). */
const randoms: number[] = [];
/** The injector's clock, moved by hand so the token bucket refills deterministically. */
let clockMs = 0;

interface Attempt {
  status: number;
  retryAfter?: string;
}

/** A client plus a log of every attempt it sends (the spy sits after the retry policy). */
function makeClient(maxRetries: number, onAttempt?: (a: Attempt) => void) {
  const attempts: Attempt[] = [];
  const client = new DnsManagementClient(
    { getToken: async () => ({ token: 'emulator-token', expiresOnTimestamp: Date.now() + 3_600_000 }) },
    SUB,
    {
      endpoint: api.endpoint,
      tlsOptions: { ca: api.caCertPem },
      retryOptions: { maxRetries, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
    },
  );
  client.pipeline.addPolicy(
    {
      name: 'attempt-spy',
      sendRequest: async (request, next) => {
        const response = await next(request);
        const attempt = { status: response.status, retryAfter: response.headers.get('retry-after') };
        attempts.push(attempt);
        onAttempt?.(attempt);
        return response;
      },
    },
    { afterPhase: 'Retry' },
  );
  return { client, attempts };
}

beforeAll(async () => {
  store = new ZoneStore();
  faults = new FaultInjector({
    bucket: { capacity: 200, refillPerSecond: 10 },
    now: () => clockMs,
    random: () => randoms.shift() ?? 0.99,
  });
  api = await startAzureDnsApi({ host: '127.0.0.1', port: 0, store, faults });
  zoneId = seedAzureZone(store, ZONE, { subscriptionId: SUB, resourceGroup: RG }).zoneId;
});

afterAll(async () => {
  await api.stop();
});

beforeEach(async () => {
  faults.heal();
  await api.settled();
  faults.resetCounters();
  randoms.length = 0;
});

describe('throttling', () => {
  it('answers 429 with retry-after and the SDK retries to success', async () => {
    faults.set({ throttle: 'always' });
    // Lift the throttle once the client has seen one 429, so exactly one retry follows.
    const { client, attempts } = makeClient(2, (a) => {
      if (a.status === 429) faults.set({ throttle: 'off' });
    });
    const rs = await client.recordSets.createOrUpdate(RG, ZONE, 'www', 'A', { ttl: 60, aRecords: [{ ipv4Address: '192.0.2.1' }] });
    expect(rs.aRecords).toEqual([{ ipv4Address: '192.0.2.1' }]);
    expect(attempts).toEqual([
      { status: 429, retryAfter: '1' },
      { status: 201, retryAfter: undefined },
    ]);
    expect(faults.counters()['RecordSets_CreateOrUpdate']).toMatchObject({ total: 2, throttled: 1, ok: 1 });
    expect(store.getZone(zoneId)?.records.get(recordKey('www.example.test.', 'A'))?.values).toEqual(['192.0.2.1']);
  });

  it('uses the token bucket: a burst beyond capacity is throttled until tokens refill', async () => {
    faults.set({ throttle: 'bucket', bucket: { capacity: 2, refillPerSecond: 10 } });
    const { client, attempts } = makeClient(2, (a) => {
      if (a.status === 429) clockMs += 1000; // the retry-after second passes for the bucket too
    });
    await client.recordSets.get(RG, ZONE, '@', 'NS');
    await client.recordSets.get(RG, ZONE, '@', 'SOA');
    const third = await client.recordSets.get(RG, ZONE, '@', 'NS');
    expect(third.ttl).toBe(172800);
    expect(attempts.map((a) => a.status)).toEqual([200, 200, 429, 200]);
    expect(attempts[2]?.retryAfter).toBe('1');
    expect(faults.counters()['RecordSets_Get']).toMatchObject({ total: 4, ok: 3, throttled: 1 });
  });

  it('gives up with a 429 RestError when retries run out', async () => {
    faults.set({ throttle: 'always' });
    const { client, attempts } = makeClient(0);
    await expect(client.recordSets.get(RG, ZONE, '@', 'NS')).rejects.toMatchObject({ statusCode: 429, code: 'TooManyRequests' });
    expect(attempts).toHaveLength(1);
  });
});

describe('injected server errors', () => {
  it('retries 500s and succeeds', async () => {
    faults.set({ errorRate: 0.5 });
    randoms.push(0.1, 0.2); // two errors, then the default 0.99 passes
    const { client, attempts } = makeClient(3);
    const rs = await client.recordSets.createOrUpdate(RG, ZONE, 'api', 'A', { ttl: 60, aRecords: [{ ipv4Address: '192.0.2.7' }] });
    expect(rs.fqdn).toBe('api.example.test.');
    expect(attempts.map((a) => a.status)).toEqual([500, 500, 201]);
    expect(faults.counters()['RecordSets_CreateOrUpdate']).toMatchObject({ total: 3, injected_error: 2, ok: 1 });
  });

  it('surfaces the 500 once retries are exhausted, without writing', async () => {
    faults.set({ errorRate: 1 });
    const { client, attempts } = makeClient(2);
    await expect(
      client.recordSets.createOrUpdate(RG, ZONE, 'never', 'A', { ttl: 60, aRecords: [{ ipv4Address: '192.0.2.8' }] }),
    ).rejects.toMatchObject({
      statusCode: 500,
      code: 'InternalServerError',
    });
    expect(attempts).toHaveLength(3);
    expect(faults.counters()['RecordSets_CreateOrUpdate']).toMatchObject({ total: 3, injected_error: 3 });
    expect(store.getZone(zoneId)?.records.get(recordKey('never.example.test.', 'A'))).toBeUndefined();
  });
});

describe('API down', () => {
  it('refuses connections while down and serves again after heal', async () => {
    const { client } = makeClient(1);
    await client.recordSets.get(RG, ZONE, '@', 'NS');
    faults.set({ apiDown: true });
    await api.settled();
    await expect(client.recordSets.get(RG, ZONE, '@', 'NS')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(faults.counters()['RecordSets_Get']?.total).toBe(1); // nothing reached the API while down

    faults.heal();
    await api.settled();
    const ns = await client.recordSets.get(RG, ZONE, '@', 'NS');
    expect(ns.nsRecords).toHaveLength(4);
    expect(faults.counters()['RecordSets_Get']).toMatchObject({ total: 2, ok: 2 });
  });
});
