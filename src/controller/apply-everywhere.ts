/**
 * Write one desired state to every DNS provider (docs/decisions/multi-provider-writes.md).
 *
 * read all providers in parallel, each under its own deadline
 *   → a provider that does not answer is out of sync and left out; the others go on (I4, I5)
 *   → with a read grace: once one provider answered, the others get readGraceMs more;
 *     a provider still silent then is out of sync too, left to the reconciler (I5)
 * plan per reachable provider, check all plans together (I1, I2, I3, I7)
 *   → any violation: write nothing anywhere
 *   → a generation not older than ours already published: superseded, write nothing
 * apply to all in parallel
 *   → each provider's acknowledgement is handed to onProviderApplied the moment it
 *     arrives, before the slower providers answer (the audit log records it at once)
 *   → a provider reporting conflicts is re-read and re-planned with the same generation,
 *     at most maxReplans times; never forced
 */
import { canonicalName } from '../dns/record.js';
import type { Change, ProviderPlan } from '../plan/change.js';
import { publishedGenerations } from '../plan/generations.js';
import type { PublishedGenerations } from '../plan/generations.js';
import type { ProviderState } from '../plan/state.js';
import type { Logger } from '../observability/logger.js';
import type { ApplyReport, DnsProvider, ProviderError, ProviderId } from '../providers/provider.js';
import { EMPTY_TALLY, overallStatus } from './apply-outcome.js';
import type { ApplyOutcome, ConflictNote, ProviderOutcome, ProviderTally, Supersession } from './apply-outcome.js';
import { plainMessage, ReadGrace, withDeadline } from './deadline.js';
import { generationsForCheck, namesToRead, planRound } from './plan-round.js';
import type { OwnWrites, PlannedRound, RoundContext } from './plan-round.js';
import type { Violation } from '../plan/safety.js';

export const DEFAULT_MAX_REPLANS = 3;
/** Delay before the reconciler retries a provider, when the caller has no backoff of its own. */
export const DEFAULT_RETRY_DELAY_MS = 1_000;

export type ApplyLog = Pick<Logger, 'info' | 'warn'>;

/** What reading one provider gave. */
export type ProviderRead =
  | { readonly provider: DnsProvider; readonly ok: true; readonly state: ProviderState }
  | { readonly provider: DnsProvider; readonly ok: false; readonly error: ProviderError };

/** What to publish (the round's context: desired, owner, generation, names, safety) and where. */
export interface ApplyEverywhereInput extends RoundContext {
  readonly providers: readonly DnsProvider[];
  /** Re-plans after conflicts, per provider. Default 3. */
  readonly maxReplans?: number;
  /** Deadline for one read() or apply() of one provider, retries inside the adapter included. */
  readonly providerTimeoutMs?: number;
  /**
   * Once one provider's read has answered, how much longer the others' reads
   * (observers' included) are awaited; a provider still silent then is out of
   * sync (`timeout`) and left to the reconciler, so a hanging API does not hold
   * the healthy providers' writes for a whole providerTimeoutMs (I5).
   * Default 0: wait for every read (the CLI; the controller passes its own).
   */
  readonly readGraceMs?: number;
  /** A grace shared with other runs of the same decision (see ReadGrace); overrides readGraceMs. */
  readonly readGrace?: ReadGrace;
  /**
   * Providers read only for the fencing check, never written: a generation
   * strictly newer than ours published there supersedes the run. Used when
   * one lagging provider is retried alone while the others already serve
   * this generation (equal generations there are this controller's own).
   * Observers that do not answer are ignored.
   */
  readonly observers?: readonly DnsProvider[];
  /** Reads already made for this run (e.g. the plan a person confirmed); round 0 uses them instead of reading again. */
  readonly initialReads?: readonly ProviderRead[];
  /** When the decision was made; default: now() at the start of the run. */
  readonly decidedAt?: number;
  /** When a provider that failed should be retried; default now() + 1 s. */
  readonly retryAt?: (provider: ProviderId, error: ProviderError) => number;
  /**
   * Called synchronously as soon as one provider's apply returns with applied
   * changes, before the other providers are awaited: a write a provider
   * acknowledged can be made durable (audited) before a slower provider answers,
   * so a crash meanwhile loses no acknowledged write. Not called for a provider
   * that applied nothing or failed. A hook that throws is logged, never fatal.
   */
  readonly onProviderApplied?: ProviderAppliedHook;
  readonly log?: ApplyLog;
  readonly now?: () => number;
  /**
   * Cancels the run: reads and writes in flight are aborted (their requests
   * closed), nothing more is sent, and the providers not done are out of sync
   * with errorKind `cancelled`. A write a provider acknowledged before that is
   * still reported (onProviderApplied) as usual.
   */
  readonly signal?: AbortSignal;
}

