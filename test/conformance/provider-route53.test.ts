/**
 * The Route 53 adapter through the official AWS SDK against the in-process
 * Route 53 emulator: the shared provider contract, then what is particular to
 * Route 53 (a stale name in a batch does not block the others, the number of
 * calls a large move costs, pacing under the token bucket, error kinds,
 * GetChange).
 */
import { InvalidChangeBatch, InvalidInput, PriorRequestNotComplete, Route53ServiceException } from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownershipName, ownershipRecord } from '../../src/dns/ownership.js';
import { recordKey } from '../../src/dns/record.js';
import type { RecordSet } from '../../src/dns/record.js';
import type { RunningApi } from '../../src/emulators/core/api.js';
import { FaultInjector } from '../../src/emulators/core/faults.js';
import type { TokenBucketSettings } from '../../src/emulators/core/faults.js';
import { ZoneStore } from '../../src/emulators/core/zone-store.js';
import { EMULATOR_DEFAULTS } from '../../src/emulators/defaults.js';
import { seedRoute53Zone, startRoute53Api } from '../../src/emulators/route53/index.js';
import { packRoute53 } from '../../src/plan/batching.js';
import type { ProviderPlan } from '../../src/plan/change.js';
import { planProvider } from '../../src/plan/plan-provider.js';
import type { DesiredRecord, ProviderState } from '../../src/plan/state.js';
import { isProviderError } from '../../src/providers/provider.js';
import type { ProviderError } from '../../src/providers/provider.js';
import { LIST_PAGE_SIZE, createRoute53Provider } from '../../src/providers/route53.js';
import type { Route53Provider, Route53ProviderOptions } from '../../src/providers/route53.js';
import { classifyRoute53Error } from '../../src/providers/route53-codec.js';
import { describeProviderContract } from './provider-contract.js';
import type { ProviderFixture } from './provider-contract.js';

const FAST_POLICY = { timeoutMs: 2000, maxAttempts: 8, baseDelayMs: 20, maxDelayMs: 200 };
const CREDENTIALS = { accessKeyId: EMULATOR_DEFAULTS.route53.accessKeyId, secretAccessKey: EMULATOR_DEFAULTS.route53.secretAccessKey };

interface Emulator {
  readonly api: RunningApi;
  readonly store: ZoneStore;
  readonly faults: FaultInjector;
  readonly hostedZoneId: string;
  adapter(options?: Partial<Route53ProviderOptions>, hostedZoneId?: string): Route53Provider;
  handEdit(rs: RecordSet): void;
  /** Many record sets at once, straight into the store (fixtures for large zones). */
  seed(sets: readonly RecordSet[]): void;
  stop(): Promise<void>;
}

async function startEmulator(bucket: TokenBucketSettings = EMULATOR_DEFAULTS.buckets.route53): Promise<Emulator> {
  const store = new ZoneStore();
  const faults = new FaultInjector({ bucket });
  const api = await startRoute53Api({ host: '127.0.0.1', port: 0, store, faults });
  const { hostedZoneId } = seedRoute53Zone(store, 'example.test');
  const adapters: Route53Provider[] = [];
  return {
    api,
    store,
    faults,
    hostedZoneId,
    adapter(options = {}, zoneId = hostedZoneId) {
      const adapter = createRoute53Provider(
        { hostedZoneId: zoneId, region: EMULATOR_DEFAULTS.route53.region, endpoint: api.endpoint, credentials: CREDENTIALS },
        { zone: 'example.test', policy: FAST_POLICY, ...options },
      );
      adapters.push(adapter);
      return adapter;
    },
    handEdit(rs) {
      store.transact(hostedZoneId, (draft) => draft.put({ name: rs.name, type: rs.type, ttl: rs.ttl, values: rs.values }));
    },
    seed(sets) {
      store.transact(hostedZoneId, (draft) =>
        sets.forEach((rs) => draft.put({ name: rs.name, type: rs.type, ttl: rs.ttl, values: rs.values })),
      );
    },
    async stop() {
      await Promise.all(adapters.map((a) => a.close()));
      await api.stop();
    },
  };
}

