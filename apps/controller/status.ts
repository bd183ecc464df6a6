/**
 * GET /status: one JSON document with everything the dashboard shows. What
 * each provider serves is what its nameserver answered over DNS when the
 * controller last verified the service, never what the controller remembers
 * writing: the point of the page is to show what resolvers get. A request never
 * asks DNS itself, so polling /status (the dashboard, a script in a loop, many
 * browsers) adds no load on the nameservers and cannot be used to amplify it.
 */
import type { Controller } from '../../src/controller/controller.js';
import type { DecisionEvent, ProviderVerification, WriteEvent } from '../../src/observability/events.js';
import type { OverridesView } from '../../src/controller/override-store.js';
import type { ProviderSyncStatus } from '../../src/controller/provider-sync.js';
import type { ServiceState, SyncState } from '../../src/controller/service-state.js';
import type { ProviderId } from '../../src/providers/provider.js';

/** What a provider's nameserver answered at the last verification (`checkedAt`, controller clock ms). */
export type ObservedServing =
  | { readonly ok: true; readonly addresses: readonly string[]; readonly checkedAt: number; readonly generation: number }
  | { readonly ok: false; readonly error: string; readonly checkedAt: number | null };

export interface ServiceProviderStatus {
  /** What the provider's nameserver answered when last verified; null when no nameserver is configured for it. */
  readonly serving: ObservedServing | null;
  readonly sync: SyncState;
  readonly reason: string;
  readonly lastWriteAt: number | null;
}

export interface ServiceStatus {
  readonly name: string;
  readonly type: string;
  readonly policy: string;
  readonly published: { readonly addresses: readonly string[]; readonly generation: number; readonly changedAt: number } | null;
  /** Handed to the reconciler but not yet taken by any provider. */
  readonly pending: { readonly addresses: readonly string[]; readonly generation: number } | null;
  readonly decision: {
    readonly kind: string;
    readonly addresses: readonly string[];
    readonly reason: string;
    readonly at: number | null;
    readonly heldUntil?: number;
    readonly failOpen: boolean;
    readonly paused: boolean;
  } | null;
  readonly overrides: { readonly paused: boolean; readonly pinnedTargetId: string | null; readonly drainedClouds: readonly string[] };
  readonly providers: Readonly<Partial<Record<ProviderId, ServiceProviderStatus>>>;
  readonly lastWrite: WriteEvent | null;
  readonly lastVerify: { readonly generation: number; readonly allOk: boolean; readonly providers: readonly ProviderVerification[] } | null;
}

export interface VantageStatus {
  readonly id: string;
  readonly state: string;
  readonly breaker: string;
  readonly partitioned: boolean;
  readonly lastProbeAt: number | null;
  readonly lastLatencyMs: number | null;
  readonly lastError: string | null;
  readonly consecutiveSuccesses: number;
  readonly consecutiveFailures: number;
}

export interface TargetStatus {
  readonly id: string;
  readonly cloud: string;
  readonly address: string;
  readonly services: readonly string[];
  readonly verdict: string;
  readonly verdictSince: number;
  readonly reason: string;
  readonly vantages: readonly VantageStatus[];
}

export interface ControllerStatus {
  readonly owner: string;
  readonly zone: string;
  readonly phase: string;
  /** The newest generation seen published or minted. */
  readonly generation: number;
  readonly at: number;
  readonly services: readonly ServiceStatus[];
  readonly targets: readonly TargetStatus[];
  readonly providers: readonly ProviderSyncStatus[];
  readonly overrides: OverridesView;
  readonly lastDecisions: readonly DecisionEvent[];
  readonly lastEventId: number;
}

export const LAST_DECISIONS = 20;

/** A verification that did not match still tells what the nameserver answered, when it answered at all. */
const ANSWERED_OTHERWISE = /^answers \[/;

function observed(service: ServiceState, provider: ProviderId, verified: readonly ProviderId[]): ObservedServing | null {
  if (!verified.includes(provider)) return null;
  const last = service.lastVerify;
  const p = last?.providers.find((v) => v.provider === provider);
  if (last === undefined || p === undefined) {
    return { ok: false, error: 'not verified yet: the controller asks DNS after each change it publishes', checkedAt: null };
  }
  if (p.ok || (p.error !== undefined && ANSWERED_OTHERWISE.test(p.error))) {
    return { ok: true, addresses: p.addresses, checkedAt: last.at, generation: last.generation };
  }
  return { ok: false, error: p.error ?? 'no answer', checkedAt: last.at };
}

function targetsOf(controller: Controller): TargetStatus[] {
  const snapshot = controller.monitorSnapshot();
  return snapshot.targets.map((t) => {
    const users = controller.probeTargets.servicesOf(t.targetId);
    const first = controller
      .service(users[0] ?? '')
      ?.config.targets.find((x) => controller.probeTargets.monitorId(users[0] as string, x.id) === t.targetId);
    return {
      id: t.targetId,
      cloud: first?.cloud ?? 'unknown',
      address: first?.address ?? 'unknown',
      services: users,
      verdict: t.verdict,
      verdictSince: t.verdictSince,
      reason: t.reason,
      vantages: t.vantages.map((v) => ({
        id: v.vantageId,
        state: v.state,
        breaker: v.breaker,
        partitioned: v.partitioned,
        lastProbeAt: v.lastProbeAt ?? null,
        lastLatencyMs: v.lastLatencyMs ?? null,
        lastError: v.lastError ?? null,
        consecutiveSuccesses: v.consecutiveSuccesses,
        consecutiveFailures: v.consecutiveFailures,
      })),
    };
  });
}

export function buildStatus(controller: Controller, now: number): ControllerStatus {
  const verified = controller.verifier?.providers ?? [];
  const services: ServiceStatus[] = controller.services().map((s) => {
    const d = s.lastDecision;
    const o = controller.overrides.forService(s.name);
    const providers: Partial<Record<ProviderId, ServiceProviderStatus>> = {};
    for (const [provider, p] of s.providers) {
      providers[provider] = {
        serving: observed(s, provider, verified),
        sync: p.sync,
        reason: p.reason,
        lastWriteAt: p.lastWriteAt ?? null,
      };
    }
    return {
      name: s.name,
      type: s.config.type,
      policy: s.config.policy,
      published: s.published
        ? { addresses: s.published.addresses, generation: s.published.generation, changedAt: s.published.changedAt }
        : null,
      pending: s.wanted ? { addresses: s.wanted.addresses, generation: s.wanted.generation } : null,
      decision: d
        ? {
            kind: d.kind,
            addresses: d.addresses,
            reason: d.reason,
            at: s.lastDecisionAt ?? null,
            ...(d.kind === 'hold' ? { heldUntil: d.held.until } : {}),
            failOpen: d.kind === 'fail-open',
            paused: d.kind === 'paused',
          }
        : null,
      overrides: { paused: o.paused, pinnedTargetId: o.pinnedTargetId ?? null, drainedClouds: o.drainedClouds },
      providers,
      lastWrite: s.lastWrite ?? null,
      lastVerify: s.lastVerify
        ? { generation: s.lastVerify.generation, allOk: s.lastVerify.allOk, providers: s.lastVerify.providers }
        : null,
    };
  });
  return {
    owner: controller.config.owner,
    zone: controller.config.zone,
    phase: controller.phase,
    generation: controller.generation,
    at: now,
    services,
    targets: targetsOf(controller),
    providers: controller.providerSync.all(),
    overrides: controller.overrides.view(),
    lastDecisions: controller.events.ofType('decision').slice(-LAST_DECISIONS),
    lastEventId: controller.events.lastId,
  };
}
