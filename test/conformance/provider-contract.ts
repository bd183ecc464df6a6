/**
 * The provider adapter contract: one suite, run unchanged against every adapter,
 * each over its emulator through the official SDK (see provider-*.test.ts).
 * Plans come from the real planner, so the suite also proves the adapters accept
 * exactly what the planner produces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownershipName, parseOwnership } from '../../src/dns/ownership.js';
import { recordKey } from '../../src/dns/record.js';
import type { RecordSet } from '../../src/dns/record.js';
import type { FaultInjector } from '../../src/emulators/core/faults.js';
import { planProvider } from '../../src/plan/plan-provider.js';
import type { DesiredRecord, ProviderState } from '../../src/plan/state.js';
import { isProviderError } from '../../src/providers/provider.js';
import type { DnsProvider } from '../../src/providers/provider.js';

export interface ProviderFixture {
  /** The adapter under test, with fast retries (e.g. base delay 20 ms) and a short call timeout. */
  readonly provider: DnsProvider;
  /** The emulator's fault injector. */
  readonly faults: FaultInjector;
  /** Change a record set behind the adapter's back (a hand edit, or another writer). */
  handEdit(rs: RecordSet): void;
  stop(): Promise<void>;
}

export const CONTRACT_OWNER = 'contract-test';
const ZONE = 'example.test.';

function values(state: ProviderState, name: string, type: string): readonly string[] | undefined {
  return state.records.get(recordKey(name, type as never))?.record.values;
}

function generationAt(state: ProviderState, name: string): number | undefined {
  const o = state.records.get(recordKey(ownershipName(name), 'TXT'));
  if (!o) return undefined;
  const parsed = parseOwnership(o.record);
  return parsed.ok ? parsed.ownership.generation : undefined;
}

function a(name: string, ...addresses: string[]): DesiredRecord {
  return { name, type: 'A', ttl: 30, values: addresses };
}