describeProviderContract('route53', async (): Promise<ProviderFixture> => {
  const emu = await startEmulator();
  return { provider: emu.adapter(), faults: emu.faults, handEdit: (rs) => emu.handEdit(rs), stop: () => emu.stop() };
});

const OWNER = 'r53-test';
let generation = 0;
const a = (name: string, ...addresses: string[]): DesiredRecord => ({ name, type: 'A', ttl: 30, values: addresses });
const plan = (desired: DesiredRecord[], state: ProviderState, managedNames?: string[]): ProviderPlan =>
  planProvider(desired, state, { owner: OWNER, generation: ++generation, managedNames });
const valuesAt = (state: ProviderState, name: string) => state.records.get(recordKey(name, 'A'))?.record.values;
const ip = (i: number, third = 0) => `10.${third}.${Math.floor(i / 250)}.${i % 250}`;
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as ProviderError,
  );

describe('route53 adapter: batches and conflicts', () => {
  let emu: Emulator;
  let r53: Route53Provider;
  beforeAll(async () => {
    emu = await startEmulator();
    r53 = emu.adapter();
  });
  afterAll(() => emu.stop());

  it('applies the other names of a batch when one of them is stale, and reports only the stale one', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `split-${i}.example.test.`);
    await r53.apply(
      plan(
        names.map((n, i) => a(n, ip(i))),
        await r53.read(names),
      ),
    );
    const move = plan(
      names.map((n, i) => a(n, ip(i, 1))),
      await r53.read(names),
    );
    expect(packRoute53(move.changes)).toHaveLength(1);
    // Another writer changes one name after our read.
    emu.handEdit({ name: names[7]!, type: 'A', ttl: 30, values: ['192.0.2.77'] });
    emu.faults.resetCounters();
    const report = await r53.apply(move);
    expect(report.conflicts.map((c) => c.change.name)).toEqual([names[7]]);
    expect(report.conflicts[0]!.message).toBe(
      `${names[7]} A changed since it was read (found on re-reading after Route 53 refused its batch as stale)`,
    );
    expect(report.applied).toHaveLength(39);
    // Refused batch + fresh read of the batch (a small zone: one listing page) + the re-sent batch.
    expect(emu.faults.counters().ChangeResourceRecordSets?.total).toBe(2);
    expect(emu.faults.counters().ListResourceRecordSets?.total).toBe(1);
    expect(report.apiCalls).toBe(3);
    expect(report.changeIds).toHaveLength(1);
    const after = await r53.read(names);
    expect(valuesAt(after, names[7]!)).toEqual(['192.0.2.77']);
    expect(names.every((n, i) => i === 7 || valuesAt(after, n)?.[0] === ip(i, 1))).toBe(true);
  });

  it('re-checks a few stale sets in a large zone with one lookup per set instead of listing the zone', async () => {
    emu.seed(Array.from({ length: 1500 }, (_, i) => a(`filler-${i}.example.test.`, ip(i, 2))));
    const names = ['few-1.example.test.', 'few-2.example.test.'];
    await r53.apply(
      plan(
        names.map((n, i) => a(n, ip(i, 3))),
        await r53.read(names),
      ),
    );
    const move = plan(
      names.map((n, i) => a(n, ip(i, 4))),
      await r53.read(names),
    );
    emu.handEdit({ name: names[0]!, type: 'A', ttl: 30, values: ['192.0.2.1'] });
    emu.faults.resetCounters();
    const report = await r53.apply(move);
    expect(report.conflicts.map((c) => c.change.name)).toEqual([names[0]]);
    expect(report.applied.map((c) => c.name)).toEqual([names[1]]);
    // Two names, each an A and an ownership TXT: 4 lookups, fewer than the zone's 6 pages.
    expect(emu.faults.counters().ListResourceRecordSets?.total).toBe(4);
    expect(report.apiCalls).toBe(6);
  });

  it('reports a single stale name at once, without a re-read', async () => {
    const name = 'single.example.test.';
    await r53.apply(plan([a(name, '192.0.2.5')], await r53.read([name])));
    const stale = plan([a(name, '192.0.2.6')], await r53.read([name]));
    emu.handEdit({ name: ownershipName(name), type: 'TXT', ttl: 300, values: ['"mcf-owner=someone-else;generation=99;type=A"'] });
    const report = await r53.apply(stale);
    expect(report.conflicts).toHaveLength(1);
    expect(report.conflicts[0]!.message).toMatch(/route53: conflict: .*do not match/);
    expect(report.apiCalls).toBe(1);
  });

  it('reads the asked names and their ownership records, and on request every owned name of the zone', async () => {
    const owned = 'owned-elsewhere.example.test.';
    emu.handEdit({ name: owned, type: 'AAAA', ttl: 60, values: ['2001:DB8:0:0::1'] });
    emu.handEdit(ownershipRecord(owned, { owner: 'other-controller', generation: 1, types: ['AAAA'] }));
    emu.handEdit({ name: 'stranger.example.test.', type: 'A', ttl: 60, values: ['198.51.100.9'] });
    emu.handEdit({ name: 'asked.example.test.', type: 'TXT', ttl: 60, values: ['"a b" "c"'] });
    emu.store.transact(emu.hostedZoneId, (draft) =>
      draft.put({ name: 'asked.example.test.', type: 'MX', ttl: 60, values: ['10 mail.example.test.'] }),
    );
    // Route 53 lists `*` as the octal escape `\052`.
    emu.handEdit({ name: '*.wild.example.test.', type: 'A', ttl: 60, values: ['198.51.100.7'] });
    expect(valuesAt(await r53.read(['*.wild.example.test.']), '*.wild.example.test.')).toEqual(['198.51.100.7']);
    const scoped = await r53.read(['asked.example.test.']);
    expect([...scoped.records.keys()]).toEqual([recordKey('asked.example.test.', 'TXT')]);
    const state = await r53.read(['asked.example.test.'], { includeOwnedNames: true });
    expect(state.records.get(recordKey(owned, 'AAAA'))?.record.values).toEqual(['2001:db8::1']);
    expect(state.records.has(recordKey(ownershipName(owned), 'TXT'))).toBe(true);
    expect(state.records.get(recordKey('asked.example.test.', 'TXT'))?.record.values).toEqual(['"a b" "c"']);
    expect(state.records.has(recordKey('stranger.example.test.', 'A'))).toBe(false);
    expect([...state.records.keys()].some((k) => k.endsWith(' MX') || k.endsWith(' SOA') || k.endsWith(' NS'))).toBe(false);
  });

  it('reports a change accepted as PENDING and waits for INSYNC on request', async () => {
    const name = 'sync.example.test.';
    const report = await r53.apply(plan([a(name, '192.0.2.8')], await r53.read([name])));
    expect(report.changeIds).toHaveLength(1);
    emu.faults.resetCounters();
    // The emulator answers PENDING first, INSYNC on the second GetChange.
    await expect(r53.waitInSync(report.changeIds[0]!, { pollMs: 5 })).resolves.toBe('INSYNC');
    expect(emu.faults.counters().GetChange?.total).toBe(2);
  });
});

