/**
 * The reconciler keeps every provider on the current target (I4):
 * - providers that could not be written are remembered and retried with
 *   exponential backoff and jitter, each on its own, until they converge;
 * - providers believed in sync are checked for drift: a name we own serving
 *   other values than we published is reported, and repaired with a new
 *   generation unless the name is paused (then it is only reported).
 *
 * Clock and randomness are injected. Publishes run one at a time, and so do
 * the background calls (retryDue, checkDrift), so the controller loop may call
 * them from timers. A publish never waits for background work (I5): a
 * provider with a background write in flight is left out of the publish
 * ("busy") and written with the current target as soon as that write ends.
 * Background work waits for publishes, so a provider never has two of our
 * writes in flight at once.
 */
import { EventEmitter } from 'node:events';
import { canonicalName } from '../dns/record.js';
import { nextGeneration, publishedGenerations } from '../plan/generations.js';
import type { DesiredRecord, ProviderId } from '../plan/state.js';
import { ProviderError } from '../providers/provider.js';
import type { DnsProvider } from '../providers/provider.js';
import { applyEverywhere, readAll } from './apply-everywhere.js';
import type { ApplyLog, ProviderAppliedHook, ProviderRead } from './apply-everywhere.js';
import { EMPTY_TALLY, mergeOutcomes } from './apply-outcome.js';
import type { ApplyOutcome } from './apply-outcome.js';
import { afterFailure, DEFAULT_RECONCILE_BACKOFF, isDue } from './backoff-state.js';
import type { BackoffPolicy, RetryState } from './backoff-state.js';
import { plainMessage, ReadGrace } from './deadline.js';
import { findDrift } from './drift.js';
import type { Drift } from './drift.js';
import { namesToRead } from './plan-round.js';
import type { SafetySettings } from './plan-round.js';
import type { ReconcileEvent } from './reconcile-events.js';

/** What every provider should serve now. */
export interface ReconcileTarget {
  /** Desired records, paused names included (with the answer they are expected to keep). */
  readonly desired: readonly DesiredRecord[];
  readonly generation: number;
  /** Every managed name (never deleted); defaults to the desired names. */
  readonly managedNames?: readonly string[];
  /** Names decided anew by this generation (see PlanContext.fenceNames). */
  readonly fenceNames?: readonly string[];
  /** Names an operator paused: drift there is reported, never repaired, and they are not written. */
  readonly pausedNames?: readonly string[];
}

export interface ReconcilerOptions {
  readonly providers: readonly DnsProvider[];
  readonly owner: string;
  readonly safety: SafetySettings;
  readonly providerTimeoutMs?: number;
  /**
   * Once one provider of a publish (or drift check) has answered, how long the
   * others' reads are awaited before they are left to the backoff retries (I5).
   * A retry of one lagging provider waits for its own answer regardless.
   * Default 0: wait for every read (assembleController passes DEFAULT_READ_GRACE_MS).
   */
  readonly readGraceMs?: number;
  readonly maxReplans?: number;
  readonly backoff?: BackoffPolicy;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly log?: ApplyLog;
}

export class Reconciler {
  private readonly events = new EventEmitter<{ event: [ReconcileEvent]; applied: Parameters<ProviderAppliedHook> }>();
  private readonly retries = new Map<ProviderId, RetryState>();
  private readonly reportedPaused = new Set<string>();
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly backoff: BackoffPolicy;
  private target: ReconcileTarget | undefined;
  /** Tail of the publishes, and how many are queued or running. */
  private publishes: Promise<unknown> = Promise.resolve();
  private pendingPublishes = 0;
  /** Tail of the background calls (retryDue, checkDrift). */
  private background: Promise<unknown> = Promise.resolve();
  /** Providers with a background write in flight, and what it is. */
  private readonly busy = new Map<ProviderId, 'retry' | 'drift repair'>();
  /** Fires on cancel(): every read and write in flight is aborted, and nothing new is sent. */
  private readonly cancelled = new AbortController();

