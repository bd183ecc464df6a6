/**
 * The scale benchmark's run (test/bench/scale-apply.ts) as a correctness test,
 * smaller: one forced plan moves every name on the three emulators, through
 * the real adapters and SDKs, with Route 53's token bucket on. Asserted: call
 * counts against what the batch limits allow, no error surfacing, every name
 * moved. Wall time is printed by the benchmark, never asserted here.
 */
import { describe, expect, it } from 'vitest';
import { PROVIDERS, ROUTE53_CALL_TOLERANCE, runScaleApply } from '../bench/scale-apply.js';
import type { ProviderFigures, ScaleApplyReport } from '../bench/scale-apply.js';
import type { ProviderId } from '../../src/providers/provider.js';

const figures = (r: ScaleApplyReport, id: ProviderId): ProviderFigures =>
  r.move.providers.find((p) => p.provider === id) as ProviderFigures;
const calls = (r: ScaleApplyReport, id: ProviderId, operation: string): number => figures(r, id).operations[operation]?.total ?? 0;

/** Each moved name is DELETE A + DELETE _mcf TXT + CREATE A + CREATE _mcf TXT: four ResourceRecord elements. */
const RR_PER_MOVED_NAME = 4;
/** The zone holds, per name, its A set and its ownership TXT set, plus the apex SOA and NS. */
const zoneSets = (names: number) => 2 * names + 2;

function expectEveryNameMoved(r: ScaleApplyReport, names: number, dnsSample: number): void {
  for (const id of PROVIDERS) {
    expect(r.verify.api[id]).toEqual({ checked: names, wrong: 0, examples: [] });
    expect(r.verify.dns[id]).toEqual({ checked: dnsSample, wrong: 0, examples: [] });
  }
}

describe('scale apply: one plan moves every name on the three emulators with Route 53 throttled', () => {
  it(
    'moves 1,000 names with no error surfacing and Route 53 writes within 10% of the floor the batch limits allow',
    { timeout: 120_000 },
    async () => {
      const names = 1_000;
      const r = await runScaleApply({ names, dnsSample: 20 });

      expect(r.errors).toEqual([]);
      expect(r.warnings).toEqual([]);
      expect(r.move.status).toBe('in-sync');
      expect(r.move.providers.map((p) => [p.provider, p.status, p.applied, p.replans])).toEqual(
        PROVIDERS.map((id) => [id, 'in-sync', names, 0]),
      );
      expect(r.buckets).toEqual({ route53: { capacity: 50, refillPerSecond: 10 }, azure: 'off', clouddns: 'off' });
      // 100% of the names moves: over the 30% share limit (I7), so it had to be forced.
      expect(r.shareLimit).toMatchObject({ changed: names, managed: names, limit: 0.3, forced: true });
      expect(r.shareLimit.refusedWithoutForce).toContain('over the limit of 30%');

      // The floor: ResourceRecord elements dominate (A values and ownership texts are short).
      const floor = r.route53.floor;
      expect(floor.resourceRecords).toBe(RR_PER_MOVED_NAME * names);
      expect(floor.valueChars).toBeLessThan(floor.resourceRecords * 32);
      expect(floor.writes).toBe(Math.ceil((RR_PER_MOVED_NAME * names) / 1_000));
      expect(floor.zoneRecordSets).toBe(zoneSets(names));
      expect(floor.reads).toBe(Math.ceil(zoneSets(names) / 300));

      // Route 53: what it received, against the floor.
      expect(calls(r, 'route53', 'ChangeResourceRecordSets')).toBe(r.route53.writes);
      expect(r.route53.writes).toBeLessThanOrEqual(Math.floor(floor.writes * ROUTE53_CALL_TOLERANCE));
      expect(r.route53.applyAttempts).toBeGreaterThanOrEqual(r.route53.writes);
      expect(r.route53.withinTolerance).toBe(true);
      expect(calls(r, 'route53', 'ListResourceRecordSets')).toBe(floor.reads);
      expect(figures(r, 'route53').throttled).toBe(0);

      // The others, by their own batching: Azure one PUT per record set (A, then ownership), Cloud DNS 1,000 additions per change.
      expect(calls(r, 'azure', 'RecordSets_CreateOrUpdate')).toBe(2 * names);
      expect(figures(r, 'azure').writeCalls).toBe(2 * names);
      expect(calls(r, 'clouddns', 'changes.create')).toBe(Math.ceil((2 * names) / 1_000));
      expect(calls(r, 'clouddns', 'resourceRecordSets.list')).toBe(Math.ceil(zoneSets(names) / 1_000));
      for (const id of PROVIDERS)
        expect(figures(r, id).adapterCalls).toBe(figures(r, id).writeCalls + figures(r, id).readCalls + figures(r, id).unreceived);

      expectEveryNameMoved(r, names, 20);
      expect(r.ok).toBe(true);
    },
  );

  it('rides out a Route 53 bucket another tool has just emptied: throttled, retried, nothing surfaces', { timeout: 60_000 }, async () => {
    const names = 300;
    const r = await runScaleApply({ names, dnsSample: 10, route53Drained: true });

    expect(r.move.route53Drained).toBe(true);
    expect(figures(r, 'route53').throttled).toBeGreaterThan(0);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.move.providers.map((p) => [p.provider, p.status, p.applied])).toEqual(PROVIDERS.map((id) => [id, 'in-sync', names]));
    // Throttled requests count too, and still stay within the tolerance.
    expect(r.route53.floor.writes).toBe(Math.ceil((RR_PER_MOVED_NAME * names) / 1_000));
    expect(r.route53.writes).toBeLessThanOrEqual(Math.floor(r.route53.floor.writes * ROUTE53_CALL_TOLERANCE));
    expectEveryNameMoved(r, names, 10);
    expect(r.ok).toBe(true);
  });
});