describe('route53 adapter: error kinds', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu.stop());

  it('names providers.route53.hostedZoneId when the hosted zone does not exist', async () => {
    const err = await errorOf(emu.adapter({}, 'ZNOSUCHZONE0000000000').read(['x.example.test.']));
    expect(isProviderError(err, 'invalid')).toBe(true);
    expect(err!.message).toMatch(/ZNOSUCHZONE0000000000.*providers\.route53\.hostedZoneId/);
  });

  it('refuses a malformed change batch as invalid, not as a conflict', async () => {
    const r53 = emu.adapter();
    const name = 'bad.example.test.';
    const good = plan([a(name, '192.0.2.9')], await r53.read([name]));
    const change = good.changes[0]!;
    if (change.kind !== 'create') throw new Error('expected a create');
    const bad: ProviderPlan = { ...good, changes: [{ ...change, records: [{ ...change.records[0]!, values: ['999.0.0.1'] }] }] };
    const err = await errorOf(r53.apply(bad));
    expect(isProviderError(err, 'invalid')).toBe(true);
    expect(err!.message).toMatch(/999\.0\.0\.1/);
    expect((await r53.read([name])).records.size).toBe(0);
  });

  it('aborts a call at its deadline and says so', async () => {
    const r53 = emu.adapter({ policy: { ...FAST_POLICY, timeoutMs: 100, maxAttempts: 1 } });
    emu.faults.set({ latencyMs: 400 });
    try {
      const err = await errorOf(r53.read(['slow.example.test.']));
      expect(isProviderError(err, 'timeout')).toBe(true);
      expect(err!.message).toMatch(/within 100 ms/);
    } finally {
      emu.faults.heal();
    }
  });

  it('gives up on throttling after its attempts with a typed throttled error', async () => {
    const r53 = emu.adapter({ policy: { ...FAST_POLICY, maxAttempts: 2 }, rateLimit: 'off' });
    emu.faults.set({ throttle: 'always' });
    try {
      const err = await errorOf(r53.read(['t.example.test.']));
      expect(isProviderError(err, 'throttled')).toBe(true);
      expect(err!.message).toMatch(/gave up after 2 attempts.*Rate exceeded/);
      expect(r53.apiCalls()).toBe(2);
    } finally {
      emu.faults.heal();
    }
  });
});