export function describeProviderContract(label: string, makeFixture: () => Promise<ProviderFixture>): void {
  describe(`provider contract: ${label}`, () => {
    let fx: ProviderFixture;
    let generation = 0;
    const plan = (desired: DesiredRecord[], state: ProviderState, managedNames?: string[]) =>
      planProvider(desired, state, { owner: CONTRACT_OWNER, generation: ++generation, managedNames });

    beforeAll(async () => {
      fx = await makeFixture();
    });
    afterAll(async () => {
      await fx?.stop();
    });

    it('manages the configured zone', () => {
      expect(fx.provider.zone).toBe(ZONE);
    });

    it('reads nothing at names that do not exist', async () => {
      const state = await fx.provider.read(['nothing.example.test.']);
      expect(state.provider).toBe(fx.provider.id);
      expect(state.records.size).toBe(0);
    });

    it('creates a name with its ownership record, then reads both with tokens', async () => {
      const name = 'create.example.test.';
      const before = await fx.provider.read([name]);
      const p = plan([a(name, '192.0.2.1', '192.0.2.2')], before);
      expect(p.changes.map((c) => c.kind)).toEqual(['create']);
      const report = await fx.provider.apply(p);
      expect(report.applied).toHaveLength(1);
      expect(report.conflicts).toHaveLength(0);
      expect(report.apiCalls).toBeGreaterThan(0);
      const after = await fx.provider.read([name]);
      expect(values(after, name, 'A')).toEqual(['192.0.2.1', '192.0.2.2']);
      expect(after.records.get(recordKey(name, 'A'))!.record.ttl).toBe(30);
      expect(after.records.get(recordKey(name, 'A'))!.token).not.toBe('');
      expect(generationAt(after, name)).toBe(generation);
      // Planning the same generation again against what was read changes nothing.
      const again = planProvider([a(name, '192.0.2.1', '192.0.2.2')], after, { owner: CONTRACT_OWNER, generation });
      expect(again.changes).toHaveLength(0);
    });

    it('updates a name conditionally and bumps its generation', async () => {
      const name = 'update.example.test.';
      await fx.provider.apply(plan([a(name, '192.0.2.10')], await fx.provider.read([name])));
      const p = plan([a(name, '192.0.2.11')], await fx.provider.read([name]));
      expect(p.changes.map((c) => c.kind)).toEqual(['update']);
      const report = await fx.provider.apply(p);
      expect(report.applied).toHaveLength(1);
      const after = await fx.provider.read([name]);
      expect(values(after, name, 'A')).toEqual(['192.0.2.11']);
      expect(generationAt(after, name)).toBe(generation);
    });

    it('cleans up a name that is no longer managed, ownership record included', async () => {
      const name = 'cleanup.example.test.';
      await fx.provider.apply(plan([a(name, '192.0.2.20')], await fx.provider.read([name])));
      const p = plan([], await fx.provider.read([name]), []);
      expect(p.changes.map((c) => c.kind)).toEqual(['delete']);
      await fx.provider.apply(p);
      const after = await fx.provider.read([name]);
      expect(after.records.size).toBe(0);
    });

    it('refuses a write planned from a stale state and leaves the zone as the other writer left it', async () => {
      const name = 'stale.example.test.';
      await fx.provider.apply(plan([a(name, '192.0.2.30')], await fx.provider.read([name])));
      const observed = await fx.provider.read([name]);
      const stalePlan = plan([a(name, '192.0.2.31')], observed);
      // Another writer changes the record after our read.
      fx.handEdit({ name, type: 'A', ttl: 30, values: ['192.0.2.99'] });
      const report = await fx.provider.apply(stalePlan);
      expect(report.applied).toHaveLength(0);
      expect(report.conflicts).toHaveLength(1);
      expect(report.conflicts[0]!.change.name).toBe(name);
      const after = await fx.provider.read([name]);
      expect(values(after, name, 'A')).toEqual(['192.0.2.99']);
      expect(generationAt(after, name)).toBe(generationAt(observed, name));
    });

    it('retries throttling with backoff until the API admits the request', async () => {
      const name = 'throttled.example.test.';
      const state = await fx.provider.read([name]);
      fx.faults.resetCounters();
      fx.faults.set({ throttle: 'always' });
      const healed = new Promise<void>((resolve) =>
        setTimeout(() => {
          fx.faults.heal();
          resolve();
        }, 300),
      );
      const report = await fx.provider.apply(plan([a(name, '192.0.2.40')], state));
      await healed;
      expect(report.applied).toHaveLength(1);
      const throttled = Object.values(fx.faults.counters()).reduce((n, c) => n + c.throttled, 0);
      expect(throttled).toBeGreaterThan(0);
      expect(report.apiCalls).toBeGreaterThan(throttled - 1);
      expect(values(await fx.provider.read([name]), name, 'A')).toEqual(['192.0.2.40']);
    });

    it('retries 5xx until the API recovers', async () => {
      const name = 'flaky.example.test.';
      const state = await fx.provider.read([name]);
      fx.faults.set({ errorRate: 1 });
      setTimeout(() => fx.faults.heal(), 200);
      const report = await fx.provider.apply(plan([a(name, '192.0.2.50')], state));
      expect(report.applied).toHaveLength(1);
      expect(values(await fx.provider.read([name]), name, 'A')).toEqual(['192.0.2.50']);
    });

    it('fails fast with a typed unavailable error when the API is down, then works when it is back', async () => {
      const name = 'down.example.test.';
      const state = await fx.provider.read([name]);
      fx.faults.set({ apiDown: true });
      await new Promise((r) => setTimeout(r, 20));
      const started = Date.now();
      const err = await fx.provider.apply(plan([a(name, '192.0.2.60')], state)).then(
        () => undefined,
        (e: unknown) => e,
      );
      const elapsed = Date.now() - started;
      expect(isProviderError(err, 'unavailable')).toBe(true);
      // "Fast": bounded by the adapter's retries on refused connections, not by a call timeout.
      expect(elapsed).toBeLessThan(5_000);
      await expect(fx.provider.read([name])).rejects.toSatisfy((e: unknown) => isProviderError(e, 'unavailable'));
      fx.faults.heal();
      await new Promise((r) => setTimeout(r, 20));
      const report = await fx.provider.apply(plan([a(name, '192.0.2.60')], await fx.provider.read([name])));
      expect(report.applied).toHaveLength(1);
    });

    it('never touches records it does not own', async () => {
      const name = 'foreign.example.test.';
      fx.handEdit({ name, type: 'A', ttl: 300, values: ['198.51.100.1'] });
      const p = plan([a(name, '192.0.2.70')], await fx.provider.read([name]));
      expect(p.changes).toHaveLength(0);
      expect(p.skipped.map((s) => s.reason)).toEqual(['unowned-record']);
      expect(values(await fx.provider.read([name]), name, 'A')).toEqual(['198.51.100.1']);
    });

    it('reads many names across pages and applies many changes in few requests', async () => {
      const names = Array.from({ length: 150 }, (_, i) => `bulk-${i}.example.test.`);
      const p = plan(
        names.map((n, i) => a(n, `10.0.${Math.floor(i / 250)}.${i % 250}`)),
        await fx.provider.read(names),
      );
      expect(p.changes).toHaveLength(150);
      const report = await fx.provider.apply(p);
      expect(report.applied).toHaveLength(150);
      const after = await fx.provider.read(names);
      expect(names.every((n) => values(after, n, 'A')?.length === 1)).toBe(true);
      expect(names.every((n) => generationAt(after, n) === generation)).toBe(true);
    });
  });
}