/** How the reads of one readAll wait on the read grace. */
export interface GraceUse {
  readonly grace: ReadGrace;
  /** Does an answer here start the grace? Not for observers: a slow provider retried alone must not be cut short by them. */
  readonly starts: boolean;
}

/**
 * Read every provider in parallel, each under its own deadline; failures are values, not exceptions.
 * Every name we own is read too (not only the configured ones), so that a name removed
 * from the configuration is cleaned up rather than left published forever.
 * With a grace, a read still pending when the grace expires is aborted and counts as failed
 * (`timeout`); `cancel` aborts every read in flight (`cancelled`).
 */
export async function readAll(
  providers: readonly DnsProvider[],
  names: readonly string[],
  timeoutMs?: number,
  grace?: ReadGrace | GraceUse,
  cancel?: AbortSignal,
): Promise<ProviderRead[]> {
  const use = grace instanceof ReadGrace ? { grace, starts: true } : grace;
  const readOne = (p: DnsProvider): Promise<ProviderState> => {
    const stops = [...(cancel ? [cancel] : []), ...(use ? [use.grace.signal(p.id)] : [])];
    const stop = stops.length === 0 ? undefined : stops.length === 1 ? stops[0] : AbortSignal.any(stops);
    const read = withDeadline(p.id, 'read', timeoutMs, (signal) => p.read(names, { includeOwnedNames: true, signal }), stop);
    if (use?.starts)
      void read.then(
        () => use.grace.answered(),
        () => undefined,
      );
    return read;
  };
  const settled = await Promise.allSettled(providers.map(readOne));
  return settled.map((s, i): ProviderRead => {
    const provider = providers[i] as DnsProvider;
    return s.status === 'fulfilled' ? { provider, ok: true, state: s.value } : { provider, ok: false, error: s.reason as ProviderError };
  });
}

/** When one provider's acknowledgement arrived, against the decision it carries out (clock ms). */
export interface AppliedTiming {
  readonly decidedAt: number;
  readonly acknowledgedAt: number;
}

/** One provider acknowledged changes of the plan at `generation` (see ApplyEverywhereInput.onProviderApplied). */
export type ProviderAppliedHook = (provider: ProviderId, report: ApplyReport, generation: number, timing: AppliedTiming) => void;

type ApplyResult =
  { readonly ok: true; readonly report: ApplyReport; readonly at: number } | { readonly ok: false; readonly error: ProviderError };

/** Mutable bookkeeping of one run; only this module touches it. */
class RunState {
  readonly tallies = new Map<ProviderId, ProviderTally>();
  readonly final = new Map<ProviderId, ProviderOutcome>();
  readonly ownWrites = new Map<ProviderId, Set<string>>();
  violations: readonly Violation[] = [];
  superseded: Supersession | undefined;
  refused = false;

  constructor(
    readonly order: readonly ProviderId[],
    readonly decidedAt: number,
  ) {}

  tally(provider: ProviderId): ProviderTally {
    return this.tallies.get(provider) ?? EMPTY_TALLY;
  }

  update(provider: ProviderId, patch: Partial<ProviderTally>): void {
    this.tallies.set(provider, { ...this.tally(provider), ...patch });
  }

  wrote(provider: ProviderId, applied: readonly Change[], at: number): void {
    const t = this.tally(provider);
    const own = this.ownWrites.get(provider) ?? new Set<string>();
    for (const c of applied) own.add(canonicalName(c.name));
    this.ownWrites.set(provider, own);
    this.update(provider, { applied: [...t.applied, ...applied], publishMs: applied.length > 0 ? at - this.decidedAt : t.publishMs });
  }