  constructor(private readonly options: ReconcilerOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.backoff = options.backoff ?? DEFAULT_RECONCILE_BACKOFF;
  }

  /** Subscribe to events; returns the unsubscribe function. */
  onEvent(listener: (event: ReconcileEvent) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }

  /**
   * Hear of every provider's acknowledged changes the moment they arrive, from
   * every write this reconciler makes (publishes, retries, drift repairs), before
   * the other providers of the run answer. Listeners run synchronously.
   * Returns the unsubscribe function.
   */
  onProviderApplied(listener: ProviderAppliedHook): () => void {
    this.events.on('applied', listener);
    return () => this.events.off('applied', listener);
  }

  /**
   * Stop writing for good (the controller is stopping): reads and writes in
   * flight are aborted (their requests closed), queued publishes and
   * background calls resolve without sending anything. A write a provider
   * acknowledged before the abort is still reported to onProviderApplied.
   */
  cancel(reason: string): void {
    if (!this.cancelled.signal.aborted) this.cancelled.abort(new Error(reason));
  }

  get isCancelled(): boolean {
    return this.cancelled.signal.aborted;
  }

  get currentTarget(): ReconcileTarget | undefined {
    return this.target;
  }

  /** Providers waiting for a retry, with their backoff state. */
  outOfSync(): ReadonlyMap<ProviderId, RetryState> {
    return new Map(this.retries);
  }

  /** The earliest time a retry is due, if any provider is out of sync. */
  nextRetryAt(): number | undefined {
    const times = [...this.retries.values()].map((r) => r.nextAt);
    return times.length === 0 ? undefined : Math.min(...times);
  }

  /**
   * Make `target` current and write it to every provider, out-of-sync ones
   * included (a new decision is worth a try): the providers in sync together,
   * each lagging provider on its own (see lagging()). All runs share one read
   * grace: a provider still silent readGraceMs after the first answer is left
   * to the retries, so a hanging API cannot hold the others' writes.
   * Publishes run one at a time but never wait for background work: a provider
   * with a retry or drift repair in flight is reported out of sync ("retry in
   * flight") and written with this target as soon as that write ends.
   */
  publish(target: ReconcileTarget): Promise<ApplyOutcome> {
    this.pendingPublishes += 1;
    const run = this.publishes.then(() => this.publishNow(target).finally(() => (this.pendingPublishes -= 1)));
    this.publishes = run.catch(() => undefined);
    return run;
  }

  private async publishNow(target: ReconcileTarget): Promise<ApplyOutcome> {
    const decidedAt = this.now();
    if (this.isCancelled) return this.cancelledOutcome(target, decidedAt);
    this.target = target;
    const readGrace = this.grace();
    // A provider busy with a background write is not waited for: that write ends by writing this target (see retry()).
    const free = this.options.providers.filter((p) => !this.busy.has(p.id));
    const lagging = free.filter((p) => this.retries.has(p.id));
    const inSync = free.filter((p) => !this.retries.has(p.id));
    const runs = await Promise.all([
      ...(inSync.length > 0 ? [this.applyTo(inSync, { decidedAt, readGrace })] : []),
      ...lagging.map((p) => this.lagging(p, decidedAt, readGrace)),
      ...this.busyOutcome(target, decidedAt),
    ]);
    return mergeOutcomes(
      runs,
      this.options.providers.map((p) => p.id),
    );
  }

  /** A publish after cancel(): nothing sent, every provider out of sync (`cancelled`). */
  private cancelledOutcome(target: ReconcileTarget, decidedAt: number): ApplyOutcome {
    const reason = this.cancelled.signal.reason instanceof Error ? this.cancelled.signal.reason.message : 'cancelled';
    return {
      status: 'failed',
      generation: target.generation,
      decidedAt,
      violations: [],
      providers: this.options.providers.map((p) => ({
        ...EMPTY_TALLY,
        provider: p.id,
        status: 'out-of-sync',
        errorKind: 'cancelled',
        reason: `not sent: ${reason}`,
        nextRetryAt: decidedAt,
      })),
    };
  }

