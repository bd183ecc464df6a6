/**
 * What one run of applyEverywhere did, per provider and overall, as plain
 * values (print them, log them, test them with toEqual). The functions here
 * are pure: they merge what the I/O produced into outcomes.
 */
import type { Change, Skipped } from '../plan/change.js';
import type { Violation } from '../plan/safety.js';
import type { ProviderErrorKind, ProviderId } from '../providers/provider.js';

/** Counters gathered for one provider across all rounds of a run. */
export interface ProviderTally {
  /** Changes the provider acknowledged, over all rounds. */
  readonly applied: readonly Change[];
  /** Names the last plan for this provider left alone, and why. */
  readonly skipped: readonly Skipped[];
  /** API requests made by apply calls, retries included (reads are counted by the adapters' own metrics). */
  readonly apiCalls: number;
  /** read() calls made (1 + one per re-plan). */
  readonly reads: number;
  /** Re-plans after conflicts. */
  readonly replans: number;
  /** Decision → the write that completed the provider acknowledged; undefined when nothing had to be written. */
  readonly publishMs: number | undefined;
}

export interface ConflictNote {
  readonly name: string;
  readonly message: string;
  readonly partial?: boolean;
}

export type ProviderOutcome =
  /** The provider serves the desired state (apart from the skipped names). */
  | (ProviderTally & { readonly provider: ProviderId; readonly status: 'in-sync' })
  /** The provider could not be read or written; the reconciler retries it at nextRetryAt. */
  | (ProviderTally & {
      readonly provider: ProviderId;
      readonly status: 'out-of-sync';
      readonly errorKind: ProviderErrorKind;
      readonly reason: string;
      readonly nextRetryAt: number;
    })
  /** Every re-plan met another conflict; nothing was forced. */
  | (ProviderTally & { readonly provider: ProviderId; readonly status: 'conflict-exhausted'; readonly conflicts: readonly ConflictNote[] })
  /** Planned but not written: the run was refused by a safety check or superseded by a newer generation. */
  | (ProviderTally & { readonly provider: ProviderId; readonly status: 'held'; readonly reason: string });

export type ProviderStatus = ProviderOutcome['status'];

/** Someone published a generation not older than ours: we stop, and never overwrite it. */
export interface Supersession {
  readonly provider: ProviderId;
  readonly name: string;
  readonly published: number;
  readonly planGeneration: number;
}

/**
 * - in-sync: every provider serves the desired state
 * - partial: some providers are in sync, others are not (they were still written where possible)
 * - failed: no provider is in sync (none reachable, or every write failed)
 * - refused: a safety check failed; nothing was written anywhere
 * - superseded: a newer generation is published; this run stopped
 */
export type ApplyStatus = 'in-sync' | 'partial' | 'failed' | 'refused' | 'superseded';

export interface ApplyOutcome {
  readonly status: ApplyStatus;
  readonly generation: number;
  /** When the decision was made (the zero of publishMs). */
  readonly decidedAt: number;
  readonly providers: readonly ProviderOutcome[];
  /** Safety violations that stopped the run (empty unless refused or superseded by a check). */
  readonly violations: readonly Violation[];
  readonly superseded?: Supersession;
}

export const EMPTY_TALLY: ProviderTally = { applied: [], skipped: [], apiCalls: 0, reads: 0, replans: 0, publishMs: undefined };

/** The run's status from its provider outcomes; a refusal or supersession wins over everything else. */
export function overallStatus(
  providers: readonly ProviderOutcome[],
  stop: { readonly refused: boolean; readonly superseded: boolean },
): ApplyStatus {
  if (stop.superseded) return 'superseded';
  if (stop.refused) return 'refused';
  const inSync = providers.filter((p) => p.status === 'in-sync').length;
  if (providers.length > 0 && inSync === providers.length) return 'in-sync';
  return inSync > 0 ? 'partial' : 'failed';
}

/** Providers that need another round of the reconciler (not held: a held provider needs a person or a newer plan). */
export function needsRetry(outcome: ProviderOutcome): boolean {
  return outcome.status === 'out-of-sync' || outcome.status === 'conflict-exhausted';
}

/** One line per provider for logs and the CLI. */
export function describeOutcome(o: ProviderOutcome): string {
  const applied = `applied ${o.applied.length} change${o.applied.length === 1 ? '' : 's'}`;
  const latency = o.publishMs === undefined ? '' : ` in ${o.publishMs} ms`;
  const skipped = o.skipped.length > 0 ? `, ${o.skipped.length} skipped` : '';
  const replans = o.replans > 0 ? `, ${o.replans} re-plan${o.replans === 1 ? '' : 's'} after conflicts` : '';
  switch (o.status) {
    case 'in-sync':
      return `${o.provider}: in sync, ${applied}${latency}${skipped}${replans}`;
    case 'out-of-sync':
      return `${o.provider}: OUT OF SYNC (${o.errorKind}): ${o.reason}${o.applied.length > 0 ? `; ${applied} before it failed` : ''}`;
    case 'conflict-exhausted':
      return `${o.provider}: NOT IN SYNC: conflicts persisted after ${o.replans} re-plans (${o.conflicts.map((c) => c.name).join(', ')}); nothing was forced; ${applied}`;
    case 'held':
      return `${o.provider}: not written: ${o.reason}`;
  }
}

/**
 * Several runs of one decision (e.g. the providers in sync written together,
 * each lagging provider on its own) as one outcome, providers in `order`.
 */
export function mergeOutcomes(outcomes: readonly ApplyOutcome[], order: readonly ProviderId[]): ApplyOutcome {
  const first = outcomes[0];
  if (first === undefined) throw new TypeError('mergeOutcomes needs at least one outcome');
  const rank = (p: ProviderId) => {
    const i = order.indexOf(p);
    return i < 0 ? order.length : i;
  };
  const providers = outcomes.flatMap((o) => o.providers).sort((x, y) => rank(x.provider) - rank(y.provider));
  const superseded = outcomes.find((o) => o.superseded !== undefined)?.superseded;
  const refused = outcomes.some((o) => o.status === 'refused');
  return {
    status: overallStatus(providers, {
      refused: refused && providers.every((p) => p.applied.length === 0),
      superseded: superseded !== undefined,
    }),
    generation: first.generation,
    decidedAt: Math.min(...outcomes.map((o) => o.decidedAt)),
    providers,
    violations: outcomes.flatMap((o) => o.violations),
    ...(superseded ? { superseded } : {}),
  };
}
