/**
 * One race as plain data: the plans, the writers (which plan each holds, when
 * it starts, how long it is delayed between its check and its write, whether it
 * crashes between providers, whether it cleans up) and the API outages. The
 * scheduler then decides the order of every provider call.
 *
 * The tests generate scenarios with fast-check (test/integration/race-*.test.ts,
 * from SCENARIO_BOUNDS); the drill with `randomScenario` from a seed.
 */
import type { ProviderId } from '../../providers/provider.js';
import type { NameDecision, PlanSpec } from './incident.js';

export interface WriterSpec {
  /** Which plan the writer holds: 0 = generation 2 (the first after the published one), 1 = generation 3, ... */
  readonly plan: number;
  /** Steps before the writer starts. */
  readonly startAfter: number;
  /** Steps the writer is paused between its reads (its check) and its first write: the incident's delay. */
  readonly holdBeforeFirstWrite: number;
  /** Crash after this many provider writes (0: after reading only); undefined: no crash. */
  readonly crashAfterWrites?: number;
  /** Run the clean-up after applying. */
  readonly cleanUp: boolean;
}

export interface OutageSpec {
  readonly provider: ProviderId;
  /** Steps before the API goes down. */
  readonly startAfter: number;
  /** Steps it stays down. */
  readonly lasts: number;
}

export interface RaceScenario {
  /** Names of the service (1 or 2). */
  readonly names: number;
  /** Plans after the published generation 1: generations 2, 3, ... */
  readonly plans: readonly PlanSpec[];
  readonly writers: readonly WriterSpec[];
  /** At most one per provider. */
  readonly outages: readonly OutageSpec[];
}

export const SCENARIO_BOUNDS = {
  names: { min: 1, max: 2 },
  plans: { min: 1, max: 3 },
  writers: { min: 2, max: 3 },
  startAfter: { min: 0, max: 6 },
  holdBeforeFirstWrite: { min: 0, max: 24 },
  crashAfterWrites: { min: 0, max: 5 },
  outageStartAfter: { min: 0, max: 30 },
  outageLasts: { min: 0, max: 30 },
} as const;

/** The scenario is outside what the race can run (a writer holding a plan that does not exist, ...). */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

export function validateScenario(s: RaceScenario): void {
  if (s.names < 1) throw new ScenarioError(`a race needs at least one name, got ${s.names}`);
  if (s.plans.length < 1) throw new ScenarioError('a race needs at least one plan after the published one');
  if (s.writers.length < 2) throw new ScenarioError(`a race needs two or more writers, got ${s.writers.length}`);
  s.writers.forEach((w, i) => {
    if (!Number.isInteger(w.plan) || w.plan < 0 || w.plan >= s.plans.length)
      throw new ScenarioError(`writer ${i + 1} holds plan ${w.plan}; expected 0-${s.plans.length - 1}`);
  });
  const down = s.outages.map((o) => o.provider);
  if (new Set(down).size !== down.length) throw new ScenarioError(`at most one outage per provider, got ${down.join(', ')}`);
}

/**
 * The incident as data, for the drill's default: the delayed writer holds
 * generation 2, the other applies generation 3 and cleans up. With
 * `newestKeeps`, generation 3 keeps the answer published when the race began
 * (generation 2 would have changed it): the case fence writes exist for.
 */
export function incidentScenario(newestKeeps = false): RaceScenario {
  return {
    names: 1,
    plans: [{ names: ['fresh'] }, { names: [newestKeeps ? 'published' : 'fresh'] }],
    writers: [
      { plan: 0, startAfter: 0, holdBeforeFirstWrite: 20, cleanUp: false },
      { plan: 1, startAfter: 3, holdBeforeFirstWrite: 0, cleanUp: true },
    ],
    outages: [],
  };
}

/** A scenario drawn from `random` within SCENARIO_BOUNDS (the drill's generator; the tests use fast-check's). */
export function randomScenario(random: () => number, providers: readonly ProviderId[]): RaceScenario {
  const int = (b: { readonly min: number; readonly max: number }) => b.min + Math.floor(random() * (b.max - b.min + 1));
  const names = int(SCENARIO_BOUNDS.names);
  const decide = (): NameDecision => {
    const r = random();
    return r < 0.6 ? 'fresh' : r < 0.8 ? 'keep' : 'published';
  };
  const plans: PlanSpec[] = Array.from({ length: int(SCENARIO_BOUNDS.plans) }, () => ({ names: Array.from({ length: names }, decide) }));
  const writers: WriterSpec[] = Array.from({ length: int(SCENARIO_BOUNDS.writers) }, () => ({
    plan: Math.floor(random() * plans.length),
    startAfter: int(SCENARIO_BOUNDS.startAfter),
    holdBeforeFirstWrite: int(SCENARIO_BOUNDS.holdBeforeFirstWrite),
    ...(random() < 0.3 ? { crashAfterWrites: int(SCENARIO_BOUNDS.crashAfterWrites) } : {}),
    cleanUp: random() < 0.7,
  }));
  const outages: OutageSpec[] = providers
    .filter(() => random() < 0.2)
    .map((provider) => ({ provider, startAfter: int(SCENARIO_BOUNDS.outageStartAfter), lasts: int(SCENARIO_BOUNDS.outageLasts) }));
  return { names, plans, writers, outages };
}
