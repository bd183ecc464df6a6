/**
 * The Cloud DNS adapter through the official `@google-cloud/dns` client against
 * the in-process Cloud DNS emulator: the shared provider contract, then what is
 * particular to Cloud DNS (a stale name in a change does not block the others,
 * packing into changes, paging, canonical reads, error kinds, deadlines that
 * really abort, no hidden retries of the client).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownershipName } from '../../src/dns/ownership.js';
import { recordKey } from '../../src/dns/record.js';
import type { RecordSet } from '../../src/dns/record.js';
import type { RunningApi } from '../../src/emulators/core/api.js';
import { FaultInjector } from '../../src/emulators/core/faults.js';
import { ZoneStore } from '../../src/emulators/core/zone-store.js';
import { seedCloudDnsZone, startCloudDnsApi } from '../../src/emulators/cloud-dns/index.js';
import { EMULATOR_DEFAULTS } from '../../src/emulators/defaults.js';
import type { ProviderPlan } from '../../src/plan/change.js';
import { planProvider } from '../../src/plan/plan-provider.js';
import type { DesiredRecord, ProviderState } from '../../src/plan/state.js';
import { createCloudDnsProvider } from '../../src/providers/cloud-dns.js';
import type { CloudDnsConfig, CloudDnsProvider, CloudDnsProviderOptions } from '../../src/providers/cloud-dns.js';
import { isProviderError } from '../../src/providers/provider.js';
import type { ProviderError } from '../../src/providers/provider.js';
import { describeProviderContract } from './provider-contract.js';
import type { ProviderFixture } from './provider-contract.js';

const FAST_POLICY = { timeoutMs: 2000, maxAttempts: 8, baseDelayMs: 20, maxDelayMs: 200 };
const PROJECT = EMULATOR_DEFAULTS.clouddns.projectId;
const MANAGED_ZONE = EMULATOR_DEFAULTS.clouddns.managedZone;
const TOKEN = 'adapter-test-token';

interface Emulator {
  readonly api: RunningApi;
  readonly store: ZoneStore;
  readonly faults: FaultInjector;
  adapter(options?: Partial<CloudDnsProviderOptions>, config?: Partial<CloudDnsConfig>): CloudDnsProvider;
  handEdit(rs: { name: string; type: string; ttl: number; values: readonly string[] }): void;
  get(name: string, type: string): readonly string[] | undefined;
  /** Called as each API request ends, with its operation and status (to interleave another writer). */
  onRequest?: (operation: string, status: number) => void;
  stop(): Promise<void>;
}

async function startEmulator(): Promise<Emulator> {
  const store = new ZoneStore();
  const faults = new FaultInjector({ bucket: EMULATOR_DEFAULTS.buckets.clouddns });
  const { id: zoneId } = seedCloudDnsZone(store, 'example.test', { projectId: PROJECT, managedZone: MANAGED_ZONE });
  const hook: { onRequest?: (operation: string, status: number) => void } = {};
  const log = (line: Record<string, unknown>) => hook.onRequest?.(String(line.operation), Number(line.status));
  const api = await startCloudDnsApi({ host: '127.0.0.1', port: 0, store, faults, acceptToken: (t) => t === TOKEN, log });
  const adapters: CloudDnsProvider[] = [];
  return {
    api,
    store,
    faults,
    get onRequest() {
      return hook.onRequest;
    },
    set onRequest(fn) {
      hook.onRequest = fn;
    },
    adapter(options = {}, config = {}) {
      const adapter = createCloudDnsProvider(
        { projectId: PROJECT, managedZone: MANAGED_ZONE, endpoint: api.endpoint, token: TOKEN, ...config },
        { zone: 'example.test', policy: FAST_POLICY, ...options },
      );
      adapters.push(adapter);
      return adapter;
    },
    handEdit(rs) {
      store.transact(zoneId, (draft) => draft.put({ name: rs.name, type: rs.type as never, ttl: rs.ttl, values: rs.values }));
    },
    get(name, type) {
      return store.getZone(zoneId)?.records.get(`${name}|${type}`)?.values;
    },
    async stop() {
      await Promise.all(adapters.map((a) => a.close()));
      await api.stop();
    },
  };
}

