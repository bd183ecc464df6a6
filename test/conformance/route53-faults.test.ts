/**
 * Route 53 emulator faults as the official SDK experiences them: throttling
 * (`Throttling: Rate exceeded`) and injected 5xx are retried by the SDK's own
 * retry strategy, a down API refuses connections, and the token bucket
 * throttles a burst beyond its capacity. Counters show every attempt.
 */
import {
  ListResourceRecordSetsCommand,
  Route53Client,
  GetHostedZoneCommand,
  ChangeResourceRecordSetsCommand,
} from '@aws-sdk/client-route-53';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../../src/emulators/core/api.js';
import { FaultInjector, type Outcome } from '../../src/emulators/core/faults.js';
import { ZoneStore } from '../../src/emulators/core/zone-store.js';
import { EMULATOR_DEFAULTS } from '../../src/emulators/defaults.js';
import { seedRoute53Zone, startRoute53Api } from '../../src/emulators/route53/index.js';

let clock = 1_000_000;
const store = new ZoneStore();
// A test clock: the token bucket refills only when a test moves time on.
const faults = new FaultInjector({ bucket: EMULATOR_DEFAULTS.buckets.route53, now: () => clock });
let api: RunningApi;
let zoneId: string;
const clients: Route53Client[] = [];

function client(maxAttempts: number): Route53Client {
  const c = new Route53Client({
    region: 'us-east-1',
    endpoint: api.endpoint,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    retryStrategy: new ConfiguredRetryStrategy(maxAttempts, 20),
  });
  clients.push(c);
  return c;
}

/** Heal the faults right after the n-th request with `outcome`, so retries then succeed. */
function healAfter(n: number, outcome: Outcome): void {
  let seen = 0;
  const record = faults.record.bind(faults);
  faults.record = (operation, o) => {
    record(operation, o);
    if (o === outcome && ++seen === n) {
      faults.heal();
      faults.record = record;
    }
  };
}

beforeAll(async () => {
  api = await startRoute53Api({ host: '127.0.0.1', port: 0, store, faults });
  zoneId = seedRoute53Zone(store, 'faults.test').hostedZoneId;
});

afterEach(async () => {
  faults.heal();
  await api.settled();
  faults.resetCounters();
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await api?.stop();
});

const createA = (name: string) =>
  new ChangeResourceRecordSetsCommand({
    HostedZoneId: zoneId,
    ChangeBatch: {
      Changes: [{ Action: 'CREATE', ResourceRecordSet: { Name: name, Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.1' }] } }],
    },
  });

describe('route53 faults', () => {
  it('throttles with Throttling: Rate exceeded, which the SDK retries to success', async () => {
    faults.set({ throttle: 'always' });
    healAfter(2, 'throttled');
    const out = await client(4).send(createA('throttled.faults.test.'));
    expect(out.ChangeInfo?.Status).toBe('PENDING');
    expect(out.$metadata.attempts).toBe(3);
    expect(faults.counters().ChangeResourceRecordSets).toEqual({
      total: 3,
      ok: 1,
      client_error: 0,
      server_error: 0,
      throttled: 2,
      injected_error: 0,
    });
    expect(store.getZone(zoneId)?.records.get('throttled.faults.test.|A')?.values).toEqual(['192.0.2.1']);
  });

  it('gives up with a typed Throttling error when throttling lasts longer than the retries', async () => {
    faults.set({ throttle: 'always' });
    const err = (await client(3)
      .send(new GetHostedZoneCommand({ Id: zoneId }))
      .catch((e: unknown) => e)) as {
      name: string;
      message: string;
      $metadata: { httpStatusCode: number; attempts: number };
      $retryable?: { throttling?: boolean };
    };
    expect(err.name).toBe('Throttling');
    expect(err.message).toBe('Rate exceeded');
    expect(err.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 3 });
    expect(faults.counters().GetHostedZone).toMatchObject({ total: 3, throttled: 3 });
  });

  it('answers InternalFailure 500 at errorRate 1, which the SDK retries after healing', async () => {
    faults.set({ errorRate: 1 });
    healAfter(1, 'injected_error');
    const out = await client(3).send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
    expect(out.ResourceRecordSets?.map((s) => `${s.Name} ${s.Type}`)).toEqual([
      'faults.test. NS',
      'faults.test. SOA',
      'throttled.faults.test. A',
    ]);
    expect(out.$metadata.attempts).toBe(2);
    expect(faults.counters().ListResourceRecordSets).toMatchObject({ total: 2, ok: 1, injected_error: 1 });

    faults.set({ errorRate: 1 });
    const err = (await client(2)
      .send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }))
      .catch((e: unknown) => e)) as {
      name: string;
      $fault: string;
      $metadata: { httpStatusCode: number; attempts: number };
    };
    expect(err.name).toBe('InternalFailure');
    expect(err.$fault).toBe('server');
    expect(err.$metadata).toMatchObject({ httpStatusCode: 500, attempts: 2 });
  });

  it('refuses connections while the API is down, and serves again once healed', async () => {
    faults.set({ apiDown: true });
    await api.settled();
    const err = (await client(2)
      .send(new GetHostedZoneCommand({ Id: zoneId }))
      .catch((e: unknown) => e)) as { code?: string; $metadata?: { attempts?: number } };
    expect(err.code).toBe('ECONNREFUSED');
    expect(faults.totalRequests()).toBe(0);
    faults.heal();
    await api.settled();
    const out = await client(2).send(new GetHostedZoneCommand({ Id: zoneId }));
    expect(out.HostedZone?.Name).toBe('faults.test.');
    expect(faults.counters().GetHostedZone).toMatchObject({ total: 1, ok: 1 });
  });

  it('throttles a burst beyond the token bucket (capacity 50, 10/s) and refills with time', async () => {
    faults.set({ throttle: 'bucket', bucket: { capacity: 50, refillPerSecond: 10 } });
    const once = client(1);
    const burst = await Promise.allSettled(Array.from({ length: 60 }, () => once.send(new GetHostedZoneCommand({ Id: zoneId }))));
    const ok = burst.filter((r) => r.status === 'fulfilled');
    const throttled = burst.filter((r) => r.status === 'rejected' && (r.reason as Error).name === 'Throttling');
    expect(ok).toHaveLength(50);
    expect(throttled).toHaveLength(10);
    expect(faults.counters().GetHostedZone).toMatchObject({ total: 60, ok: 50, throttled: 10 });
    clock += 1000;
    const refill = await Promise.allSettled(Array.from({ length: 12 }, () => once.send(new GetHostedZoneCommand({ Id: zoneId }))));
    expect(refill.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
  });
});
