/**
 * What is published, read back from the providers: after a restart the
 * controller knows nothing but what DNS holds (ownership records + values), so
 * that is its starting state. Pure: the reads happen elsewhere.
 *
 * Rules:
 * - a service's published answer is the value set at the provider holding the
 *   highest generation of ours for the name; when several providers hold that
 *   generation with different values (which a correct writer never leaves),
 *   the value set most of them hold wins, then provider order;
 * - `changedAt` is unknown after a restart, so it is taken as "now": a
 *   restarted controller treats the published answer as just changed. The dwell
 *   then holds any non-urgent change for one dwell period (no flapping because
 *   of a restart), while moving away from a target that is down by quorum is
 *   urgent and not held at all;
 * - the generation floor is the newest generation of ours on any provider for
 *   any name: every generation minted afterwards is above it (I2);
 * - providers that hold another value set, or nothing of ours, for a name are
 *   reported as lagging so the reconciler can bring them in line (the same
 *   values under an older generation are not lagging: they serve the answer).
 */
import { ownershipName, parseOwnership } from '../dns/ownership.js';
import { canonicalRecordSet, recordKey } from '../dns/record.js';
import type { RecordType } from '../dns/record.js';
import { newestPublished, publishedGenerations } from '../plan/generations.js';
import type { ProviderId, ProviderState } from '../plan/state.js';
import type { PublishedAnswer } from '../routing/answer.js';

/** What one provider holds for one managed name. */
export interface ProviderHolding {
  readonly provider: ProviderId;
  /** Canonical values of the service's type at the name (empty when absent). */
  readonly addresses: readonly string[];
  /** Our generation in the name's ownership record; undefined if the record is absent, foreign or unreadable. */
  readonly generation: number | undefined;
  /** Why the name cannot be read as ours on this provider, if so. */
  readonly problem?: string;
}

export interface ServicePublished {
  readonly name: string;
  /** undefined when no provider holds an answer of ours. */
  readonly published: PublishedAnswer | undefined;
  readonly holdings: readonly ProviderHolding[];
  /** Providers (among those read) that do not serve `published`'s values under our ownership (an older generation with the same values is fine). */
  readonly lagging: readonly ProviderId[];
}

export interface StartupView {
  readonly services: ReadonlyMap<string, ServicePublished>;
  /** Newest generation of ours on any provider read, 0 if none. */
  readonly generationFloor: number;
}

export interface StartupService {
  readonly name: string;
  readonly type: RecordType;
}

function holdingAt(state: ProviderState, service: StartupService, owner: string): ProviderHolding {
  const values = state.records.get(recordKey(service.name, service.type));
  const addresses = values ? canonicalRecordSet(values.record).values : [];
  const own = state.records.get(recordKey(ownershipName(service.name), 'TXT'));
  if (own === undefined)
    return {
      provider: state.provider,
      addresses,
      generation: undefined,
      ...(addresses.length > 0 ? { problem: 'records without an ownership record' } : {}),
    };
  const parsed = parseOwnership(canonicalRecordSet(own.record));
  if (!parsed.ok) return { provider: state.provider, addresses, generation: undefined, problem: parsed.error.message };
  if (parsed.ownership.owner !== owner)
    return { provider: state.provider, addresses, generation: undefined, problem: `owned by '${parsed.ownership.owner}'` };
  return { provider: state.provider, addresses, generation: parsed.ownership.generation };
}

const setKey = (addresses: readonly string[]) => [...addresses].sort().join(' ');

/** The published answer of one service from the providers' holdings (see the rules above). */
export function publishedFrom(holdings: readonly ProviderHolding[], changedAt: number): PublishedAnswer | undefined {
  const ours = holdings.filter((h): h is ProviderHolding & { generation: number } => h.generation !== undefined && h.addresses.length > 0);
  if (ours.length === 0) return undefined;
  const top = Math.max(...ours.map((h) => h.generation));
  const votes = new Map<string, { addresses: readonly string[]; count: number }>();
  for (const h of ours.filter((x) => x.generation === top)) {
    const key = setKey(h.addresses);
    const v = votes.get(key) ?? { addresses: h.addresses, count: 0 };
    votes.set(key, { ...v, count: v.count + 1 });
  }
  // Map iteration keeps provider order, and only a strictly larger count replaces the leader.
  let best: { addresses: readonly string[]; count: number } | undefined;
  for (const v of votes.values()) if (best === undefined || v.count > best.count) best = v;
  return { addresses: [...(best as { addresses: readonly string[] }).addresses], generation: top, changedAt };
}

/** Read the providers' states back as the controller's starting state. */
export function startupView(
  states: readonly ProviderState[],
  services: readonly StartupService[],
  owner: string,
  now: number,
): StartupView {
  const out = new Map<string, ServicePublished>();
  for (const service of services) {
    const holdings = states.map((s) => holdingAt(s, service, owner));
    const published = publishedFrom(holdings, now);
    const lagging = holdings
      .filter((h) => published === undefined || h.generation === undefined || setKey(h.addresses) !== setKey(published.addresses))
      .map((h) => h.provider);
    out.set(service.name, { name: service.name, published, holdings, lagging: published === undefined ? [] : lagging });
  }
  return { services: out, generationFloor: newestPublished(publishedGenerations(states, owner))?.generation ?? 0 };
}