describeProviderContract('clouddns', async (): Promise<ProviderFixture> => {
  const emu = await startEmulator();
  return { provider: emu.adapter(), faults: emu.faults, handEdit: (rs: RecordSet) => emu.handEdit(rs), stop: () => emu.stop() };
});

const OWNER = 'clouddns-test';
let generation = 0;
const a = (name: string, ...addresses: string[]): DesiredRecord => ({ name, type: 'A', ttl: 30, values: addresses });
const plan = (desired: DesiredRecord[], state: ProviderState, managedNames?: string[]): ProviderPlan =>
  planProvider(desired, state, { owner: OWNER, generation: ++generation, managedNames });

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isProviderError(err)) throw new Error(`expected a ProviderError, got ${String(err)}`);
  return err;
}

describe('clouddns adapter: changes and conflicts', () => {
  let emu: Emulator;
  let dns: CloudDnsProvider;
  beforeAll(async () => {
    emu = await startEmulator();
    dns = emu.adapter();
  });
  afterAll(async () => {
    await emu.stop();
  });

  it('applies the other names of a change when one of them is stale, and reports only the stale one', async () => {
    const names = ['one.example.test.', 'two.example.test.', 'three.example.test.'];
    await dns.apply(
      plan(
        names.map((n) => a(n, '192.0.2.1')),
        await dns.read(names),
      ),
    );
    const p = plan(
      names.map((n) => a(n, '192.0.2.2')),
      await dns.read(names),
    );
    expect(p.changes.map((c) => c.kind)).toEqual(['update', 'update', 'update']);
    emu.handEdit({ name: 'two.example.test.', type: 'A', ttl: 30, values: ['198.51.100.9'] });
    emu.faults.resetCounters();
    const report = await dns.apply(p);
    expect(report.conflicts.map((c) => c.change.name)).toEqual(['two.example.test.']);
    expect(report.conflicts[0]?.message).toContain('two.example.test. A changed since it was read');
    expect(report.applied.map((c) => c.name).sort()).toEqual(['one.example.test.', 'three.example.test.']);
    // The refused change, one listing of the zone, the re-sent change.
    expect(report.apiCalls).toBe(3);
    expect(emu.faults.counters()['changes.create']).toMatchObject({ total: 2, ok: 1, client_error: 1 });
    expect(emu.get('one.example.test.', 'A')).toEqual(['192.0.2.2']);
    expect(emu.get('two.example.test.', 'A')).toEqual(['198.51.100.9']);
    expect(emu.get('three.example.test.', 'A')).toEqual(['192.0.2.2']);
  });

  it('reports the re-sent names as conflicts too when the zone changes again before the re-send', async () => {
    const names = ['race-1.example.test.', 'race-2.example.test.', 'race-3.example.test.'];
    await dns.apply(
      plan(
        names.map((n) => a(n, '192.0.2.1')),
        await dns.read(names),
      ),
    );
    const p = plan(
      names.map((n) => a(n, '192.0.2.2')),
      await dns.read(names),
    );
    emu.handEdit({ name: 'race-2.example.test.', type: 'A', ttl: 30, values: ['198.51.100.2'] });
    // Another writer changes race-3 while the adapter re-reads the zone.
    emu.onRequest = (operation) => {
      if (operation !== 'resourceRecordSets.list') return;
      emu.onRequest = undefined;
      emu.handEdit({ name: 'race-3.example.test.', type: 'A', ttl: 30, values: ['198.51.100.3'] });
    };
    const report = await dns.apply(p);
    emu.onRequest = undefined;
    expect(report.applied).toEqual([]);
    expect(report.conflicts.map((c) => c.change.name)).toEqual(['race-2.example.test.', 'race-1.example.test.', 'race-3.example.test.']);
    expect(report.conflicts[1]?.message).toContain('refused again after a re-read');
    expect(report.apiCalls).toBe(3);
    expect(emu.get('race-1.example.test.', 'A')).toEqual(['192.0.2.1']);
    expect(emu.get('race-3.example.test.', 'A')).toEqual(['198.51.100.3']);
  });

  it('reports a create as a conflict when the set appeared since the read (409 alreadyExists)', async () => {
    const name = 'appeared.example.test.';
    const p = plan([a(name, '192.0.2.3')], await dns.read([name]));
    expect(p.changes.map((c) => c.kind)).toEqual(['create']);
    emu.handEdit({ name, type: 'A', ttl: 300, values: ['198.51.100.3'] });
    const report = await dns.apply(p);
    expect(report.applied).toEqual([]);
    expect(report.conflicts.map((c) => c.message)).toEqual([
      expect.stringMatching(/conflict: .*409 \(alreadyExists\): .*appeared\.example\.test\. \(A\)' already exists/),
    ]);
    // Alone in its change: reported at once, without a re-read.
    expect(report.apiCalls).toBe(1);
    expect(emu.get(name, 'A')).toEqual(['198.51.100.3']);
    expect(emu.get(ownershipName(name), 'TXT')).toBeUndefined();
  });

  it('packs names whole into as few changes as the limits allow, and reads them back across pages', async () => {
    const names = Array.from({ length: 600 }, (_, i) => `pack-${i}.example.test.`);
    const p = plan(
      names.map((n, i) => a(n, `10.1.${Math.floor(i / 250)}.${i % 250}`)),
      await dns.read(names),
    );
    expect(p.changes).toHaveLength(600);
    emu.faults.resetCounters();
    const report = await dns.apply(p);
    expect(report.applied).toHaveLength(600);
    // 1,200 additions: two changes of at most 1,000, each name's A and ownership TXT together.
    expect(report.apiCalls).toBe(2);
    const before = dns.apiCalls();
    const after = await dns.read(names);
    // More than 1,200 sets in the zone: two pages of 1,000.
    expect(dns.apiCalls() - before).toBe(2);
    expect(names.every((n) => after.records.has(recordKey(n, 'A')) && after.records.has(recordKey(ownershipName(n), 'TXT')))).toBe(true);
  });

  it('refuses a malformed change as invalid, not as a conflict', async () => {
    const outside = 'app.elsewhere.test.';
    const bad: ProviderPlan = {
      provider: 'clouddns',
      owner: OWNER,
      generation: ++generation,
      changes: [
        {
          kind: 'create',
          name: outside,
          records: [a(outside, '192.0.2.4')],
          ownership: { name: ownershipName(outside), type: 'TXT', ttl: 300, values: ['"x"'] },
        },
      ],
      skipped: [],
      unchanged: 0,
    };
    const err = await failure(dns.apply(bad));
    expect(err.kind).toBe('invalid');
    expect(err.message).toContain('400');
  });
});

describe('clouddns adapter: reads', () => {
  let emu: Emulator;
  let dns: CloudDnsProvider;
  beforeAll(async () => {
    emu = await startEmulator();
    dns = emu.adapter();
  });
  afterAll(async () => {
    await emu.stop();
  });

  it('reads managed types at the names and their ownership TXT, canonical, and nothing else', async () => {
    const name = 'mixed.example.test.';
    emu.handEdit({ name, type: 'AAAA', ttl: 60, values: ['2001:DB8:0:0:0:0:0:1'] });
    emu.handEdit({ name, type: 'TXT', ttl: 60, values: ['"b" "c"', '"a"'] });
    emu.handEdit({ name, type: 'MX', ttl: 60, values: ['10 mail.example.test.'] });
    emu.handEdit({ name: ownershipName(name), type: 'TXT', ttl: 300, values: [`"mcf-owner=${OWNER};generation=1;type=AAAA"`] });
    emu.handEdit({ name: 'other.example.test.', type: 'A', ttl: 60, values: ['192.0.2.5'] });
    emu.handEdit({
      name: ownershipName('other.example.test.'),
      type: 'TXT',
      ttl: 300,
      values: [`"mcf-owner=${OWNER};generation=1;type=A"`],
    });
    const state = await dns.read([name]);
    expect([...state.records.keys()].sort()).toEqual(
      [recordKey(ownershipName(name), 'TXT'), recordKey(name, 'AAAA'), recordKey(name, 'TXT')].sort(),
    );
    expect(state.records.get(recordKey(name, 'AAAA'))?.record).toEqual({ name, type: 'AAAA', ttl: 60, values: ['2001:db8::1'] });
    expect(state.records.get(recordKey(name, 'TXT'))?.record.values).toEqual(['"a"', '"b" "c"']);
    expect(state.records.get(recordKey(name, 'TXT'))?.token).toBe(JSON.stringify([name, 'TXT', 60, ['"a"', '"b" "c"']]));
  });

  it('names providers.clouddns.managedZone when the managed zone does not exist', async () => {
    const err = await failure(emu.adapter({}, { managedZone: 'no-such-zone' }).read(['x.example.test.']));
    expect(err.kind).toBe('invalid');
    expect(err.message).toContain("managed zone 'no-such-zone' not found");
    expect(err.message).toContain('providers.clouddns.managedZone');
  });

  it('refuses a managed zone that serves another domain than the configured zone', async () => {
    const err = await failure(emu.adapter({ zone: 'other.test' }).read(['x.other.test.']));
    expect(err.kind).toBe('invalid');
    expect(err.message).toContain('serves example.test., not other.test.');
  });

  it('reports a refused token as auth, without retrying', async () => {
    const adapter = emu.adapter({}, { token: 'wrong-token' });
    const err = await failure(adapter.read(['x.example.test.']));
    expect(err.kind).toBe('auth');
    expect(err.message).toContain('401');
    expect(adapter.apiCalls()).toBe(1);
  });
});

describe('clouddns adapter: retries and deadlines', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(async () => {
    emu.faults.heal();
    await emu.stop();
  });

  it('honours Retry-After when throttled and gives up with a typed throttled error', async () => {
    const slept: number[] = [];
    const adapter = emu.adapter({ policy: { ...FAST_POLICY, maxAttempts: 3 }, sleep: async (ms) => void slept.push(ms) });
    emu.faults.set({ throttle: 'always' });
    const err = await failure(adapter.read(['x.example.test.']));
    emu.faults.heal();
    expect(err.kind).toBe('throttled');
    expect(err.message).toContain('gave up after 3 attempts');
    expect(adapter.apiCalls()).toBe(3);
    // The emulator says Retry-After: 1 (seconds); the backoff alone would be at most 40 ms.
    expect(slept).toHaveLength(2);
    expect(slept.every((ms) => ms >= 1000)).toBe(true);
  });

  it('makes exactly one request per attempt: the client itself retries neither 5xx nor refused connections', async () => {
    const adapter = emu.adapter({ policy: { ...FAST_POLICY, maxAttempts: 1 } });
    await adapter.read([]); // the managed zone check, done once
    emu.faults.resetCounters();
    emu.faults.set({ errorRate: 1 });
    const err = await failure(adapter.read(['x.example.test.']));
    emu.faults.heal();
    expect(err.kind).toBe('unavailable');
    expect(err.message).toContain('503');
    expect(emu.faults.counters()['resourceRecordSets.list']?.total).toBe(1);

    emu.faults.set({ apiDown: true });
    await emu.api.settled();
    const before = adapter.apiCalls();
    const down = await failure(adapter.read(['x.example.test.']));
    emu.faults.heal();
    await emu.api.settled();
    expect(down.kind).toBe('unavailable');
    expect(down.message).toContain('cannot reach the Cloud DNS API');
    expect(adapter.apiCalls() - before).toBe(1);
  });

  it('aborts a call at its deadline for real: the emulator sees the connection closed', async () => {
    const adapter = emu.adapter({ policy: { ...FAST_POLICY, timeoutMs: 100, maxAttempts: 1 } });
    emu.faults.resetCounters();
    emu.faults.set({ latencyMs: 5000 });
    const err = await failure(adapter.read(['x.example.test.']));
    expect(err.kind).toBe('timeout');
    expect(err.message).toContain('no answer within 100 ms');
    // The request is cut off long before the emulator's 5 s latency would let it answer.
    await expect.poll(() => emu.faults.counters()['managedZones.get']?.client_error, { timeout: 2000, interval: 20 }).toBe(1);
    expect(emu.faults.counters()['managedZones.get']?.ok).toBe(0);
    emu.faults.heal();
  });
});
