/**
 * HARNESS ONLY — DELIBERATELY UNSAFE. This is the incident's writer, kept so
 * that the race test can show what goes wrong without the product's
 * safeguards. Never import it from product code: test/unit/race-naive-isolation.test.ts
 * fails if anything under src/ outside src/drills/ does.
 *
 * A last-writer-wins Enactor, the shape of the October 2025 automation:
 * 1. read what every provider serves and check, once, that its plan is newer
 *    than what it saw;
 * 2. (be delayed: the check is now stale, nobody notices);
 * 3. write its plan's answers unconditionally to every provider;
 * 4. clean up: delete every record that serves a plan older than the one it
 *    applied (looked up by value). After a delayed Enactor has put an old plan
 *    back, that record is the live answer, and deleting it empties the name.
 */
import type { ProviderId } from '../../providers/provider.js';
import { RACE_TTL, type PlanBook, type RacePlan } from './incident.js';
import type { UnconditionalDns } from './naive-writes.js';
import type { Hold, WriterGate } from './writer-gate.js';

export interface NaiveEnactorSpec {
  readonly plan: RacePlan;
  /** Run the clean-up of older plans after writing. */
  readonly cleanUp: boolean;
  /** Wait before the clean-up (steps, or a signal). */
  readonly holdBeforeCleanUp?: Hold;
}

export interface NaiveEnactorResult {
  readonly writer: string;
  readonly generation: number;
  /** `stale-plan`: its one check found a plan at least as new already served; it wrote nothing. */
  readonly status: 'applied' | 'stale-plan';
  /** Record sets written (PUT/UPSERT) and deleted by the clean-up. */
  readonly writes: number;
  readonly deletes: number;
  /** Provider calls that failed (an API outage); the naive writer does not retry. */
  readonly errors: readonly { readonly provider: ProviderId; readonly message: string }[];
}

/** The newest plan whose values a served set matches, or 0 when none does. */
function servedGeneration(book: PlanBook, name: string, values: readonly string[] | undefined): number {
  if (values === undefined) return 0;
  return Math.max(0, ...book.generationsServing(name, values));
}

export async function runNaiveEnactor(
  spec: NaiveEnactorSpec,
  apis: readonly UnconditionalDns[],
  book: PlanBook,
  gate: WriterGate,
): Promise<NaiveEnactorResult> {
  const { plan } = spec;
  const names = [...plan.answers.keys()];
  const errors: { provider: ProviderId; message: string }[] = [];
  let writes = 0;
  let deletes = 0;
  const guarded = async (api: UnconditionalDns, work: () => Promise<void>) => {
    try {
      await work();
    } catch (err) {
      errors.push({ provider: api.provider, message: err instanceof Error ? err.message : String(err) });
    }
  };

  // 1. Read and check once.
  let newestSeen = 0;
  await Promise.all(
    apis.map((api) =>
      guarded(api, () =>
        gate.call('read', api.provider, async () => {
          for (const name of names) newestSeen = Math.max(newestSeen, servedGeneration(book, name, (await api.get(name))?.values));
        }),
      ),
    ),
  );
  if (newestSeen >= plan.generation)
    return { writer: gate.writer, generation: plan.generation, status: 'stale-plan', writes, deletes, errors };

  // 2-3. The gate holds the writer before its first write; then it writes, unconditionally.
  await Promise.all(
    apis.map((api) =>
      guarded(api, () =>
        gate.call('write', api.provider, async () => {
          for (const name of names) {
            await api.put(name, { ttl: RACE_TTL, values: plan.answers.get(name) as readonly string[] });
            writes += 1;
          }
        }),
      ),
    ),
  );

  // 4. Clean-up of older plans, by value.
  if (spec.cleanUp) {
    await gate.wait(spec.holdBeforeCleanUp, 'waiting to clean up');
    await Promise.all(
      apis.map((api) =>
        guarded(api, () =>
          gate.call('write', api.provider, async () => {
            for (const name of names) {
              const served = servedGeneration(book, name, (await api.get(name))?.values);
              if (served > 0 && served < plan.generation) {
                await api.remove(name);
                deletes += 1;
              }
            }
          }),
        ),
      ),
    );
  }
  return { writer: gate.writer, generation: plan.generation, status: 'applied', writes, deletes, errors };
}