  /** The providers a publish leaves to their in-flight background write, as out of sync. */
  private busyOutcome(target: ReconcileTarget, decidedAt: number): ApplyOutcome[] {
    const busy = this.options.providers.filter((p) => this.busy.has(p.id));
    if (busy.length === 0) return [];
    const at = this.now();
    return [
      {
        status: 'failed',
        generation: target.generation,
        decidedAt,
        violations: [],
        providers: busy.map((p) => ({
          ...EMPTY_TALLY,
          provider: p.id,
          status: 'out-of-sync',
          errorKind: 'unavailable',
          reason: `${this.busy.get(p.id) ?? 'retry'} in flight`,
          nextRetryAt: at,
        })),
      },
    ];
  }

  /** Retry, each on its own, every provider whose backoff has elapsed; one outcome per provider retried. */
  retryDue(): Promise<readonly ApplyOutcome[]> {
    return this.inBackground(() => {
      if (this.isCancelled) return Promise.resolve([]);
      const now = this.now();
      const due = this.options.providers.filter((p) => {
        const r = this.retries.get(p.id);
        return r !== undefined && isDue(r, now) && !this.busy.has(p.id);
      });
      if (this.target === undefined) return Promise.resolve([]);
      return Promise.all(due.map((p) => this.retry(p)));
    });
  }

  /**
   * One provider alone, busy meanwhile. If a publish changed the target while
   * the write was in flight, the provider is written again at once with the
   * current target (unless it failed: then its backoff holds). The write of
   * the older target is refused before its apply (see guarded()).
   */
  private async retry(provider: DnsProvider): Promise<ApplyOutcome> {
    this.busy.set(provider.id, 'retry');
    try {
      for (;;) {
        const target = this.target;
        const outcome = await this.lagging(guarded(provider, target as ReconcileTarget, () => this.target));
        const r = this.retries.get(provider.id);
        if (this.target === target || r === undefined || !isDue(r, this.now())) return outcome;
      }
    } finally {
      this.busy.delete(provider.id);
    }
  }

  /** Read the providers believed in sync, report drift, repair what is not paused. */
  checkDrift(): Promise<readonly Drift[]> {
    return this.inBackground(async () => {
      const target = this.target;
      if (target === undefined || this.isCancelled) return [];
      const inSync = this.options.providers.filter((p) => !this.retries.has(p.id));
      const toRead = namesToRead(target.desired, target.managedNames);
      const reads = await readAll(inSync, toRead, this.options.providerTimeoutMs, this.grace(), this.cancelled.signal);
      // A publish began meanwhile: these reads may show it half written. Void; the next check looks again.
      if (this.target !== target || this.pendingPublishes > 0 || this.isCancelled) return [];
      for (const r of reads) if (!r.ok) this.failed(r.provider.id, { kind: r.error.kind, message: plainMessage(r.error) });
      const ok = reads.filter((r): r is Extract<ProviderRead, { ok: true }> => r.ok);
      const paused = this.pausedSet(target);
      const drifts = ok.flatMap((r) => findDrift(target.desired, r.state, this.options.owner));
      const repair = drifts.filter((d) => !paused.has(d.name));
      for (const d of drifts) {
        const action = paused.has(d.name) ? 'report' : 'repair';
        const key = `${d.provider} ${d.name} ${d.type} ${JSON.stringify(d.found)}`;
        if (action === 'report' && this.reportedPaused.has(key)) continue;
        if (action === 'report') this.reportedPaused.add(key);
        this.emit({
          type: 'drift',
          at: this.now(),
          provider: d.provider,
          name: d.name,
          recordType: d.type,
          expected: d.expected,
          found: d.found,
          action,
        });
      }
      if (repair.length === 0) return drifts;

      // A repair is a new decision: a new generation, fenced, so a writer holding the drifted state loses its CAS.
      const names = [...new Set(repair.map((d) => d.name))];
      const from = target.generation;
      const to = nextGeneration(
        publishedGenerations(
          ok.map((r) => r.state),
          this.options.owner,
        ),
        from,
      );
      this.target = { ...target, generation: to, fenceNames: [...new Set([...(target.fenceNames ?? []), ...names])] };
      this.emit({ type: 'generation-advanced', at: this.now(), from, to, reason: 'drift-repair' });
      const drifted = new Set(repair.map((d) => d.provider));
      const repairTarget = this.target;
      for (const p of drifted) this.busy.set(p, 'drift repair');
      let outcome: ApplyOutcome;
      try {
        outcome = await this.applyTo(
          this.options.providers.filter((p) => drifted.has(p.id)).map((p) => guarded(p, repairTarget, () => this.target)),
          { initialReads: ok.filter((r) => drifted.has(r.provider.id)) },
        );
      } finally {
        for (const p of drifted) this.busy.delete(p);
      }
      for (const o of outcome.providers) {
        if (o.status !== 'in-sync') continue;
        const repaired = repair.filter((d) => d.provider === o.provider).map((d) => d.name);
        this.emit({ type: 'drift-repaired', at: this.now(), provider: o.provider, names: [...new Set(repaired)], generation: to });
      }
      return drifts;
    });
  }

