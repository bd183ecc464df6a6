/**
 * The Azure DNS adapter through the official @azure/arm-dns client against the
 * in-process Azure DNS emulator: the shared provider contract, then what is
 * Azure's own (ETag CAS one set at a time, ownership written last, fencing
 * metadata, empty sets, TXT/CNAME codec, paging, error mapping).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/load.js';
import { ownershipName, ownershipRecord, parseOwnership } from '../../src/dns/ownership.js';
import { recordKey } from '../../src/dns/record.js';
import type { RecordSet } from '../../src/dns/record.js';
import { FaultInjector } from '../../src/emulators/core/faults.js';
import { ZoneStore, recordKey as storeKey } from '../../src/emulators/core/zone-store.js';
import { seedAzureZone, startAzureDnsApi } from '../../src/emulators/azure-dns/index.js';
import type { RunningAzureDnsApi } from '../../src/emulators/azure-dns/index.js';
import { planProvider } from '../../src/plan/plan-provider.js';
import type { DesiredRecord, ProviderState } from '../../src/plan/state.js';
import { azureWrites, createAzureDnsProvider } from '../../src/providers/azure-dns.js';
import type { AzureDnsConfig, AzureDnsOptions, AzureDnsProvider } from '../../src/providers/azure-dns.js';
import { isProviderError } from '../../src/providers/provider.js';
import { describeProviderContract } from './provider-contract.js';
import type { ProviderFixture } from './provider-contract.js';

const SUB = '11111111-2222-3333-4444-555555555555';
const RG = 'failover-local';
const ZONE = 'example.test';
const TOKEN = 'adapter-test-token';
const OWNER = 'azure-adapter-test';
const FAST = { timeoutMs: 2000, maxAttempts: 8, baseDelayMs: 20, maxDelayMs: 200 };

interface AzureFixture extends ProviderFixture {
  readonly provider: AzureDnsProvider;
  readonly store: ZoneStore;
  readonly zoneId: string;
  readonly api: RunningAzureDnsApi;
  readonly config: AzureDnsConfig;
  adapter(config?: Partial<AzureDnsConfig>, options?: Partial<AzureDnsOptions>): AzureDnsProvider;
}

async function makeAzureFixture(acceptToken?: (t: string) => boolean): Promise<AzureFixture> {
  const store = new ZoneStore();
  const faults = new FaultInjector({ bucket: { capacity: 200, refillPerSecond: 10 } });
  const api = await startAzureDnsApi({ host: '127.0.0.1', port: 0, store, faults, ...(acceptToken ? { acceptToken } : {}) });
  const { zoneId } = seedAzureZone(store, ZONE, { subscriptionId: SUB, resourceGroup: RG });
  const dir = mkdtempSync(join(tmpdir(), 'mcf-azure-'));
  const caCertPath = join(dir, 'ca.pem');
  writeFileSync(caCertPath, api.caCertPem);
  const config: AzureDnsConfig = {
    subscriptionId: SUB,
    resourceGroup: RG,
    zoneName: ZONE,
    endpoint: api.endpoint,
    caCertPath,
    token: TOKEN,
  };
  const adapter = (c: Partial<AzureDnsConfig> = {}, o: Partial<AzureDnsOptions> = {}) =>
    createAzureDnsProvider({ ...config, ...c }, { zone: ZONE, policy: FAST, ...o });
  return {
    provider: adapter(),
    faults,
    store,
    zoneId,
    api,
    config,
    adapter,
    handEdit(rs: RecordSet) {
      store.transact(zoneId, (draft) => draft.put({ name: rs.name, type: rs.type, ttl: rs.ttl, values: rs.values }));
    },
    async stop() {
      await api.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeProviderContract('azure-dns', () => makeAzureFixture());

// ── Azure specifics ─────────────────────────────────────────────────────────

let fx: AzureFixture;
let generation = 1000;

beforeAll(async () => {
  fx = await makeAzureFixture((t) => t === TOKEN);
});
afterAll(async () => {
  await fx?.stop();
});

function plan(desired: DesiredRecord[], state: ProviderState, managedNames?: string[]) {
  return planProvider(desired, state, { owner: OWNER, generation: ++generation, managedNames });
}

function stored(name: string, type: string) {
  return fx.store.getZone(fx.zoneId)?.records.get(storeKey(name, type));
}

function a(name: string, ...addresses: string[]): DesiredRecord {
  return { name, type: 'A', ttl: 30, values: addresses };
}

/** Give `name` to OWNER by hand (generation 0), as the hand-over hint says. */
function handOver(name: string, ...types: ('A' | 'AAAA' | 'CNAME' | 'TXT')[]) {
  fx.handEdit(ownershipRecord(name, { owner: OWNER, generation: 0, types }));
}

