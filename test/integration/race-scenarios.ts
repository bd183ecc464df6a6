/**
 * fast-check's generators for races (shared by the race property tests), within
 * the harness's SCENARIO_BOUNDS: names, plans (fresh, kept or reverted
 * answers), two or three writers holding any plan with start delays, a delay
 * between check and write, crashes between providers and clean-ups, and at
 * most one API outage per provider.
 */
import fc from 'fast-check';
import type { NameDecision, PlanSpec } from '../../src/drills/race/incident.js';
import { RACE_PROVIDERS } from '../../src/drills/race/race-fixture.js';
import { SCENARIO_BOUNDS, type OutageSpec, type RaceScenario, type WriterSpec } from '../../src/drills/race/scenario.js';

const within = (b: { readonly min: number; readonly max: number }) => fc.integer(b);

const decision: fc.Arbitrary<NameDecision> = fc.oneof(
  { arbitrary: fc.constant('fresh' as const), weight: 3 },
  { arbitrary: fc.constant('keep' as const), weight: 1 },
  { arbitrary: fc.constant('published' as const), weight: 1 },
);

const writer = (plans: number): fc.Arbitrary<WriterSpec> =>
  fc.record(
    {
      plan: fc.integer({ min: 0, max: plans - 1 }),
      startAfter: within(SCENARIO_BOUNDS.startAfter),
      holdBeforeFirstWrite: within(SCENARIO_BOUNDS.holdBeforeFirstWrite),
      // One writer in four crashes somewhere.
      crashAfterWrites: fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 3 },
        { arbitrary: within(SCENARIO_BOUNDS.crashAfterWrites), weight: 1 },
      ),
      cleanUp: fc.boolean(),
    },
    { requiredKeys: ['plan', 'startAfter', 'holdBeforeFirstWrite', 'cleanUp'] },
  );

const outage: fc.Arbitrary<OutageSpec> = fc.record({
  provider: fc.constantFrom(...RACE_PROVIDERS),
  startAfter: within(SCENARIO_BOUNDS.outageStartAfter),
  lasts: within(SCENARIO_BOUNDS.outageLasts),
});

export const raceScenario: fc.Arbitrary<RaceScenario> = within(SCENARIO_BOUNDS.names).chain((names) =>
  fc
    .array(fc.record({ names: fc.array(decision, { minLength: names, maxLength: names }) }) as fc.Arbitrary<PlanSpec>, {
      minLength: SCENARIO_BOUNDS.plans.min,
      maxLength: SCENARIO_BOUNDS.plans.max,
    })
    .chain((plans) =>
      fc.record({
        names: fc.constant(names),
        plans: fc.constant(plans),
        writers: fc.array(writer(plans.length), { minLength: SCENARIO_BOUNDS.writers.min, maxLength: SCENARIO_BOUNDS.writers.max }),
        outages: fc.uniqueArray(outage, { selector: (o) => o.provider, maxLength: 2 }),
      }),
    ),
);

/** A seed from the environment (RACE_SEED) to replay a reported run; fast-check picks one otherwise. */
export function seedFromEnv(): { seed?: number } {
  const raw = process.env.RACE_SEED;
  return raw === undefined || raw === '' ? {} : { seed: Number(raw) };
}
