/**
 * Faults of the Cloud DNS emulator as the official client lives through them:
 * throttling (429) and server errors (503) retried by the client's own retry
 * logic, the API down (connection refused), and the per-operation counters.
 *
 * The client waits 2^n s (+ up to 1 s jitter) between attempts and offers no
 * knob for the delay, so these tests run its timers on a fake clock (only
 * setTimeout and Date are faked; sockets stay real) and drive it forward
 * whenever it waits. The number of retries is set with `limitCloudDnsRetries`.
 */
import { DNS } from '@google-cloud/dns';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningApi } from '../../src/emulators/core/api.js';
import { FaultInjector, type RequestVerdict } from '../../src/emulators/core/faults.js';
import { ZoneStore } from '../../src/emulators/core/zone-store.js';
import { seedCloudDnsZone, startCloudDnsApi } from '../../src/emulators/cloud-dns/index.js';
import { cloudDnsClient } from '../../src/emulators/cloud-dns/sdk-client.js';

const PROJECT = 'faults-project';
const TOKEN = 'faults-token';
const ZONE = 'faults-test';

/** Heals itself after a number of faulted requests, as an outage that clears. */
class ClearingFaults extends FaultInjector {
  private remaining = Infinity;
  clearAfter(faultedRequests: number): void {
    this.remaining = faultedRequests;
  }
  override async admit(): Promise<RequestVerdict> {
    const verdict = await super.admit();
    if (verdict.kind !== 'pass' && --this.remaining <= 0) {
      this.remaining = Infinity;
      this.heal();
    }
    return verdict;
  }
}

const store = new ZoneStore();
const faults = new ClearingFaults({ bucket: { capacity: 50, refillPerSecond: 10 } });
let api: RunningApi;

/** Run `call` with the client's timers on a fake clock; returns its result and the fake time it waited. */
async function onFakeClock<T>(call: () => Promise<T>): Promise<{ result: PromiseSettledResult<T>; waitedMs: number }> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  const start = Date.now();
  const settled = call().then(
    (value): PromiseSettledResult<T> => ({ status: 'fulfilled', value }),
    (reason: unknown): PromiseSettledResult<T> => ({ status: 'rejected', reason }),
  );
  let result: PromiseSettledResult<T> | undefined;
  void settled.then((r) => (result = r));
  try {
    while (!result) {
      // A pending timer is the client backing off: jump to it. Otherwise real I/O is in flight.
      if (vi.getTimerCount() > 0) await vi.advanceTimersToNextTimerAsync();
      else await new Promise((r) => setImmediate(r));
    }
    return { result, waitedMs: Date.now() - start };
  } finally {
    vi.useRealTimers();
  }
}

function count(operation: string) {
  return faults.counters()[operation] ?? { total: 0, ok: 0, client_error: 0, server_error: 0, throttled: 0, injected_error: 0 };
}

beforeAll(async () => {
  seedCloudDnsZone(store, 'faults.test', { projectId: PROJECT, managedZone: ZONE });
  api = await startCloudDnsApi({ host: '127.0.0.1', port: 0, store, faults, projectIds: [PROJECT] });
});

afterEach(() => {
  faults.heal();
  faults.resetCounters();
});

afterAll(async () => {
  await api.stop();
});