describe('route53 adapter: classifying what the SDK throws', () => {
  const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });
  const sdkError = (
    name: string,
    httpStatusCode: number,
    message: string,
    fault: 'client' | 'server' = 'client',
    headers: Record<string, string> = {},
  ) => {
    const err = new Route53ServiceException({ name, $fault: fault, message, ...meta(httpStatusCode) });
    Object.defineProperty(err, '$response', { value: { statusCode: httpStatusCode, headers } });
    return err;
  };
  const connection = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  const cases: [string, unknown, ProviderError['kind']][] = [
    ['Throttling', sdkError('Throttling', 400, 'Rate exceeded'), 'throttled'],
    ['PriorRequestNotComplete', new PriorRequestNotComplete({ message: 'still processing', ...meta(400) }), 'throttled'],
    ['429', sdkError('TooManyRequests', 429, 'slow down'), 'throttled'],
    [
      'stale DELETE',
      new InvalidChangeBatch({
        message: "[Tried to delete resource record set [name='a.example.test.', type='A'] but it was not found]",
        ...meta(400),
      }),
      'conflict',
    ],
    [
      'CREATE of an existing set',
      new InvalidChangeBatch({
        message: "[Tried to create resource record set [name='a.example.test.', type='A'] but it already exists]",
        ...meta(400),
      }),
      'conflict',
    ],
    [
      'CNAME clash (AWS wording)',
      new InvalidChangeBatch({
        message:
          '[RRSet of type CNAME with DNS name a.example.test. is not permitted as it conflicts with other records with the same DNS name in zone example.test.]',
        ...meta(400),
      }),
      'conflict',
    ],
    [
      'malformed batch',
      new InvalidChangeBatch({ message: '[Invalid Resource Record: FATAL problem: ARRDATAIllegalIPv4Address]', ...meta(400) }),
      'invalid',
    ],
    ['InvalidInput', new InvalidInput({ message: 'bad TTL', ...meta(400) }), 'invalid'],
    ['AccessDenied', sdkError('AccessDenied', 403, 'not authorized to perform route53:ChangeResourceRecordSets'), 'auth'],
    ['503', sdkError('ServiceUnavailable', 503, 'try later', 'server'), 'unavailable'],
    ['connection reset', connection, 'unavailable'],
  ];
  it.each(cases)('%s', (_label, err, kind) => {
    const { error } = classifyRoute53Error(err, 'ZTEST');
    expect(error.kind).toBe(kind);
    expect(error.provider).toBe('route53');
    expect(error.cause).toBe(err);
  });

  it('takes Retry-After when a throttling answer carries one', () => {
    const { error, retryAfterMs } = classifyRoute53Error(
      sdkError('Throttling', 400, 'Rate exceeded', 'client', { 'retry-after': '2' }),
      'ZTEST',
    );
    expect(error.kind).toBe('throttled');
    expect(retryAfterMs).toBe(2000);
  });

  it('points credential problems at the config and the default chain', () => {
    const { error } = classifyRoute53Error(
      sdkError('InvalidClientTokenId', 403, 'The security token included in the request is invalid'),
      'ZTEST',
    );
    expect(error.message).toMatch(/providers\.route53\.credentials/);
  });
});