async function publish(desired: DesiredRecord[]) {
  const names = [...new Set(desired.map((d) => d.name))];
  const report = await fx.provider.apply(plan(desired, await fx.provider.read(names)));
  expect(report.conflicts).toEqual([]);
  return report;
}

describe('azure adapter: write order and fencing', () => {
  it('orders writes: record sets first, ownership last; a CNAME swap deletes the clashing set first', () => {
    const name = 'order.example.test.';
    const own = (gen: number, type: 'A' | 'CNAME') => ({
      record: ownershipRecord(name, { owner: OWNER, generation: gen, types: [type] }),
      token: `own-${gen}`,
    });
    const create = azureWrites({ kind: 'create', name, records: [a(name, '192.0.2.1')], ownership: own(1, 'A').record });
    expect(create.map((w) => [w.op, w.record.name, w.record.type, w.op === 'put' ? w.condition : w.ifMatch])).toEqual([
      ['put', name, 'A', { ifNoneMatch: '*' }],
      ['put', ownershipName(name), 'TXT', { ifNoneMatch: '*' }],
    ]);
    const oldA = { record: a(name, '192.0.2.1'), token: 'etag-a' };
    const oldTxt = { record: { name, type: 'TXT' as const, ttl: 30, values: ['"x"'] }, token: 'etag-txt' };
    const update = azureWrites({
      kind: 'update',
      name,
      from: [oldA, oldTxt],
      to: [a(name, '192.0.2.2')],
      ownershipFrom: own(1, 'A'),
      ownershipTo: own(2, 'A').record,
    });
    expect(update.map((w) => [w.op, w.record.type, w.op === 'put' ? w.condition : w.ifMatch])).toEqual([
      ['put', 'A', { ifMatch: 'etag-a' }],
      ['delete', 'TXT', 'etag-txt'],
      ['put', 'TXT', { ifMatch: 'own-1' }],
    ]);
    const swap = azureWrites({
      kind: 'update',
      name,
      from: [oldA],
      to: [{ name, type: 'CNAME', ttl: 30, values: ['t.example.net.'] }],
      ownershipFrom: own(2, 'A'),
      ownershipTo: own(3, 'CNAME').record,
    });
    expect(swap.map((w) => [w.op, w.record.type])).toEqual([
      ['delete', 'A'],
      ['put', 'CNAME'],
      ['put', 'TXT'],
    ]);
    const del = azureWrites({ kind: 'delete', name, from: [oldA], ownershipFrom: own(3, 'A') });
    expect(del.map((w) => [w.op, w.record.name, w.op === 'delete' ? w.ifMatch : ''])).toEqual([
      ['delete', name, 'etag-a'],
      ['delete', ownershipName(name), 'own-3'],
    ]);
  });

  it('writes the fencing metadata on every set, and the ownership record after the records', async () => {
    const name = 'fenced.example.test.';
    const events: string[] = [];
    const onChange = () => {
      const zone = fx.store.getZone(fx.zoneId);
      const present = [storeKey(name, 'A'), storeKey(ownershipName(name), 'TXT')].filter((k) => zone?.records.has(k));
      events.push(present.join(','));
    };
    fx.store.on('change', onChange);
    await publish([a(name, '192.0.2.5')]);
    fx.store.off('change', onChange);
    expect(events).toEqual([storeKey(name, 'A'), `${storeKey(name, 'A')},${storeKey(ownershipName(name), 'TXT')}`]);
    expect(stored(name, 'A')?.metadata).toEqual({ mcfOwner: OWNER, mcfGeneration: String(generation) });
    expect(stored(ownershipName(name), 'TXT')?.metadata).toEqual({ mcfOwner: OWNER, mcfGeneration: String(generation) });
  });

  it('a fence write of unchanged values still changes the ETags, so an older writer loses', async () => {
    const name = 'fence-write.example.test.';
    await publish([a(name, '192.0.2.6')]);
    const observed = await fx.provider.read([name]);
    const slow = plan([a(name, '192.0.2.7')], observed); // an older decision, made from this state
    const fence = planProvider([a(name, '192.0.2.6')], observed, { owner: OWNER, generation: ++generation, fenceNames: [name] });
    expect(fence.changes.map((c) => c.kind)).toEqual(['update']);
    expect((await fx.provider.apply(fence)).applied).toHaveLength(1);
    const late = await fx.provider.apply(slow);
    expect(late.applied).toEqual([]);
    expect(late.conflicts.map((c) => [c.change.name, c.partial ?? false])).toEqual([[name, false]]);
    const after = await fx.provider.read([name]);
    expect(after.records.get(recordKey(name, 'A'))?.record.values).toEqual(['192.0.2.6']);
    expect(after.records.get(recordKey(name, 'A'))?.token).not.toBe(observed.records.get(recordKey(name, 'A'))?.token);
  });

  it('an update refused half-way is reported partial and leaves the ownership record as it was', async () => {
    const name = 'half.example.test.';
    const aaaa = (v: string): DesiredRecord => ({ name, type: 'AAAA', ttl: 30, values: [v] });
    await publish([a(name, '192.0.2.8'), aaaa('2001:db8::8')]);
    const before = await fx.provider.read([name]);
    const p = plan([a(name, '192.0.2.9'), aaaa('2001:db8::9')], before);
    fx.handEdit({ name, type: 'AAAA', ttl: 30, values: ['2001:db8::99'] }); // another writer, between read and write
    const report = await fx.provider.apply(p);
    expect(report.applied).toEqual([]);
    expect(report.conflicts).toHaveLength(1);
    expect(report.conflicts[0]?.partial).toBe(true);
    expect(report.conflicts[0]?.message).toMatch(/PreconditionFailed|precondition/i);
    const after = await fx.provider.read([name]);
    expect(after.records.get(recordKey(name, 'A'))?.record.values).toEqual(['192.0.2.9']);
    expect(after.records.get(recordKey(name, 'AAAA'))?.record.values).toEqual(['2001:db8::99']);
    expect(after.records.get(recordKey(ownershipName(name), 'TXT'))).toEqual(before.records.get(recordKey(ownershipName(name), 'TXT')));
  });

  it('a create refused half-way removes the sets it created, so nothing unowned is left behind', async () => {
    const name = 'half-create.example.test.';
    const p = plan([a(name, '192.0.2.10'), { name, type: 'AAAA', ttl: 30, values: ['2001:db8::10'] }], await fx.provider.read([name]));
    expect(p.changes.map((c) => c.kind)).toEqual(['create']);
    fx.handEdit({ name, type: 'AAAA', ttl: 60, values: ['2001:db8::1'] });
    const report = await fx.provider.apply(p);
    expect(report.conflicts.map((c) => [c.change.name, c.partial ?? false])).toEqual([[name, false]]);
    expect(report.conflicts[0]?.message).toMatch(/rolled back 1 record set/);
    expect(stored(name, 'A')).toBeUndefined();
    expect(stored(ownershipName(name), 'TXT')).toBeUndefined();
    expect(stored(name, 'AAAA')?.values).toEqual(['2001:db8::1']);
  });

  it('swaps an A for a CNAME at an owned name', async () => {
    const name = 'swap.example.test.';
    await publish([a(name, '192.0.2.11')]);
    await publish([{ name, type: 'CNAME', ttl: 30, values: ['target.example.net.'] }]);
    const after = await fx.provider.read([name]);
    expect(after.records.get(recordKey(name, 'A'))).toBeUndefined();
    expect(after.records.get(recordKey(name, 'CNAME'))?.record.values).toEqual(['target.example.net.']);
    const own = parseOwnership(after.records.get(recordKey(ownershipName(name), 'TXT'))!.record);
    expect(own.ok && own.ownership.types).toEqual(['CNAME']);
  });
});

