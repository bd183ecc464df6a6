/**
 * Property: cancellation never lets a stale write win (I2) nor empties a name
 * (I1), and a later uncancelled publish converges every reachable provider (I4).
 *
 * Overlapping publishes of increasing generations (every name fenced, as each
 * is a decision) run against three in-memory providers with random latencies;
 * each is cancelled at a random moment, or not at all. The memory providers
 * ignore the abort, like a server that already received the request: an
 * abandoned write may still land later, and only compare-and-swap and the
 * generation fence stand between it and the newer answer. Some providers are
 * down during the cancelled phase. Then a new writer (a restarted controller)
 * publishes once more, uncancelled, with every provider up.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEverywhere } from '../../src/controller/apply-everywhere.js';
import { Reconciler } from '../../src/controller/reconcile.js';
import type { RecordSet } from '../../src/dns/record.js';
import type { ProviderId } from '../../src/plan/state.js';
import { MemoryProvider, servedCount } from '../support/memory-provider.js';

const OWNER = 'ctl';
const NAMES = ['a.example.test.', 'b.example.test.'];
const IDS: readonly ProviderId[] = ['route53', 'azure', 'clouddns'];
const ADDRESSES = ['192.0.2.1', '192.0.2.2', '192.0.2.3'];
const SAFETY = { maxChangeShare: 1, minNamesForShareLimit: 10, force: false };

const answer = fc.uniqueArray(fc.constantFrom(...ADDRESSES), { minLength: 1, maxLength: 2 });
const publish = fc.record({
  answers: fc.tuple(answer, answer),
  /** Cancelled this long after it started (ms), or never. */
  cancelAfterMs: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
  /** Wait before the next publish starts (it overlaps this one when short). */
  gapMs: fc.integer({ min: 0, max: 4 }),
});

const desiredOf = (answers: readonly (readonly string[])[]): RecordSet[] =>
  NAMES.map((name, i) => ({ name, type: 'A', ttl: 30, values: [...(answers[i] ?? [])] }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('publishes cancelled at random points', () => {
  it('no stale write lands, no name is ever empty, and the next publish converges every provider', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(publish, { minLength: 1, maxLength: 6 }),
        fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })),
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        fc.tuple(answer, answer),
        async (publishes, delays, down, finalAnswers) => {
          const ps = IDS.map((id, i) => new MemoryProvider(id).setDelay(delays[i] ?? 0));
          ps.forEach((p, i) => p.setDown(down[i] === true && i > 0));
          const runs: Promise<unknown>[] = [];
          for (const [i, step] of publishes.entries()) {
            const controller = new AbortController();
            runs.push(
              applyEverywhere({
                providers: ps,
                desired: desiredOf(step.answers),
                owner: OWNER,
                generation: i + 1,
                managedNames: NAMES,
                fenceNames: NAMES,
                safety: SAFETY,
                signal: controller.signal,
              }),
            );
            if (step.cancelAfterMs !== undefined) setTimeout(() => controller.abort(new Error('stopping')), step.cancelAfterMs);
            await sleep(step.gapMs);
          }
          // Every run settles, cancelled or not (a cancelled run resolves, it does not hang or throw).
          const settled = await Promise.allSettled(runs);
          expect(settled.every((s) => s.status === 'fulfilled')).toBe(true);
          // Abandoned writes the providers had already received land now, if their CAS still holds.
          await sleep(10);

          // A restarted controller: every provider up, one uncancelled publish of a newer generation.
          ps.forEach((p) => p.setDown(false));
          const reconciler = new Reconciler({ providers: ps, owner: OWNER, safety: SAFETY });
          const outcome = await reconciler.publish({
            desired: desiredOf(finalAnswers),
            generation: publishes.length + 1,
            managedNames: NAMES,
            fenceNames: NAMES,
          });
          expect(outcome.providers.map((p) => `${p.provider} ${p.status}`)).toEqual(IDS.map((id) => `${id} in-sync`));

          for (const p of ps) {
            for (const d of desiredOf(finalAnswers)) expect([...(p.served(d.name, 'A') ?? [])]).toEqual([...d.values].sort());
            for (const name of NAMES) {
              const log = p.writeLog.filter((e) => e.name === name && e.source === 'apply');
              // I1: once written, never empty.
              for (const entry of log) expect(servedCount(entry)).toBeGreaterThan(0);
              // I2: per name, the published generation never goes back, however late a write arrived.
              const gens = log.map((e) => e.generation as number);
              expect(gens).toEqual([...gens].sort((x, y) => x - y));
            }
          }
        },
      ),
      { numRuns: 120 },
    );
  });
});