  finish(outcome: ProviderOutcome): void {
    this.final.set(outcome.provider, outcome);
  }

  outcomes(): ProviderOutcome[] {
    return this.order.flatMap((p) => {
      const o = this.final.get(p);
      return o ? [o] : [];
    });
  }
}

/** Generations published by `owner` that are strictly newer than `generation`. */
function newerThan(states: readonly ProviderState[], owner: string, generation: number): PublishedGenerations {
  const out = new Map<ProviderId, ReadonlyMap<string, number>>();
  for (const [provider, names] of publishedGenerations(states, owner))
    out.set(provider, new Map([...names].filter(([, g]) => g > generation)));
  return out;
}

function conflictNotes(report: ApplyReport): ConflictNote[] {
  return report.conflicts.map((c) => ({ name: c.change.name, message: c.message, ...(c.partial ? { partial: true } : {}) }));
}

export async function applyEverywhere(input: ApplyEverywhereInput): Promise<ApplyOutcome> {
  const now = input.now ?? Date.now;
  const decidedAt = input.decidedAt ?? now();
  const maxReplans = input.maxReplans ?? DEFAULT_MAX_REPLANS;
  const retryAt = input.retryAt ?? (() => now() + DEFAULT_RETRY_DELAY_MS);
  const managedNames = input.managedNames === undefined ? undefined : [...input.managedNames];
  const ctx: RoundContext = {
    desired: input.desired,
    owner: input.owner,
    generation: input.generation,
    managedNames,
    fenceNames: input.fenceNames === undefined ? undefined : [...input.fenceNames],
    safety: input.safety,
  };
  const names = namesToRead(input.desired, managedNames);
  const run = new RunState(
    input.providers.map((p) => p.id),
    decidedAt,
  );
  const byId = new Map(input.providers.map((p) => [p.id, p]));

  const outOfSync = (provider: ProviderId, error: ProviderError): void => {
    input.log?.warn({ provider, kind: error.kind, err: error.message, generation: input.generation }, 'provider out of sync');
    run.finish({
      ...run.tally(provider),
      provider,
      status: 'out-of-sync',
      errorKind: error.kind,
      reason: plainMessage(error),
      nextRetryAt: retryAt(provider, error),
    });
  };

  /** Keep the reachable states; mark the others out of sync. */
  const reachable = (reads: readonly ProviderRead[]): ProviderState[] =>
    reads.flatMap((r) => {
      run.update(r.provider.id, { reads: run.tally(r.provider.id).reads + 1 });
      if (r.ok) return [r.state];
      outOfSync(r.provider.id, r.error);
      return [];
    });

  /** Stop the run for these providers when the round is refused or superseded; true if it was. */
  const stopped = (round: PlannedRound, providers: readonly ProviderId[]): boolean => {
    if (round.superseded === undefined && round.check.ok) return false;
    run.superseded = round.superseded;
    run.refused = !round.check.ok;
    run.violations = round.check.ok ? [] : round.check.violations;
    const reason = round.superseded
      ? `generation ${round.superseded.published} is already published for ${round.superseded.name} on ${round.superseded.provider}, not older than this plan's ${round.superseded.planGeneration}; re-read and re-plan with a newer generation`
      : `refused by the safety checks: ${run.violations.map((v) => v.message).join('; ')}`;
    input.log?.warn({ providers, superseded: round.superseded, violations: run.violations.map((v) => v.kind) }, 'plan not written');
    for (const provider of providers) run.finish({ ...run.tally(provider), provider, status: 'held', reason });
    return true;
  };

  const acknowledged = (provider: ProviderId, report: ApplyReport, at: number): void => {
    try {
      input.onProviderApplied?.(provider, report, input.generation, { decidedAt, acknowledgedAt: at });
    } catch (err) {
      input.log?.warn(
        { provider, generation: input.generation, err: err instanceof Error ? err.message : String(err) },
        'onProviderApplied hook failed',
      );
    }
  };

  const applyOne = async (plan: ProviderPlan): Promise<ApplyResult> => {
    const provider = byId.get(plan.provider) as DnsProvider;
    let report: ApplyReport;
    try {
      report = await withDeadline(
        plan.provider,
        'apply',
        input.providerTimeoutMs,
        (signal) => provider.apply(plan, { signal }),
        input.signal,
      );
    } catch (err) {
      return { ok: false, error: err as ProviderError };
    }
    const at = now();
    // Here, not after Promise.all: the slowest provider must not delay the record of the fastest one's write.
    if (report.applied.length > 0) acknowledged(plan.provider, report, at);
    return { ok: true, report, at };
  };

  // Round 0: everything that answers (within the read grace), checked together.
  const grace = input.readGrace ?? new ReadGrace(input.readGraceMs ?? 0);
  if (input.initialReads?.some((r) => r.ok)) grace.answered();
  const [reads0, observed] = await Promise.all([
    input.initialReads ?? readAll(input.providers, names, input.providerTimeoutMs, { grace, starts: true }, input.signal),
    readAll(input.observers ?? [], names, input.providerTimeoutMs, { grace, starts: false }, input.signal),
  ]);
  const states0 = reachable(reads0);
  const before: PublishedGenerations = new Map([
    ...newerThan(
      observed.flatMap((r) => (r.ok ? [r.state] : [])),
      input.owner,
      input.generation,
    ),
    ...publishedGenerations(states0, input.owner),
  ]);
  let round = planRound(states0, ctx, before);
  let stop =
    states0.length > 0 &&
    stopped(
      round,
      states0.map((s) => s.provider),
    );

  let pending = stop ? [] : [...round.plans];
  for (let replan = 0; pending.length > 0; replan++) {
    for (const plan of pending) run.update(plan.provider, { skipped: plan.skipped });
    const toWrite = pending.filter((p) => p.changes.length > 0);
    for (const plan of pending)
      if (plan.changes.length === 0) run.finish({ ...run.tally(plan.provider), provider: plan.provider, status: 'in-sync' });

    const results = await Promise.all(toWrite.map(applyOne));
    const conflicted: { provider: ProviderId; notes: ConflictNote[] }[] = [];
    results.forEach((result, i) => {
      const provider = (toWrite[i] as ProviderPlan).provider;
      if (!result.ok) return outOfSync(provider, result.error);
      const { report } = result;
      run.update(provider, { apiCalls: run.tally(provider).apiCalls + report.apiCalls });
      run.wrote(provider, report.applied, result.at);
      input.log?.info(
        {
          provider,
          generation: input.generation,
          applied: report.applied.length,
          conflicts: report.conflicts.length,
          apiCalls: report.apiCalls,
        },
        'provider written',
      );
      if (report.conflicts.length === 0) return run.finish({ ...run.tally(provider), provider, status: 'in-sync' });
      conflicted.push({ provider, notes: conflictNotes(report) });
    });
    if (conflicted.length === 0) break;
    if (replan >= maxReplans) {
      for (const { provider, notes } of conflicted) {
        input.log?.warn({ provider, conflicts: notes }, 'conflicts persisted; nothing forced');
        run.finish({ ...run.tally(provider), provider, status: 'conflict-exhausted', conflicts: notes });
      }
      break;
    }
    // Someone wrote between our read and our write: read again, plan again, same generation.
    // No grace here: these providers just answered, and the grace of the first round is long spent.
    for (const { provider } of conflicted) run.update(provider, { replans: run.tally(provider).replans + 1 });
    const reread = reachable(
      await readAll(
        conflicted.map((c) => byId.get(c.provider) as DnsProvider),
        names,
        input.providerTimeoutMs,
        undefined,
        input.signal,
      ),
    );
    if (reread.length === 0) break;
    round = planRound(
      reread,
      ctx,
      generationsForCheck(before, reread, input.owner, input.generation, run.ownWrites as OwnWrites),
      run.ownWrites as OwnWrites,
    );
    stop = stopped(
      round,
      reread.map((s) => s.provider),
    );
    pending = stop ? [] : [...round.plans];
  }

  const providers = run.outcomes();
  return {
    // "refused" promises nothing was written; a re-plan refused after earlier writes is partial, with its violations.
    status: overallStatus(providers, {
      refused: run.refused && providers.every((p) => p.applied.length === 0),
      superseded: run.superseded !== undefined,
    }),
    generation: input.generation,
    decidedAt,
    providers,
    violations: run.violations,
    ...(run.superseded ? { superseded: run.superseded } : {}),
  };
}
