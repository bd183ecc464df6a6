/**
 * Desired state + one provider's observed state → that provider's plan.
 *
 * Rules (docs/decisions/planning-and-safety.md):
 * - only names whose ownership record names our owner are changed or deleted;
 *   a record without ownership is never adopted silently (skipped, with how
 *   to hand it over), a foreign or garbled ownership record means hands off;
 * - a name already serving the desired records is not written, even if its
 *   ownership carries an older generation: a restarted controller changes
 *   nothing that is right;
 * - a written name gets its ownership record bumped to the plan's generation
 *   in the same change; a name last written by this generation or a newer one
 *   is skipped as stale;
 * - owned names outside the managed names are cleaned up (delete).
 */
import { OWNER_PATTERN, isOwnershipName, ownedName, ownershipName, ownershipRecord, parseOwnership } from '../dns/ownership.js';
import { canonicalName, canonicalRecordSet, formatRecordSet, sameRecordSet } from '../dns/record.js';
import type { RecordSet, RecordType } from '../dns/record.js';
import type { Change, ProviderPlan, Skipped } from './change.js';
import type { DesiredRecord, ObservedRecord, ProviderState } from './state.js';

export interface PlanContext {
  readonly owner: string;
  /** This plan's generation; must be newer than anything published for a name to be written. */
  readonly generation: number;
  /**
   * Every name the configuration manages, including names without desired
   * records right now (a paused service): owned names outside this set are
   * cleaned up, names inside it are never deleted. Defaults to the desired names.
   */
  readonly managedNames?: Iterable<string>;
  /**
   * Names whose desired records were decided by this generation. Such a name
   * is written even when it already serves the desired records (a fence write:
   * the records are rewritten conditionally with the new generation), so that
   * a slower writer holding a plan made from the same observed state fails its
   * compare-and-swap instead of overwriting the newer decision. Names not
   * listed are left alone when they already match, so a restarted controller
   * that reuses the published generation changes nothing. Default: none.
   */
  readonly fenceNames?: Iterable<string>;
}

/** The planner was called with input no configuration can produce. */
export class PlanInputError extends Error {
  override readonly name = 'PlanInputError';
}

/** Two types cannot share a name if they are the same type or one of them is a CNAME. */
function clashes(wanted: RecordType, existing: RecordType): boolean {
  return wanted === existing || wanted === 'CNAME' || existing === 'CNAME';
}

function groupDesired(desired: readonly DesiredRecord[]): Map<string, Map<RecordType, RecordSet>> {
  const byName = new Map<string, Map<RecordType, RecordSet>>();
  for (const d of desired) {
    const rs = canonicalRecordSet(d);
    const types = byName.get(rs.name) ?? new Map<RecordType, RecordSet>();
    if (types.has(rs.type))
      throw new PlanInputError(`desired state lists ${rs.name} ${rs.type} twice; each name and type must be desired once`);
    types.set(rs.type, rs);
    byName.set(rs.name, types);
  }
  return byName;
}

interface IndexedState {
  /** Managed-type records per name (ownership records excluded). */
  readonly recordsAt: Map<string, Map<RecordType, ObservedRecord>>;
  /** Ownership record per managed name. */
  readonly ownershipAt: Map<string, ObservedRecord>;
}

function indexState(state: ProviderState): IndexedState {
  const recordsAt = new Map<string, Map<RecordType, ObservedRecord>>();
  const ownershipAt = new Map<string, ObservedRecord>();
  for (const observed of state.records.values()) {
    const rs = canonicalRecordSet(observed.record);
    const owned = rs.type === 'TXT' ? ownedName(rs.name) : undefined;
    if (owned !== undefined) {
      ownershipAt.set(owned, observed);
      continue;
    }
    const types = recordsAt.get(rs.name) ?? new Map<RecordType, ObservedRecord>();
    types.set(rs.type, observed);
    recordsAt.set(rs.name, types);
  }
  return { recordsAt, ownershipAt };
}

function handOverHint(name: string, owner: string, type: RecordType): string {
  return `delete it, or hand it over by creating TXT ${ownershipName(name)} "mcf-owner=${owner};generation=0;type=${type}"`;
}

