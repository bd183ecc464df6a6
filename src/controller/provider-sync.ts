/**
 * Whether each provider serves what the controller wants, provider by provider
 * and service by service, fed by publish outcomes, the reconciler's events and
 * start-up reads. Emits a `provider-sync` event only on a change of state, so a
 * provider retried ten times while down is one event, not ten.
 */
import type { ProviderId } from '../providers/provider.js';
import type { ApplyOutcome, ProviderOutcome } from './apply-outcome.js';
import type { EventLog } from '../observability/events.js';
import type { ServiceState, SyncState } from './service-state.js';

export interface ProviderSyncStatus {
  readonly provider: ProviderId;
  readonly sync: SyncState;
  readonly reason: string;
  readonly since: number;
  readonly nextRetryAt?: number;
}

/** A provider outcome as in or out of sync, with a reason a person can read. */
export function syncOf(o: ProviderOutcome): { sync: 'in-sync' | 'out-of-sync'; reason: string } {
  switch (o.status) {
    case 'in-sync':
      return {
        sync: 'in-sync',
        reason:
          o.applied.length > 0
            ? `written (${o.applied.length} change${o.applied.length === 1 ? '' : 's'})`
            : 'already serving the wanted answers',
      };
    case 'out-of-sync':
      return { sync: 'out-of-sync', reason: `${o.errorKind}: ${o.reason}` };
    case 'conflict-exhausted':
      return { sync: 'out-of-sync', reason: `conflicts persisted at ${o.conflicts.map((c) => c.name).join(', ')}; nothing was forced` };
    case 'held':
      return { sync: 'out-of-sync', reason: o.reason };
  }
}

export class ProviderSync {
  readonly #status = new Map<ProviderId, ProviderSyncStatus>();

  constructor(
    providerIds: readonly ProviderId[],
    private readonly services: () => Iterable<ServiceState>,
    private readonly events: EventLog,
    private readonly now: () => number,
  ) {
    for (const provider of providerIds) this.#status.set(provider, { provider, sync: 'unknown', reason: 'not read yet', since: now() });
  }

  get(provider: ProviderId): ProviderSyncStatus | undefined {
    return this.#status.get(provider);
  }

  all(): ProviderSyncStatus[] {
    return [...this.#status.values()];
  }

  /** Set a provider's state for every service; records an event when the state changes. */
  set(
    provider: ProviderId,
    sync: 'in-sync' | 'out-of-sync',
    reason: string,
    extra: { generation?: number; nextRetryAt?: number } = {},
  ): void {
    const was = this.#status.get(provider);
    const changed = was?.sync !== sync;
    this.#status.set(provider, {
      provider,
      sync,
      reason,
      since: changed ? this.now() : (was?.since ?? this.now()),
      ...(extra.nextRetryAt !== undefined ? { nextRetryAt: extra.nextRetryAt } : {}),
    });
    for (const s of this.services()) {
      // A service-level problem (drift, lag at start-up) is cleared only by an in-sync result.
      if (sync === 'in-sync' || s.providers.get(provider)?.sync !== 'out-of-sync') s.setProvider(provider, { sync, reason });
    }
    if (changed) {
      this.events.record({
        type: 'provider-sync',
        provider,
        before: was?.sync ?? 'unknown',
        after: sync,
        reason,
        ...(extra.generation !== undefined ? { generation: extra.generation } : {}),
      });
    }
  }

  /** One service out of (or back in) sync on one provider, e.g. drift or a lag found at start-up. */
  setService(service: ServiceState, provider: ProviderId, sync: 'in-sync' | 'out-of-sync', reason: string): void {
    const was = service.providers.get(provider)?.sync ?? 'unknown';
    service.setProvider(provider, { sync, reason });
    if (was !== sync) this.events.record({ type: 'provider-sync', provider, service: service.name, before: was, after: sync, reason });
  }

  /** Fold a publish or retry outcome in: sync per provider, and lastWriteAt for the names each provider acknowledged. */
  absorb(outcome: ApplyOutcome, byName: ReadonlyMap<string, ServiceState>): void {
    const at = this.now();
    for (const o of outcome.providers) {
      const { sync, reason } = syncOf(o);
      this.set(o.provider, sync, reason, {
        generation: outcome.generation,
        ...(o.status === 'out-of-sync' ? { nextRetryAt: o.nextRetryAt } : {}),
      });
      for (const change of o.applied) byName.get(change.name)?.setProvider(o.provider, { lastWriteAt: at });
    }
  }
}