describe('azure adapter: reading', () => {
  it('round-trips TXT character-strings, several TXT records, AAAA and CNAME through ARM JSON', async () => {
    const name = 'codec.example.test.';
    const other = 'alias.example.test.';
    await publish([
      { name, type: 'TXT', ttl: 60, values: ['"v=1" "two words"', '"quote \\" and \\\\ slash"'] },
      { name, type: 'AAAA', ttl: 60, values: ['2001:DB8:0:0:0:0:0:1'] },
      { name: other, type: 'CNAME', ttl: 60, values: ['Target.Example.NET'] },
    ]);
    expect(stored(name, 'TXT')?.values).toEqual(['"quote \\" and \\\\ slash"', '"v=1" "two words"']);
    expect(stored(other, 'CNAME')?.values).toEqual(['target.example.net.']);
    const state = await fx.provider.read([name, other]);
    expect(state.records.get(recordKey(name, 'TXT'))?.record).toEqual({
      name,
      type: 'TXT',
      ttl: 60,
      values: ['"quote \\" and \\\\ slash"', '"v=1" "two words"'],
    });
    expect(state.records.get(recordKey(name, 'AAAA'))?.record.values).toEqual(['2001:db8::1']);
    expect(state.records.get(recordKey(other, 'CNAME'))?.record).toEqual({
      name: other,
      type: 'CNAME',
      ttl: 60,
      values: ['target.example.net.'],
    });
    // Nothing to do on a second pass: what was read equals what was desired.
    const again = planProvider(
      [
        { name, type: 'TXT', ttl: 60, values: ['"v=1" "two words"', '"quote \\" and \\\\ slash"'] },
        { name, type: 'AAAA', ttl: 60, values: ['2001:db8::1'] },
        { name: other, type: 'CNAME', ttl: 60, values: ['target.example.net.'] },
      ],
      state,
      { owner: OWNER, generation: ++generation },
    );
    expect(again.changes).toEqual([]);
  });

  it('reads an empty record set as taken (values [] with its ETag), so the planner never tries to create over it', async () => {
    const loose = 'empty-loose.example.test.';
    fx.handEdit({ name: loose, type: 'A', ttl: 30, values: [] });
    const state = await fx.provider.read([loose]);
    const observed = state.records.get(recordKey(loose, 'A'));
    expect(observed?.record.values).toEqual([]);
    expect(observed?.token).toMatch(/^[0-9a-f-]{36}$/);
    expect(plan([a(loose, '192.0.2.12')], state).skipped.map((s) => s.reason)).toEqual(['unowned-record']);

    const owned = 'empty-owned.example.test.';
    fx.handEdit({ name: owned, type: 'A', ttl: 30, values: [] });
    handOver(owned, 'A');
    const p = plan([a(owned, '192.0.2.13')], await fx.provider.read([owned]));
    expect(p.changes.map((c) => c.kind)).toEqual(['update']);
    expect((await fx.provider.apply(p)).applied).toHaveLength(1);
    expect(stored(owned, 'A')?.values).toEqual(['192.0.2.13']);
  });

  it('lists the zone page by page and returns only the names asked for (plus their ownership records)', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `page-${i}.example.test.`);
    await publish(names.map((n, i) => a(n, `198.51.100.${i + 1}`)));
    const small = fx.adapter({}, { pageSize: 7 });
    const total = fx.store.getZone(fx.zoneId)!.records.size;
    const before = small.apiCalls();
    const state = await small.read(names.slice(0, 3));
    expect(small.apiCalls() - before).toBe(Math.ceil(total / 7));
    expect([...state.records.keys()].sort()).toEqual(
      names
        .slice(0, 3)
        .flatMap((n) => [recordKey(n, 'A'), recordKey(ownershipName(n), 'TXT')])
        .sort(),
    );
  });

  it('read with includeOwnedNames adds every ownership record in the zone and the sets at its names (for clean-up)', async () => {
    const state = await fx.provider.read([], { includeOwnedNames: true });
    const zone = fx.store.getZone(fx.zoneId)!;
    const ownershipSets = [...zone.records.values()].filter((r) => r.type === 'TXT' && r.name.startsWith('_mcf.'));
    expect(ownershipSets.length).toBeGreaterThan(10);
    for (const o of ownershipSets) expect(state.records.has(recordKey(o.name, 'TXT'))).toBe(true);
    expect(state.records.get(recordKey('page-0.example.test.', 'A'))?.record.values).toEqual(['198.51.100.1']);
    expect(state.records.has(recordKey('empty-loose.example.test.', 'A'))).toBe(false);
    const cleanup = plan([], state, []);
    expect(cleanup.changes.length).toBeGreaterThan(10);
    expect(cleanup.changes.every((c) => c.kind === 'delete')).toBe(true);
  });
});

