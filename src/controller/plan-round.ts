/**
 * One planning round over the providers that answered: a plan per provider,
 * the safety checks over all of them together, and whether a newer generation
 * is already published (then we stop: never overwrite a newer generation, I2).
 * Pure: the I/O around it lives in apply-everywhere.ts.
 */
import { ownershipName, parseOwnership } from '../dns/ownership.js';
import { canonicalName, recordKey } from '../dns/record.js';
import type { ProviderPlan } from '../plan/change.js';
import { publishedGenerations } from '../plan/generations.js';
import type { PublishedGenerations } from '../plan/generations.js';
import { planProvider } from '../plan/plan-provider.js';
import { checkPlan } from '../plan/safety.js';
import type { CheckResult } from '../plan/safety.js';
import type { DesiredRecord, ProviderId, ProviderState } from '../plan/state.js';
import type { Supersession } from './apply-outcome.js';

export interface SafetySettings {
  readonly maxChangeShare: number;
  readonly minNamesForShareLimit: number;
  /** The operator's --force: lifts the change-share limit (I7) and nothing else. */
  readonly force: boolean;
}

export interface RoundContext {
  readonly desired: readonly DesiredRecord[];
  readonly owner: string;
  readonly generation: number;
  readonly managedNames?: Iterable<string>;
  readonly fenceNames?: Iterable<string>;
  readonly safety: SafetySettings;
}

/** Names written by this run at its own generation, per provider: seeing them published is not a sign of a newer writer. */
export type OwnWrites = ReadonlyMap<ProviderId, ReadonlySet<string>>;

export interface PlannedRound {
  readonly plans: readonly ProviderPlan[];
  readonly check: CheckResult;
  readonly superseded?: Supersession;
}

/** Every name the providers must be read at: managed names and desired names, canonical and sorted. */
export function namesToRead(desired: readonly DesiredRecord[], managedNames?: Iterable<string>): string[] {
  return [...new Set([...(managedNames ?? []), ...desired.map((d) => d.name)].map(canonicalName))].sort();
}

function publishedAt(state: ProviderState, owner: string, name: string): number | undefined {
  const observed = state.records.get(recordKey(ownershipName(name), 'TXT'));
  if (observed === undefined) return undefined;
  const parsed = parseOwnership(observed.record);
  return parsed.ok && parsed.ownership.owner === owner ? parsed.ownership.generation : undefined;
}

/**
 * The first stale-generation skip of a plan that another writer caused: a name
 * published at a generation not older than ours, unless it is exactly our
 * generation at a name this run wrote itself.
 */
export function supersessionIn(
  plan: ProviderPlan,
  state: ProviderState,
  owner: string,
  ownWrites: OwnWrites = new Map(),
): Supersession | undefined {
  for (const skip of plan.skipped) {
    if (skip.reason !== 'stale-generation') continue;
    const published = publishedAt(state, owner, skip.name);
    if (published === undefined) continue;
    const ours = published === plan.generation && ownWrites.get(plan.provider)?.has(canonicalName(skip.name)) === true;
    if (!ours) return { provider: plan.provider, name: skip.name, published, planGeneration: plan.generation };
  }
  return undefined;
}

/**
 * The generations the fencing check compares with: those seen before this run
 * wrote anything, updated by later reads, minus the names this run itself
 * wrote at its generation (they are ours, not a newer writer's).
 */
export function generationsForCheck(
  before: PublishedGenerations,
  states: readonly ProviderState[],
  owner: string,
  generation: number,
  ownWrites: OwnWrites,
): PublishedGenerations {
  const merged = new Map<ProviderId, ReadonlyMap<string, number>>(before);
  for (const [provider, names] of publishedGenerations(states, owner)) {
    const own = ownWrites.get(provider);
    merged.set(provider, new Map([...names].filter(([name, g]) => !(g === generation && own?.has(name) === true))));
  }
  return merged;
}

export function planRound(
  states: readonly ProviderState[],
  ctx: RoundContext,
  published?: PublishedGenerations,
  ownWrites?: OwnWrites,
): PlannedRound {
  const planContext = {
    owner: ctx.owner,
    generation: ctx.generation,
    managedNames: ctx.managedNames ? [...ctx.managedNames] : undefined,
    fenceNames: ctx.fenceNames ? [...ctx.fenceNames] : undefined,
  };
  const plans = states.map((state) => planProvider(ctx.desired, state, planContext));
  const check = checkPlan(plans, {
    owner: ctx.owner,
    desired: ctx.desired,
    managedNames: planContext.managedNames,
    states,
    publishedGenerations: published,
    maxChangeShare: ctx.safety.maxChangeShare,
    minNamesForShareLimit: ctx.safety.minNamesForShareLimit,
    force: ctx.safety.force,
  });
  let superseded: Supersession | undefined;
  for (const plan of plans) {
    const state = states.find((s) => s.provider === plan.provider) as ProviderState;
    superseded ??= supersessionIn(plan, state, ctx.owner, ownWrites);
  }
  if (superseded === undefined && !check.ok) {
    const stale = check.violations.find((v) => v.kind === 'stale-generation');
    if (stale)
      superseded = {
        provider: stale.published.provider,
        name: stale.published.name,
        published: stale.published.generation,
        planGeneration: stale.planGeneration,
      };
  }
  return { plans, check, superseded };
}

/** Does the round have anything to write? */
export function hasChanges(round: PlannedRound): boolean {
  return round.plans.some((p) => p.changes.length > 0);
}
