import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordSet } from '../../src/dns/record.js';
import { Reconciler } from '../../src/controller/reconcile.js';
import type { ProviderId } from '../../src/plan/state.js';
import { MemoryProvider, servedCount } from '../support/memory-provider.js';

const OWNER = 'ctl';
const NAMES = ['a.example.test.', 'b.example.test.', 'c.example.test.'];
const IDS: readonly ProviderId[] = ['route53', 'azure', 'clouddns'];
const ADDRESSES = ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4'];

type Step =
  | { readonly kind: 'down' | 'up'; readonly provider: number }
  | { readonly kind: 'decide'; readonly answers: readonly (readonly string[])[] }
  | { readonly kind: 'tick'; readonly ms: number }
  | { readonly kind: 'conflict'; readonly provider: number }
  | { readonly kind: 'drift-check' };

const provider = fc.integer({ min: 0, max: 2 });
const answer = fc.uniqueArray(fc.constantFrom(...ADDRESSES), { minLength: 1, maxLength: 2 });
const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constantFrom('down' as const, 'up' as const), provider }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('decide' as const), answers: fc.tuple(answer, answer, answer) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 40_000 }) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('conflict' as const), provider }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'drift-check' as const }), weight: 1 },
);

const desiredOf = (answers: readonly (readonly string[])[]): RecordSet[] =>
  NAMES.map((name, i) => ({ name, type: 'A', ttl: 30, values: answers[i] as string[] }));

describe('applyEverywhere + Reconciler under arbitrary provider failures', () => {
  it('after the last recovery and a reconcile every provider serves the same desired answer, and no name was ever empty or regressed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 25 }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        async (steps, jitter) => {
          let t = 0;
          const now = () => t;
          const ps = IDS.map((id) => new MemoryProvider(id, { now }));
          const reconciler = new Reconciler({
            providers: ps,
            owner: OWNER,
            safety: { maxChangeShare: 0.3, minNamesForShareLimit: 10, force: false },
            now,
            random: () => jitter,
          });
          let answers: readonly (readonly string[])[] = [[ADDRESSES[0] as string], [ADDRESSES[1] as string], [ADDRESSES[2] as string]];
          await reconciler.publish({ desired: desiredOf(answers), generation: 1, fenceNames: NAMES });

          for (const s of steps) {
            switch (s.kind) {
              case 'down':
              case 'up':
                ps[s.provider]?.setDown(s.kind === 'down');
                break;
              case 'conflict':
                ps[s.provider]?.injectConflicts(1);
                break;
              case 'decide': {
                const changed = NAMES.filter((_, i) => [...(answers[i] ?? [])].sort().join() !== [...(s.answers[i] ?? [])].sort().join());
                answers = s.answers;
                const generation = (reconciler.currentTarget?.generation ?? 0) + 1;
                await reconciler.publish({ desired: desiredOf(answers), generation, fenceNames: changed });
                break;
              }
              case 'tick':
                t += s.ms;
                await reconciler.retryDue();
                break;
              case 'drift-check':
                await reconciler.checkDrift();
                break;
            }
          }

          // Every provider recovers; reconcile until nothing is out of sync (bounded: one retry each suffices).
          ps.forEach((p) => p.setDown(false));
          for (let i = 0; i < 5 && reconciler.outOfSync().size > 0; i++) {
            t = Math.max(t, reconciler.nextRetryAt() as number);
            await reconciler.retryDue();
          }
          expect(reconciler.outOfSync().size).toBe(0);

          const desired = desiredOf(answers);
          for (const p of ps) {
            for (const d of desired) expect([...(p.served(d.name, 'A') ?? [])]).toEqual([...d.values].sort());
            for (const entry of p.writeLog) {
              if (NAMES.includes(entry.name)) expect(servedCount(entry)).toBeGreaterThan(0);
            }
            // No stale write: per name, the published generation never goes back.
            for (const name of NAMES) {
              const gens = p.writeLog.filter((e) => e.name === name && e.source === 'apply').map((e) => e.generation as number);
              expect(gens).toEqual([...gens].sort((x, y) => x - y));
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