  private grace(): ReadGrace {
    return new ReadGrace(this.options.readGraceMs ?? 0);
  }

  private pausedSet(target: ReconcileTarget): Set<string> {
    return new Set((target.pausedNames ?? []).map(canonicalName));
  }

  /**
   * A lagging provider is written alone: the others may already serve this
   * generation, which the zone-wide fencing check would take for a newer
   * writer. They are still read as observers, so a strictly newer generation
   * published anywhere stops the retry. Alone, its own read is awaited in
   * full (its deadline), unless a publish's shared grace expires first; the
   * observers are awaited for the read grace after it answered.
   */
  private lagging(provider: DnsProvider, decidedAt?: number, readGrace?: ReadGrace): Promise<ApplyOutcome> {
    return this.applyTo([provider], {
      observers: this.options.providers.filter((p) => p.id !== provider.id),
      decidedAt,
      readGrace,
    });
  }

  private async applyTo(
    providers: readonly DnsProvider[],
    run: { initialReads?: readonly ProviderRead[]; observers?: readonly DnsProvider[]; decidedAt?: number; readGrace?: ReadGrace } = {},
  ): Promise<ApplyOutcome> {
    const target = this.target as ReconcileTarget;
    const paused = this.pausedSet(target);
    const before = new Map(this.retries);
    const outcome = await applyEverywhere({
      providers,
      // Paused names stay managed (never deleted) but are not written.
      desired: target.desired.filter((d) => !paused.has(canonicalName(d.name))),
      managedNames: namesToRead(target.desired, target.managedNames),
      fenceNames: target.fenceNames,
      owner: this.options.owner,
      generation: target.generation,
      safety: this.options.safety,
      maxReplans: this.options.maxReplans,
      providerTimeoutMs: this.options.providerTimeoutMs,
      readGrace: run.readGrace ?? this.grace(),
      initialReads: run.initialReads,
      observers: run.observers,
      decidedAt: run.decidedAt,
      log: this.options.log,
      now: this.now,
      signal: this.cancelled.signal,
      retryAt: (provider, error) =>
        (error instanceof StaleTarget
          ? this.dueNow(provider, error.message)
          : this.failed(provider, { kind: error.kind, message: plainMessage(error) })
        ).nextAt,
      onProviderApplied: (...applied) => this.events.emit('applied', ...applied),
    });
    this.absorb(outcome, before, this.target !== target);
    return outcome;
  }