describe('route53 adapter: cost of a large move', () => {
  it('moves 2,500 names in the minimum number of calls under the token bucket', async () => {
    const emu = await startEmulator();
    try {
      emu.faults.set({ throttle: 'bucket' });
      const r53 = emu.adapter();
      const names = Array.from({ length: 2500 }, (_, i) => `m-${i}.example.test.`);
      emu.seed(names.flatMap((n, i) => [a(n, ip(i)), ownershipRecord(n, { owner: OWNER, generation, types: ['A'] })]));
      const before = r53.apiCalls();
      const state = await r53.read(names);
      const readCalls = r53.apiCalls() - before;
      // 2,500 A + 2,500 ownership TXT + apex SOA and NS, 300 per page.
      expect(readCalls).toBe(Math.ceil(5002 / LIST_PAGE_SIZE));
      const move = plan(
        names.map((n, i) => a(n, ip(i, 1))),
        state,
      );
      expect(move.changes).toHaveLength(2500);
      const report = await r53.apply(move);
      expect(report.applied).toHaveLength(2500);
      expect(report.conflicts).toHaveLength(0);
      // 2,500 × (DELETE A + DELETE TXT + CREATE A + CREATE TXT) = 10,000 elements = 10 full batches.
      expect(report.apiCalls).toBe(10);
      expect(emu.faults.counters().ChangeResourceRecordSets).toMatchObject({ total: 10, ok: 10, throttled: 0 });
      const after = await r53.read(names);
      expect(names.every((n, i) => valuesAt(after, n)?.[0] === ip(i, 1))).toBe(true);
    } finally {
      await emu.stop();
    }
  });

  it('waits for tokens instead of spending calls on refusals when the bucket runs dry', async () => {
    // A small, fast bucket keeps the test short; the adapter is told the same numbers.
    const bucket = { capacity: 3, refillPerSecond: 25 };
    const emu = await startEmulator(bucket);
    try {
      emu.faults.set({ throttle: 'bucket' });
      const r53 = emu.adapter({ rateLimit: bucket });
      const names = Array.from({ length: 30 }, (_, i) => `p-${i}.example.test.`);
      let state = await r53.read(names);
      for (let round = 0; round < 3; round++) {
        // Ten single-name plans back to back: 1 read + 3 rounds × (10 applies + 1 read) = 34 calls.
        for (const [i, n] of names.slice(round * 5, round * 5 + 10).entries()) {
          const report = await r53.apply(plan([a(n, ip(i, round))], state, names));
          expect(report.conflicts.map((c) => c.message)).toEqual([]);
        }
        state = await r53.read(names);
      }
      const counts = Object.values(emu.faults.counters());
      expect(counts.reduce((n, c) => n + c.throttled, 0)).toBe(0);
      expect(r53.apiCalls()).toBe(34);
    } finally {
      await emu.stop();
    }
  });

  it('after a throttle, paces itself to the refill rate so refusals stay rare', async () => {
    const bucket = { capacity: 3, refillPerSecond: 40 };
    const emu = await startEmulator(bucket);
    try {
      emu.faults.set({ throttle: 'bucket' });
      // The adapter believes in a bigger bucket than the server has: it learns from the first throttle.
      const r53 = emu.adapter({ rateLimit: { capacity: 50, refillPerSecond: 40 } });
      for (let i = 0; i < 30; i++) await r53.read(['x.example.test.']);
      const throttled = Object.values(emu.faults.counters()).reduce((n, c) => n + c.throttled, 0);
      expect(throttled).toBeGreaterThan(0);
      expect(throttled).toBeLessThanOrEqual(2);
      expect(r53.apiCalls()).toBe(30 + throttled);
    } finally {
      await emu.stop();
    }
  });
});

describe('route53 adapter construction', () => {
  it('leaves the configuration it was given unchanged', async () => {
    const config = {
      hostedZoneId: 'Z123',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
    };
    const before = JSON.stringify(config);
    const provider = createRoute53Provider(config, { zone: 'example.test', policy: { maxAttempts: 1, timeoutMs: 500 } });
    await provider.read([]).catch(() => undefined);
    await provider.close();
    expect(JSON.stringify(config)).toBe(before);
  });
});