describe('azure adapter: errors and retries', () => {
  it('turns the SDK retries off: every request is one attempt of ours, and retry-after is honoured', async () => {
    const sleeps: number[] = [];
    const adapter = fx.adapter({}, { policy: { ...FAST, maxAttempts: 3 }, sleep: async (ms) => void sleeps.push(ms) });
    fx.faults.resetCounters();
    fx.faults.set({ throttle: 'always' });
    try {
      const err = await adapter.read(['x.example.test.']).catch((e: unknown) => e);
      expect(isProviderError(err, 'throttled')).toBe(true);
      expect((err as Error).message).toMatch(/gave up after 3 attempts/);
    } finally {
      fx.faults.heal();
    }
    const throttled = Object.values(fx.faults.counters()).reduce((n, c) => n + c.throttled, 0);
    expect(throttled).toBe(3);
    expect(adapter.apiCalls()).toBe(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps.every((ms) => ms >= 1000)).toBe(true);
  });

  it('maps a refused token to auth, naming providers.azure.token', async () => {
    const err = await fx
      .adapter({ token: 'wrong-token' })
      .read(['x.example.test.'])
      .catch((e: unknown) => e);
    expect(isProviderError(err, 'auth')).toBe(true);
    expect((err as Error).message).toMatch(/providers\.azure\.token/);
  });

  it('maps a missing zone to invalid, naming the config fields', async () => {
    const err = await fx
      .adapter({ zoneName: 'missing.test' }, { zone: 'missing.test' })
      .read(['x.missing.test.'])
      .catch((e: unknown) => e);
    expect(isProviderError(err, 'invalid')).toBe(true);
    expect((err as Error).message).toMatch(/providers\.azure\.zoneName.*providers\.azure\.resourceGroup/);
  });

  it('maps an untrusted certificate to invalid, naming providers.azure.caCertPath', async () => {
    const err = await fx
      .adapter({ caCertPath: undefined })
      .read(['x.example.test.'])
      .catch((e: unknown) => e);
    expect(isProviderError(err, 'invalid')).toBe(true);
    expect((err as Error).message).toMatch(/providers\.azure\.caCertPath/);
  });

  it('aborts an attempt at its deadline and reports a timeout', async () => {
    fx.faults.set({ latencyMs: 400 });
    try {
      const err = await fx
        .adapter({}, { policy: { ...FAST, timeoutMs: 100, maxAttempts: 1 } })
        .read(['x.example.test.'])
        .catch((e: unknown) => e);
      expect(isProviderError(err, 'timeout')).toBe(true);
    } finally {
      fx.faults.heal();
    }
  });

  it('refuses a plan made for another provider', async () => {
    const err = await fx.provider
      .apply({ provider: 'route53', owner: OWNER, generation: 1, changes: [], skipped: [], unchanged: 0 })
      .catch((e: unknown) => e);
    expect(isProviderError(err, 'invalid')).toBe(true);
  });

  it('names the config field when the configuration cannot work', () => {
    const fail = (c: Partial<AzureDnsConfig>, zone = ZONE) => {
      try {
        createAzureDnsProvider({ ...fx.config, ...c }, { zone });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).problems.map((p) => p.path);
      }
      return [];
    };
    // No token: production's DefaultAzureCredential is built (never called here: its
    // managed-identity step would probe the instance metadata address).
    expect(fail({ token: undefined })).toEqual([]);
    expect(fail({ caCertPath: join(tmpdir(), 'no-such-dir-mcf', 'ca.pem') })).toEqual(['providers.azure.caCertPath']);
    expect(fail({}, 'other.test')).toEqual(['providers.azure.zoneName']);
  });
});
