/**
 * What the controller knows about one service between rounds of the loop:
 * - `published`: the answer DNS serves (the last publish some provider
 *   acknowledged, or what the providers held at start-up), with its generation
 *   and when it changed; decide() reads it;
 * - `wanted`: the answer the controller has handed to the reconciler, which is
 *   `published` unless a publish reached no provider yet (then the reconciler
 *   keeps retrying it, and it becomes `published` when a provider converges);
 * - per provider: in or out of sync, why, and when it last took a write.
 */
import type { ServiceConfig } from '../config/schema.js';
import type { ProviderId } from '../providers/provider.js';
import type { PublishedAnswer, RoutedService } from '../routing/answer.js';
import type { Decision } from '../routing/decision.js';
import type { VerifyEvent, WriteEvent } from '../observability/events.js';

export type SyncState = 'in-sync' | 'out-of-sync' | 'unknown';

export interface ProviderServiceStatus {
  readonly sync: SyncState;
  readonly reason: string;
  /** When this provider last acknowledged a change to this service's name. */
  readonly lastWriteAt?: number;
}

/** The answer handed to the reconciler. */
export interface WantedAnswer {
  readonly addresses: readonly string[];
  readonly generation: number;
}

export class ServiceState {
  readonly config: ServiceConfig;
  readonly routed: RoutedService;
  published: PublishedAnswer | undefined;
  wanted: WantedAnswer | undefined;
  lastDecision: Decision | undefined;
  lastDecisionAt: number | undefined;
  lastWrite: WriteEvent | undefined;
  lastVerify: VerifyEvent | undefined;
  readonly providers = new Map<ProviderId, ProviderServiceStatus>();

  constructor(config: ServiceConfig, providerIds: readonly ProviderId[]) {
    this.config = config;
    this.routed = { name: config.name, type: config.type, policy: config.policy, targets: config.targets };
    for (const p of providerIds) this.providers.set(p, { sync: 'unknown', reason: 'not read yet' });
  }

  get name(): string {
    return this.config.name;
  }

  /** What every provider should serve for this service: the wanted answer, else the published one. */
  get desiredAddresses(): readonly string[] | undefined {
    return this.wanted?.addresses ?? this.published?.addresses;
  }

  setProvider(provider: ProviderId, patch: Partial<ProviderServiceStatus>): void {
    const was = this.providers.get(provider) ?? { sync: 'unknown', reason: '' };
    this.providers.set(provider, { ...was, ...patch });
  }
}

/** Decisions that differ in these respects are worth an event; a repeated `keep` is not. */
export function decisionSignature(d: Decision): string {
  const held = d.kind === 'hold' ? d.held.wanted.addresses.join(',') : '';
  const paused = d.kind === 'paused' ? `${d.wouldBe.kind}:${d.wouldBe.addresses.join(',')}` : '';
  return [d.kind, d.addresses.join(','), held, paused, d.overrides.pinIgnored, d.overrides.drainIgnored].join('|');
}
