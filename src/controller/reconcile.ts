/**
 * The reconciler keeps every provider on the current target (I4):
 * - providers that could not be written are remembered and retried with
 *   exponential backoff and jitter, each on its own, until they converge;
 * - providers believed in sync are checked for drift: a name we own serving
 *   other values than we published is reported, and repaired with a new
 *   generation unless the name is paused (then it is only reported).
 *
 * Clock and randomness are injected; calls are serialised, so the controller
 * loop may call publish, retryDue and checkDrift from timers without overlap.
 */
import { EventEmitter } from 'node:events';
import { canonicalName } from '../dns/record.js';
import { nextGeneration, publishedGenerations } from '../plan/generations.js';
import type { DesiredRecord, ProviderId } from '../plan/state.js';
import type { DnsProvider } from '../providers/provider.js';
import { applyEverywhere, readAll } from './apply-everywhere.js';
import type { ApplyLog, ProviderAppliedHook, ProviderRead } from './apply-everywhere.js';
import { mergeOutcomes } from './apply-outcome.js';
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
  private queue: Promise<unknown> = Promise.resolve();

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
   */
  publish(target: ReconcileTarget): Promise<ApplyOutcome> {
    return this.serial(async () => {
      const decidedAt = this.now();
      this.target = target;
      const readGrace = this.grace();
      const lagging = this.options.providers.filter((p) => this.retries.has(p.id));
      const inSync = this.options.providers.filter((p) => !this.retries.has(p.id));
      const runs = await Promise.all([...(inSync.length > 0 ? [this.applyTo(inSync, { decidedAt, readGrace })] : []), ...lagging.map((p) => this.lagging(p, decidedAt, readGrace))]);
      return mergeOutcomes(
        runs,
        this.options.providers.map((p) => p.id),
      );
    });
  }

  /** Retry, each on its own, every provider whose backoff has elapsed; one outcome per provider retried. */
  retryDue(): Promise<readonly ApplyOutcome[]> {
    return this.serial(async () => {
      const now = this.now();
      const due = this.options.providers.filter((p) => {
        const r = this.retries.get(p.id);
        return r !== undefined && isDue(r, now);
      });
      if (this.target === undefined) return [];
      return Promise.all(due.map((p) => this.lagging(p)));
    });
  }

  /** Read the providers believed in sync, report drift, repair what is not paused. */
  checkDrift(): Promise<readonly Drift[]> {
    return this.serial(async () => {
      const target = this.target;
      if (target === undefined) return [];
      const inSync = this.options.providers.filter((p) => !this.retries.has(p.id));
      const reads = await readAll(inSync, namesToRead(target.desired, target.managedNames), this.options.providerTimeoutMs, this.grace());
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
        this.emit({ type: 'drift', at: this.now(), provider: d.provider, name: d.name, recordType: d.type, expected: d.expected, found: d.found, action });
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
      const outcome = await this.applyTo(
        this.options.providers.filter((p) => drifted.has(p.id)),
        { initialReads: ok.filter((r) => drifted.has(r.provider.id)) },
      );
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
      observers: this.options.providers.filter((p) => p !== provider),
      decidedAt,
      readGrace,
    });
  }

  private async applyTo(providers: readonly DnsProvider[], run: { initialReads?: readonly ProviderRead[]; observers?: readonly DnsProvider[]; decidedAt?: number; readGrace?: ReadGrace } = {}): Promise<ApplyOutcome> {
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
      retryAt: (provider, error) => this.failed(provider, { kind: error.kind, message: plainMessage(error) }).nextAt,
      onProviderApplied: (...applied) => this.events.emit('applied', ...applied),
    });
    this.absorb(outcome, before);
    return outcome;
  }

  /** Schedule the next retry of a provider and say so. */
  private failed(provider: ProviderId, error: RetryState['lastError']): RetryState {
    const state = afterFailure(this.retries.get(provider), this.now(), error, this.backoff, this.random);
    this.retries.set(provider, state);
    this.emit({ type: 'out-of-sync', at: this.now(), provider, errorKind: error.kind, reason: error.message, attempts: state.attempts, nextRetryAt: state.nextAt });
    return state;
  }

  private absorb(outcome: ApplyOutcome, before: ReadonlyMap<ProviderId, RetryState>): void {
    const at = this.now();
    for (const o of outcome.providers) {
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
          this.failed(o.provider, { kind: 'conflict-exhausted', message: `conflicts persisted at ${o.conflicts.map((c) => c.name).join(', ')}` });
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
      this.emit({ type: 'refused', at, providers: outcome.providers.filter((p) => p.status === 'held').map((p) => p.provider), violations: outcome.violations.map((v) => v.message) });
    }
  }

  private emit(event: ReconcileEvent): void {
    this.events.emit('event', event);
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
