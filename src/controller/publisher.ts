/**
 * The seam between the loop and the providers: read what is published, hand
 * a new target (every service's wanted answer) to the reconciler, let it retry
 * out-of-sync providers and look for drift. The loop only sees this interface;
 * `reconcilingPublisher` implements it over the real Reconciler and
 * applyEverywhere's readAll, so unit tests run the real write path against
 * in-memory providers.
 */
import type { ProviderId, ProviderState } from '../plan/state.js';
import type { DnsProvider } from '../providers/provider.js';
import { readAll, type ProviderAppliedHook } from './apply-everywhere.js';
import { ReadGrace } from './deadline.js';
import type { ApplyOutcome } from './apply-outcome.js';
import type { Drift } from './drift.js';
import type { ReconcileTarget, Reconciler } from './reconcile.js';
import type { ReconcileEvent } from './reconcile-events.js';

export interface ProvidersRead {
  readonly states: readonly ProviderState[];
  readonly failed: readonly { readonly provider: ProviderId; readonly reason: string }[];
}

export interface Publisher {
  readonly providerIds: readonly ProviderId[];
  /** Every provider's records at the names, read in parallel (within the read grace); failures are listed, not thrown. */
  read(names: readonly string[]): Promise<ProvidersRead>;
  /** Make `target` current and write it everywhere (conditional, fenced as the target says). */
  publish(target: ReconcileTarget): Promise<ApplyOutcome>;
  /** Retry out-of-sync providers whose backoff has elapsed; one outcome per provider retried. */
  retryDue(): Promise<readonly ApplyOutcome[]>;
  nextRetryAt(): number | undefined;
  /** Look for hand edits on in-sync providers; repair those not paused. */
  checkDrift(): Promise<readonly Drift[]>;
  onEvent(listener: (event: ReconcileEvent) => void): () => void;
  /** One provider acknowledged changes: called synchronously as its answer arrives, before the slower providers answer. */
  onProviderApplied(listener: ProviderAppliedHook): () => void;
  /**
   * Stop for good: abort every read and write in flight (their requests are
   * closed) and send nothing more; later calls resolve without I/O.
   * Acknowledgements that arrived before are still reported.
   */
  cancel(reason: string): void;
}

/**
 * `readGraceMs`: once one provider answered a read, how long the others are
 * awaited (0: all); a straggler is listed as failed, and the controller
 * re-reads it later (see ReadGrace). Pass the same value to the Reconciler.
 */
export function reconcilingPublisher(
  providers: readonly DnsProvider[],
  reconciler: Reconciler,
  providerTimeoutMs?: number,
  readGraceMs = 0,
): Publisher {
  const cancelled = new AbortController();
  return {
    providerIds: providers.map((p) => p.id),
    async read(names) {
      const reads = await readAll(providers, names, providerTimeoutMs, new ReadGrace(readGraceMs), cancelled.signal);
      return {
        states: reads.flatMap((r) => (r.ok ? [r.state] : [])),
        failed: reads.flatMap((r) => (r.ok ? [] : [{ provider: r.provider.id, reason: r.error.message }])),
      };
    },
    publish: (target) => reconciler.publish(target),
    retryDue: () => reconciler.retryDue(),
    nextRetryAt: () => reconciler.nextRetryAt(),
    checkDrift: () => reconciler.checkDrift(),
    onEvent: (listener) => reconciler.onEvent(listener),
    onProviderApplied: (listener) => reconciler.onProviderApplied(listener),
    cancel(reason) {
      if (!cancelled.signal.aborted) cancelled.abort(new Error(reason));
      reconciler.cancel(reason);
    },
  };
}
