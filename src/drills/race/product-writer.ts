/**
 * The product as an Enactor: the same plan the naive writer gets, written by
 * `applyEverywhere` (src/controller/apply-everywhere.ts) through the real
 * adapters, each call passing the writer's gate (its delay and crash).
 *
 * - the plan's generation is the fencing token; every name of the plan is
 *   fenced (`fenceNames`), so even a plan that keeps an answer rewrites it
 *   conditionally and invalidates every older writer's compare-and-swap;
 * - every name of the service is managed (`managedNames`), so nothing the
 *   service serves is ever deleted;
 * - the clean-up is not a deletion of "older plans": it is one more
 *   applyEverywhere of the newest plan the writer knows (its own), which can
 *   only rewrite names towards that plan, conditionally (I3).
 */
import { applyEverywhere } from '../../controller/apply-everywhere.js';
import type { ApplyOutcome } from '../../controller/apply-outcome.js';
import type { SafetySettings } from '../../controller/plan-round.js';
import type { DnsProvider } from '../../providers/provider.js';
import { desiredOf, type RacePlan } from './incident.js';
import { gateProvider, type Hold, type WriterGate } from './writer-gate.js';

export const RACE_OWNER = 'race-ctl';
export const RACE_SAFETY: SafetySettings = { maxChangeShare: 0.3, minNamesForShareLimit: 10, force: false };

export interface ProductEnactorSpec {
  readonly plan: RacePlan;
  readonly cleanUp: boolean;
  readonly holdBeforeCleanUp?: Hold;
}

export interface ProductEnactorResult {
  readonly writer: string;
  readonly generation: number;
  readonly apply: ApplyOutcome;
  /** The clean-up run; absent when there was none (not asked, or the plan was superseded). */
  readonly cleanUp?: ApplyOutcome;
}

export interface ProductWriterContext {
  /** The shared adapters (ungated); the writer sees them through its gate. */
  readonly providers: readonly DnsProvider[];
  /** Every name of the service. */
  readonly managedNames: readonly string[];
  readonly owner?: string;
  /**
   * false leaves the plan's names unfenced: a mutation of the product, for the
   * tests that prove the race's checks notice the gap fence writes close. Default true.
   */
  readonly fenceWrites?: boolean;
}

export async function runProductEnactor(
  spec: ProductEnactorSpec,
  ctx: ProductWriterContext,
  gate: WriterGate,
): Promise<ProductEnactorResult> {
  const providers = ctx.providers.map((p) => gateProvider(p, gate));
  const write = (plan: RacePlan) =>
    applyEverywhere({
      providers,
      desired: desiredOf(plan),
      owner: ctx.owner ?? RACE_OWNER,
      generation: plan.generation,
      managedNames: ctx.managedNames,
      fenceNames: ctx.fenceWrites === false ? [] : [...plan.answers.keys()],
      safety: RACE_SAFETY,
    });
  const apply = await write(spec.plan);
  if (!spec.cleanUp || apply.status === 'superseded') return { writer: gate.writer, generation: spec.plan.generation, apply };
  await gate.wait(spec.holdBeforeCleanUp, 'waiting to clean up');
  const cleanUp = await write(spec.plan);
  return { writer: gate.writer, generation: spec.plan.generation, apply, cleanUp };
}
