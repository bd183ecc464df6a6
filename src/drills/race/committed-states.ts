/**
 * The race's judge at the source: every state a provider's zone commits (the
 * emulators' ZoneStore emits `change` after each transaction) is inspected, so
 * nothing that was ever published escapes, however briefly it lasted.
 *
 * For every raced name, in every committed state:
 * - empty: the name has no A values (I1);
 * - generation-regressed: the generation it serves is older than one it
 *   served before on that provider: an older plan was published over a newer
 *   one (I2). The product's generation is its ownership record; the naive
 *   writer has none, so its generation is the plan its values belong to;
 * - stale-values (product only): the values are not those of the generation
 *   the ownership record claims. Route 53 and Cloud DNS write a name
 *   atomically, so they must match exactly; Azure writes the A set before the
 *   ownership record, so its values may belong to a newer plan than the
 *   ownership says (a change in flight), never to an older one.
 * And once the race is over, for every provider a writer was told was in sync
 * with its plan:
 * - acknowledged-plan-lost: the provider ends serving an older plan's answer
 *   than one it acknowledged: a stale plan won after the newer one was
 *   reported published (what a writer without fence writes would allow).
 */
import { ownershipName, parseOwnership } from '../../dns/ownership.js';
import { canonicalName } from '../../dns/record.js';
import type { EmuZone } from '../../emulators/core/zone-store.js';
import { recordKey } from '../../emulators/core/zone-store.js';
import type { ProviderId } from '../../providers/provider.js';
import type { PlanBook } from './incident.js';

/** `ownership`: generations from the product's ownership records; `values`: from the plan the values belong to. */
export type GenerationSource = 'ownership' | 'values';

export type StateViolation =
  | { readonly kind: 'empty'; readonly provider: ProviderId; readonly name: string; readonly serial: number }
  | {
      readonly kind: 'generation-regressed';
      readonly provider: ProviderId;
      readonly name: string;
      readonly serial: number;
      readonly from: number;
      readonly to: number;
    }
  | {
      readonly kind: 'stale-values';
      readonly provider: ProviderId;
      readonly name: string;
      readonly serial: number;
      readonly generation: number;
      readonly values: readonly string[];
    }
  | {
      readonly kind: 'acknowledged-plan-lost';
      readonly provider: ProviderId;
      readonly name: string;
      readonly serial: number;
      readonly acknowledged: number;
      readonly serving: number | undefined;
    };

/** What one provider serves at one name in one committed state. */
export interface ServedName {
  readonly values: readonly string[];
  /** The ownership record's generation (ours), if any. */
  readonly ownership: number | undefined;
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => {
  const x = [...a].sort();
  const y = [...b].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
};

export function servedAt(zone: EmuZone, name: string, owner: string): ServedName {
  const a = zone.records.get(recordKey(name, 'A'));
  const txt = zone.records.get(recordKey(ownershipName(name), 'TXT'));
  let ownership: number | undefined;
  if (txt !== undefined) {
    const parsed = parseOwnership({ name: txt.name, type: 'TXT', ttl: txt.ttl, values: txt.values });
    if (parsed.ok && parsed.ownership.owner === owner) ownership = parsed.ownership.generation;
  }
  return { values: [...(a?.values ?? [])].sort(), ownership };
}

export interface CommitCounts {
  /** Committed transactions seen. */
  readonly commits: number;
  /** Commits after which some raced name was empty. */
  readonly emptyStates: number;
  /** Commits that published an older generation over a newer one, or stale values under a generation. */
  readonly staleWritesApplied: number;
  /** Names that ended the race on an older plan than one their provider acknowledged in sync. */
  readonly acknowledgedPlansLost: number;
}

export class CommittedStateChecker {
  private readonly names: readonly string[];
  private readonly newest = new Map<string, number>();
  private readonly found: StateViolation[] = [];
  private counts = { commits: 0, emptyStates: 0, staleWritesApplied: 0, acknowledgedPlansLost: 0 };

  constructor(
    private readonly book: PlanBook,
    private readonly source: GenerationSource,
    private readonly owner: string,
  ) {
    this.names = book.names.map(canonicalName);
  }

  /** The generation `served` stands for, or undefined when it stands for none. */
  private generationOf(name: string, served: ServedName): number | undefined {
    if (this.source === 'ownership') return served.ownership;
    const gens = this.book.generationsServing(name, served.values);
    return gens.length === 0 ? undefined : Math.max(...gens);
  }

  private valuesFit(provider: ProviderId, name: string, served: ServedName, generation: number): boolean {
    if (this.source === 'values') return true;
    const exact = this.book.plan(generation)?.answers.get(name);
    if (exact !== undefined && sameSet(exact, served.values)) return true;
    // Azure: the A set is written before the ownership record; a newer plan's values may lead.
    return provider === 'azure' && this.book.generationsServing(name, served.values).some((g) => g > generation);
  }

  /** Inspect one committed state of `provider`'s zone. Never throws (it runs inside the emulator's commit). */
  observe(provider: ProviderId, zone: EmuZone): void {
    this.counts.commits += 1;
    let empty = false;
    let stale = false;
    for (const name of this.names) {
      const served = servedAt(zone, name, this.owner);
      if (served.values.length === 0) {
        empty = true;
        this.found.push({ kind: 'empty', provider, name, serial: zone.serial });
      }
      const key = `${provider} ${name}`;
      const previous = this.newest.get(key);
      const generation = this.generationOf(name, served);
      if (generation === undefined) {
        // Lost the generation it had: the ownership record (product) or the values (naive) are gone.
        if (previous !== undefined && served.values.length > 0) {
          stale = true;
          this.found.push({ kind: 'generation-regressed', provider, name, serial: zone.serial, from: previous, to: 0 });
        }
        continue;
      }
      if (previous !== undefined && generation < previous) {
        stale = true;
        this.found.push({ kind: 'generation-regressed', provider, name, serial: zone.serial, from: previous, to: generation });
      }
      if (served.values.length > 0 && !this.valuesFit(provider, name, served, generation)) {
        stale = true;
        this.found.push({ kind: 'stale-values', provider, name, serial: zone.serial, generation, values: served.values });
      }
      this.newest.set(key, Math.max(previous ?? 0, generation));
    }
    if (empty) this.counts.emptyStates += 1;
    if (stale) this.counts.staleWritesApplied += 1;
  }

  /**
   * At the end of the race: `provider` was acknowledged in sync with plan
   * `generation` at some point; the answer it serves now must be that plan's
   * or a newer one's (told apart by value, so a plan that kept an older answer
   * counts as the newer plan).
   */
  checkAcknowledged(provider: ProviderId, generation: number, zone: EmuZone): void {
    for (const name of this.names) {
      const served = servedAt(zone, name, this.owner);
      const plans = this.book.generationsServing(name, served.values);
      if (served.values.length > 0 && plans.some((g) => g >= generation)) continue;
      this.counts.acknowledgedPlansLost += 1;
      this.found.push({
        kind: 'acknowledged-plan-lost',
        provider,
        name,
        serial: zone.serial,
        acknowledged: generation,
        serving: plans.length === 0 ? undefined : Math.max(...plans),
      });
    }
  }

  violations(): readonly StateViolation[] {
    return this.found;
  }

  counters(): CommitCounts {
    return { ...this.counts };
  }

  /** The newest generation each provider has served at `name`. */
  newestServed(provider: ProviderId, name: string): number | undefined {
    return this.newest.get(`${provider} ${canonicalName(name)}`);
  }
}
