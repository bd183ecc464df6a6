/**
 * The incident's model (docs/decisions/the-race.md): a Planner emits plans with
 * increasing generations, each plan the desired A values of every name of the
 * service; Enactors take a plan and apply it to all three providers. Generation 1
 * is what is published when the race starts.
 *
 * Plain values and pure functions: the scenario generators build plans, the
 * writers read them, the checker asks which plan a served answer belongs to.
 */
import { canonicalName } from '../../dns/record.js';
import type { DesiredRecord } from '../../plan/state.js';

/** TTL of the raced records; short, as a failover record's is. */
export const RACE_TTL = 5;

/** What one plan wants served: name (canonical) → A values (sorted). */
export interface RacePlan {
  readonly generation: number;
  readonly answers: ReadonlyMap<string, readonly string[]>;
}

/**
 * A plan as written by the Planner, per name: `fresh` addresses, the previous
 * plan's (`keep`), or those published when the race began (`published`).
 */
export type NameDecision = 'fresh' | 'keep' | 'published';

export interface PlanSpec {
  /** One decision per name of the service. */
  readonly names: readonly NameDecision[];
}

/** A Planner's output was asked for with input it cannot turn into plans. */
export class IncidentModelError extends Error {
  override readonly name = 'IncidentModelError';
}

/** Address of the `generation`'s answer for the name at `nameIndex`: unique per (name, generation). */
export function planAddress(nameIndex: number, generation: number): string {
  if (generation < 1 || generation > 255 * 255)
    throw new IncidentModelError(`generation ${generation} is out of range 1-65025 for the race's addresses`);
  return `10.${nameIndex + 1}.${Math.floor(generation / 255)}.${(generation % 255) + 1}`;
}

/**
 * The Planner: generation 1 (published before the race) gives every name its
 * own address, each later spec makes generation 2, 3, ... A `keep` or
 * `published` name repeats older addresses: the newest decision then agrees
 * with an older state, which is exactly when a writer without fence writes
 * would write nothing and let a stale writer, holding a plan made from that
 * same state, pass its compare-and-swap.
 */
export function planIncident(names: readonly string[], specs: readonly PlanSpec[]): RacePlan[] {
  if (names.length === 0) throw new IncidentModelError('the incident needs at least one name');
  const canonical = names.map(canonicalName);
  const first: RacePlan = { generation: 1, answers: new Map(canonical.map((n, i) => [n, [planAddress(i, 1)]])) };
  const plans = [first];
  specs.forEach((spec, k) => {
    if (spec.names.length !== names.length)
      throw new IncidentModelError(`plan spec ${k + 2} lists ${spec.names.length} names, the incident has ${names.length}`);
    const previous = plans.at(-1) as RacePlan;
    const generation = previous.generation + 1;
    const valuesOf = (n: string, i: number): readonly string[] => {
      switch (spec.names[i]) {
        case 'keep':
          return previous.answers.get(n) as readonly string[];
        case 'published':
          return first.answers.get(n) as readonly string[];
        default:
          return [planAddress(i, generation)];
      }
    };
    const answers = new Map(canonical.map((n, i) => [n, valuesOf(n, i)]));
    plans.push({ generation, answers });
  });
  return plans;
}

/** The plan's desired records, as the product's planner takes them. */
export function desiredOf(plan: RacePlan, ttl = RACE_TTL): DesiredRecord[] {
  return [...plan.answers].map(([name, values]) => ({ name, type: 'A', ttl, values: [...values] }));
}

const sameValues = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);

/** Every plan the Planner emitted, by generation; answers "which plans serve these values?". */
export class PlanBook {
  private readonly byGeneration: Map<number, RacePlan>;
  private readonly all: RacePlan[];

  constructor(plans: readonly RacePlan[]) {
    if (plans.length === 0) throw new IncidentModelError('a plan book needs at least one plan');
    this.all = [...plans];
    this.byGeneration = new Map(plans.map((p) => [p.generation, p]));
  }

  get plans(): readonly RacePlan[] {
    return this.all;
  }

  /** The Planner emits one more plan (a catch-up decision after the race); its generation must be new. */
  add(plan: RacePlan): void {
    if (this.byGeneration.has(plan.generation)) throw new IncidentModelError(`generation ${plan.generation} is already planned`);
    this.all.push(plan);
    this.byGeneration.set(plan.generation, plan);
  }

  get names(): string[] {
    return [...(this.all[0] as RacePlan).answers.keys()];
  }

  newest(): RacePlan {
    return this.all.reduce((a, b) => (b.generation > a.generation ? b : a));
  }

  plan(generation: number): RacePlan | undefined {
    return this.byGeneration.get(generation);
  }

  /** Generations whose plan serves exactly `values` at `name`, oldest first. */
  generationsServing(name: string, values: readonly string[]): number[] {
    const n = canonicalName(name);
    return this.all.filter((p) => sameValues(p.answers.get(n) ?? [], values)).map((p) => p.generation);
  }
}