export function planProvider(desired: readonly DesiredRecord[], state: ProviderState, ctx: PlanContext): ProviderPlan {
  const { owner, generation } = ctx;
  if (!OWNER_PATTERN.test(owner))
    throw new PlanInputError(`owner '${owner}' is invalid: expected 1-64 characters of letters, digits, . _ -`);
  if (!Number.isSafeInteger(generation) || generation < 1)
    throw new PlanInputError(`plan generation ${generation} is invalid: expected a positive integer`);

  const wantedByName = groupDesired(desired);
  const managed = new Set([...(ctx.managedNames ?? []), ...wantedByName.keys()].map(canonicalName));
  const fence = new Set([...(ctx.fenceNames ?? [])].map(canonicalName));
  const { recordsAt, ownershipAt } = indexState(state);
  const changes: Change[] = [];
  const skipped: Skipped[] = [];
  let unchanged = 0;
  const stale = (name: string, published: number): Skipped => ({
    name,
    reason: 'stale-generation',
    detail: `${name} was last changed by generation ${published} on ${state.provider}, not older than this plan's generation ${generation}; re-read all providers and re-plan`,
  });

  for (const name of [...wantedByName.keys()].sort()) {
    const wanted = wantedByName.get(name) as Map<RecordType, RecordSet>;
    if (isOwnershipName(name)) {
      skipped.push({
        name,
        reason: 'reserved-name',
        detail: `${name} starts with the ownership label; rename it (names under _mcf. hold ownership records)`,
      });
      continue;
    }
    const have = recordsAt.get(name) ?? new Map<RecordType, ObservedRecord>();
    const ownershipObserved = ownershipAt.get(name);

    if (ownershipObserved === undefined) {
      const creatable: RecordSet[] = [];
      for (const rs of wanted.values()) {
        const clash = [...have.values()].find((o) => clashes(rs.type, o.record.type));
        if (clash) {
          skipped.push({
            name,
            type: rs.type,
            reason: 'unowned-record',
            detail: `${formatRecordSet(clash.record)} exists without an ownership record; ${handOverHint(name, owner, clash.record.type)}`,
          });
        } else {
          creatable.push(rs);
        }
      }
      if (creatable.length > 0) {
        changes.push({
          kind: 'create',
          name,
          records: creatable,
          ownership: ownershipRecord(name, { owner, generation, types: creatable.map((r) => r.type) }),
        });
      }
      continue;
    }

    const parsed = parseOwnership(canonicalRecordSet(ownershipObserved.record));
    if (!parsed.ok) {
      skipped.push({
        name,
        reason: 'unreadable-ownership',
        detail: `${parsed.error.message}; fix or delete TXT ${ownershipName(name)} by hand`,
      });
      continue;
    }
    if (parsed.ownership.owner !== owner) {
      skipped.push({
        name,
        reason: 'foreign-owner',
        detail: `${name} belongs to owner '${parsed.ownership.owner}' (TXT ${ownershipName(name)}); owner '${owner}' leaves it alone`,
      });
      continue;
    }

    const owned = new Set(parsed.ownership.types);
    const from: ObservedRecord[] = [];
    const to: RecordSet[] = [];
    const kept: RecordType[] = [];
    const typeSkips: Skipped[] = [];
    for (const rs of wanted.values()) {
      const clash = [...have.values()].find((o) => !owned.has(o.record.type) && clashes(rs.type, o.record.type));
      if (clash) {
        typeSkips.push({
          name,
          type: rs.type,
          reason: 'unowned-record',
          detail: `${formatRecordSet(clash.record)} is not listed in our ownership record; ${handOverHint(name, owner, clash.record.type)}`,
        });
        continue;
      }
      kept.push(rs.type);
      const current = have.get(rs.type);
      if (current && sameRecordSet(current.record, rs)) continue;
      if (current) from.push(current);
      to.push(rs);
    }
    skipped.push(...typeSkips);
    // Nothing we may write: leave the name exactly as it is, retired types included (never empty it).
    if (kept.length === 0) continue;
    for (const type of owned) {
      const retired = have.get(type);
      if (retired && !wanted.has(type)) from.push(retired);
    }
    if (from.length === 0 && to.length === 0) {
      const fenceWrite = fence.has(name) && typeSkips.length === 0 && parsed.ownership.generation < generation;
      if (!fenceWrite) {
        if (typeSkips.length === 0) unchanged += 1;
        continue;
      }
      for (const type of kept) {
        const current = have.get(type);
        if (current) {
          from.push(current);
          to.push(wanted.get(type) as RecordSet);
        }
      }
    }
    if (parsed.ownership.generation >= generation) {
      skipped.push(stale(name, parsed.ownership.generation));
      continue;
    }
    changes.push({
      kind: 'update',
      name,
      from,
      to,
      ownershipFrom: ownershipObserved,
      ownershipTo: ownershipRecord(name, { owner, generation, types: kept }),
    });
  }

  for (const name of [...ownershipAt.keys()].sort()) {
    if (managed.has(name)) continue;
    const ownershipObserved = ownershipAt.get(name) as ObservedRecord;
    const parsed = parseOwnership(canonicalRecordSet(ownershipObserved.record));
    if (!parsed.ok || parsed.ownership.owner !== owner) continue; // not ours: not our clean-up
    if (parsed.ownership.generation >= generation) {
      skipped.push(stale(name, parsed.ownership.generation));
      continue;
    }
    const have = recordsAt.get(name);
    const from = parsed.ownership.types.flatMap((t) => {
      const o = have?.get(t);
      return o ? [o] : [];
    });
    changes.push({ kind: 'delete', name, from, ownershipFrom: ownershipObserved });
  }

  changes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { provider: state.provider, owner, generation, changes, skipped, unchanged };
}