describe('throttling and server errors', () => {
  it('retries a throttled change (429) until the throttling clears, and applies it once', async () => {
    const dns = cloudDnsClient({ endpoint: api.endpoint, projectId: PROJECT, token: TOKEN, maxRetries: 3 });
    const zone = dns.zone(ZONE);
    faults.set({ throttle: 'always' });
    faults.clearAfter(2);

    const record = zone.record('a', { name: 'throttled.faults.test.', ttl: 60, data: '192.0.2.1' });
    const { result, waitedMs } = await onFakeClock(() => zone.addRecords(record));

    expect(result.status).toBe('fulfilled');
    expect(count('changes.create')).toMatchObject({ total: 3, throttled: 2, ok: 1 });
    // Two back-offs: 2 s and 4 s, each plus up to 1 s of jitter.
    expect(waitedMs).toBeGreaterThanOrEqual(6000);
    expect(waitedMs).toBeLessThan(8000);
    const [records] = await zone.getRecords({ name: 'throttled.faults.test.' });
    expect(records.map((r) => r.data)).toEqual([['192.0.2.1']]);
    const [changes] = await zone.getChanges();
    expect(
      changes.filter((c) => (c.metadata as { additions: { name: string }[] }).additions.some((a) => a.name === 'throttled.faults.test.')),
    ).toHaveLength(1);
  });

  it('retries a 503 backendError until the errors stop', async () => {
    const dns = cloudDnsClient({ endpoint: api.endpoint, projectId: PROJECT, token: TOKEN, maxRetries: 3 });
    faults.set({ errorRate: 1 });
    faults.clearAfter(2);

    const { result } = await onFakeClock(() => dns.zone(ZONE).getRecords({ name: 'faults.test.' }));

    expect(result.status).toBe('fulfilled');
    const records = result.status === 'fulfilled' ? result.value[0] : [];
    expect(records.map((r) => r.type).sort()).toEqual(['NS', 'SOA']);
    expect(count('resourceRecordSets.list')).toMatchObject({ total: 3, injected_error: 2, ok: 1 });
  });

  it('gives up after maxRetries with the Google error of the last attempt', async () => {
    const dns = cloudDnsClient({ endpoint: api.endpoint, projectId: PROJECT, token: TOKEN, maxRetries: 1 });
    faults.set({ throttle: 'always' });
    const throttled = await onFakeClock(() => dns.getZones());
    expect(throttled.result).toMatchObject({
      status: 'rejected',
      reason: { code: 429, errors: [{ reason: 'rateLimitExceeded', domain: 'usageLimits' }] },
    });
    expect(count('managedZones.list')).toMatchObject({ total: 2, throttled: 2 });

    faults.heal();
    faults.set({ errorRate: 1 });
    const failing = await onFakeClock(() => dns.zone(ZONE).get());
    expect(failing.result).toMatchObject({ status: 'rejected', reason: { code: 503, errors: [{ reason: 'backendError' }] } });
    expect(count('managedZones.get')).toMatchObject({ total: 2, injected_error: 2 });
  });

  it('retries 3 times by default, and ignores retry options given to new DNS()', async () => {
    const authClient = new OAuth2Client();
    authClient.setCredentials({ access_token: TOKEN });
    // Accepted by the client's types, but never passed on to its request layer.
    const dns = new DNS({ projectId: PROJECT, authClient, maxRetries: 0, autoRetry: false } as ConstructorParameters<typeof DNS>[0]);
    dns.baseUrl = `${api.endpoint}/dns/v1`;
    faults.set({ errorRate: 1 });
    const { result } = await onFakeClock(() => dns.getZones());
    expect(result).toMatchObject({ status: 'rejected', reason: { code: 503 } });
    expect(count('managedZones.list')).toMatchObject({ total: 4, injected_error: 4 });
  });
});

describe('API down', () => {
  it('refuses connections while down and serves again once healed', async () => {
    const dns = cloudDnsClient({ endpoint: api.endpoint, projectId: PROJECT, token: TOKEN, maxRetries: 0 });
    faults.set({ apiDown: true });
    await api.settled();

    // Connection errors are retried 3 times whatever maxRetries says (fixed noResponseRetries).
    const down = await onFakeClock(() => dns.getZones());
    expect(down.result).toMatchObject({ status: 'rejected', reason: { code: 'ECONNREFUSED' } });
    expect(faults.totalRequests()).toBe(0);

    faults.heal();
    await api.settled();
    const [zones] = await dns.getZones();
    expect(zones.map((z) => z.name)).toEqual([ZONE]);
    expect(count('managedZones.list')).toMatchObject({ total: 1, ok: 1 });
  });
});