  /** Schedule the next retry of a provider and say so. */
  private failed(provider: ProviderId, error: RetryState['lastError']): RetryState {
    const state = afterFailure(this.retries.get(provider), this.now(), error, this.backoff, this.random);
    this.retries.set(provider, state);
    this.emit({
      type: 'out-of-sync',
      at: this.now(),
      provider,
      errorKind: error.kind,
      reason: error.message,
      attempts: state.attempts,
      nextRetryAt: state.nextAt,
    });
    return state;
  }

  /**
   * The target changed while a provider was written with an older one (a publish
   * left it busy): it is due at once, with the current target; attempts are kept.
   */
  private dueNow(provider: ProviderId, message: string): RetryState {
    const was = this.retries.get(provider);
    const state: RetryState = { attempts: was?.attempts ?? 0, nextAt: this.now(), delayMs: 0, lastError: { kind: 'conflict', message } };
    this.retries.set(provider, state);
    return state;
  }

  /** `stale`: the target changed while this run was in flight; what it brought in sync is behind. */
  private absorb(outcome: ApplyOutcome, before: ReadonlyMap<ProviderId, RetryState>, stale: boolean): void {
    const at = this.now();
    const behind = `generation ${this.target?.generation} was published while generation ${outcome.generation} was being written`;
    for (const o of outcome.providers) {
      if (stale && (o.status === 'in-sync' || (o.status === 'held' && outcome.superseded))) {
        this.dueNow(o.provider, behind);
        continue;
      }
      switch (o.status) {
        case 'in-sync': {
          const was = before.get(o.provider);
          this.retries.delete(o.provider);
          if (was) this.emit({ type: 'converged', at, provider: o.provider, generation: outcome.generation, attempts: was.attempts });
          break;
        }
        case 'out-of-sync':
          break; // scheduled through retryAt
        case 'conflict-exhausted':
          this.failed(o.provider, {
            kind: 'conflict-exhausted',
            message: `conflicts persisted at ${o.conflicts.map((c) => c.name).join(', ')}`,
          });
          break;
        case 'held':
          // Superseded: the target is stale, only a newer publish helps. Refused: keep retrying, a person may fix it meanwhile.
          if (outcome.superseded) this.retries.delete(o.provider);
          else this.failed(o.provider, { kind: 'refused', message: o.reason });
          break;
      }
    }
    if (outcome.superseded) this.emit({ type: 'superseded', at, ...outcome.superseded });
    if (outcome.violations.length > 0 && !outcome.superseded) {
      this.emit({
        type: 'refused',
        at,
        providers: outcome.providers.filter((p) => p.status === 'held').map((p) => p.provider),
        violations: outcome.violations.map((v) => v.message),
      });
    }
  }

  private emit(event: ReconcileEvent): void {
    this.events.emit('event', event);
  }

  /**
   * Background calls run one at a time, each once no publish is queued or
   * running; the check and the start of `work` are one synchronous step, so a
   * publish either sees work's providers busy or finished before it started.
   */
  private inBackground<T>(work: () => Promise<T>): Promise<T> {
    const run = this.background.then(async () => {
      while (this.pendingPublishes > 0) await this.publishes;
      return work();
    });
    this.background = run.catch(() => undefined);
    return run;
  }
}

/** A write of a target that is no longer current, refused before it reached the provider. */
class StaleTarget extends ProviderError {}

/**
 * `provider` for a background write of `target`: its apply is refused (never
 * sent) once the current target is another one. CAS and the generation fence
 * would refuse the older generation too; this does not even try.
 */
function guarded(provider: DnsProvider, target: ReconcileTarget, current: () => ReconcileTarget | undefined): DnsProvider {
  return {
    id: provider.id,
    zone: provider.zone,
    read: (names, options) => provider.read(names, options),
    apply: (plan) => {
      const now = current();
      if (now === target) return provider.apply(plan);
      return Promise.reject(
        new StaleTarget(
          provider.id,
          'conflict',
          `generation ${target.generation} not applied: generation ${now?.generation} was published while it was in flight; writing that now`,
        ),
      );
    },
    close: () => provider.close(),
  };
}
