/**
 * Published generations: the fencing tokens found in our ownership records.
 * A plan may only be applied if its generation is newer than every one of
 * them, on every provider (I2).
 */
import { ownedName, parseOwnership } from '../dns/ownership.js';
import type { ProviderId, ProviderState } from './state.js';

/** provider → managed name → generation published there by `owner`. */
export type PublishedGenerations = ReadonlyMap<ProviderId, ReadonlyMap<string, number>>;

export function publishedGenerations(states: Iterable<ProviderState>, owner: string): PublishedGenerations {
  const out = new Map<ProviderId, Map<string, number>>();
  for (const state of states) {
    const names = new Map<string, number>();
    for (const { record } of state.records.values()) {
      const name = record.type === 'TXT' ? ownedName(record.name) : undefined;
      if (name === undefined) continue;
      const parsed = parseOwnership(record);
      if (parsed.ok && parsed.ownership.owner === owner) names.set(name, parsed.ownership.generation);
    }
    out.set(state.provider, names);
  }
  return out;
}

export interface NewestPublished {
  readonly provider: ProviderId;
  readonly name: string;
  readonly generation: number;
}

/** The newest generation published anywhere, or undefined if nothing of ours is published. */
export function newestPublished(published: PublishedGenerations): NewestPublished | undefined {
  let newest: NewestPublished | undefined;
  for (const [provider, names] of published) {
    for (const [name, generation] of names) {
      if (newest === undefined || generation > newest.generation) newest = { provider, name, generation };
    }
  }
  return newest;
}

/**
 * The generation for the next plan: newer than anything published and than
 * the last one this process used (a provider that is down may hold a newer
 * one; the controller remembers what it wrote).
 */
export function nextGeneration(published: PublishedGenerations, lastUsed = 0): number {
  return Math.max(newestPublished(published)?.generation ?? 0, lastUsed) + 1;
}
