/**
 * The safety checks every plan passes before any write. They re-derive the
 * invariants from the plans themselves, independently of how the planner
 * built them, so a planner bug (or a plan built elsewhere) is refused too.
 *
 * I1 never empty, I2 no stale wins, I3 clean-up never removes what is live,
 * I7 blast radius. See docs/decisions/planning-and-safety.md.
 */
import { isOwnershipName, ownershipName, parseOwnership } from '../dns/ownership.js';
import { MANAGED_TYPES, canonicalName, canonicalRecordSet, recordKey } from '../dns/record.js';
import type { RecordType } from '../dns/record.js';
import { newOwnership, removedRecords, writtenRecords } from './change.js';
import type { Change, ProviderPlan } from './change.js';
import { newestPublished, publishedGenerations } from './generations.js';
import type { NewestPublished, PublishedGenerations } from './generations.js';
import type { DesiredRecord, ProviderId, ProviderState } from './state.js';

/** Share of managed names one plan may change without --force (octoDNS uses 30%). */
export const MAX_CHANGE_SHARE = 0.3;
/** Below this many managed names the share limit does not apply (octoDNS: 10 records). */
export const MIN_NAMES_FOR_SHARE_LIMIT = 10;

interface At {
  readonly provider: ProviderId;
  readonly name: string;
  readonly message: string;
}

export type Violation =
  | (At & { readonly kind: 'empty-answer'; readonly invariant: 'I1'; readonly type?: RecordType })
  | (At & {
      readonly kind: 'stale-generation';
      readonly invariant: 'I2';
      readonly planGeneration: number;
      readonly published: NewestPublished;
      readonly names: readonly string[];
    })
  | (At & { readonly kind: 'bad-ownership'; readonly invariant: 'I2' })
  | (At & { readonly kind: 'deletes-managed-name'; readonly invariant: 'I1' })
  | (At & {
      readonly kind: 'deletes-live-value';
      readonly invariant: 'I3';
      readonly type: RecordType;
      readonly value: string;
      readonly liveAt: string;
    })
  | (At & { readonly kind: 'touches-unowned'; readonly invariant: 'I3' })
  | {
      readonly kind: 'blast-radius';
      readonly invariant: 'I7';
      readonly changed: number;
      readonly managed: number;
      readonly limit: number;
      readonly message: string;
    };

export type CheckResult = { readonly ok: true } | { readonly ok: false; readonly violations: readonly Violation[] };

export interface CheckContext {
  readonly owner: string;
  /** The desired state the plans were made for. */
  readonly desired: readonly DesiredRecord[];
  /** Names the configuration manages, desired or paused; defaults to the desired names. */
  readonly managedNames?: Iterable<string>;
  /**
   * The provider states the plans were made from: what a change leaves at its
   * name is judged on them (a provider without a state counts as empty).
   */
  readonly states: readonly ProviderState[];
  /** Our generations as published on every provider, read just before applying; defaults to those in `states`. */
  readonly publishedGenerations?: PublishedGenerations;
  readonly maxChangeShare?: number;
  readonly minNamesForShareLimit?: number;
  /** The operator's --force: lifts the blast-radius limit, and nothing else. */
  readonly force?: boolean;
}

interface Live {
  /** name → desired types. */
  readonly desiredTypes: ReadonlyMap<string, ReadonlySet<RecordType>>;
  readonly managed: ReadonlySet<string>;
  /** `${type} ${value}` → a managed name that serves it. */
  readonly values: ReadonlyMap<string, string>;
}

function liveState(ctx: CheckContext): Live {
  const desiredTypes = new Map<string, Set<RecordType>>();
  const values = new Map<string, string>();
  for (const d of ctx.desired) {
    const rs = canonicalRecordSet(d);
    desiredTypes.set(rs.name, (desiredTypes.get(rs.name) ?? new Set<RecordType>()).add(rs.type));
    for (const v of rs.values) if (!values.has(`${rs.type} ${v}`)) values.set(`${rs.type} ${v}`, rs.name);
  }
  const managed = new Set([...(ctx.managedNames ?? []), ...desiredTypes.keys()].map(canonicalName));
  return { desiredTypes, managed, values };
}

function formatPercent(share: number): string {
  return `${Number((share * 100).toFixed(1))}%`;
}

/** Total values at `name` once `change` has applied to `state` (ownership records excluded). */
function valuesAfter(state: ProviderState | undefined, change: Change): number {
  const at = new Map<RecordType, number>();
  // Keyed lookups, not a scan of the zone: a scan per change is quadratic in zone size.
  const name = canonicalName(change.name);
  if (!isOwnershipName(name)) {
    for (const type of MANAGED_TYPES) {
      const observed = state?.records.get(recordKey(name, type));
      if (observed) at.set(type, canonicalRecordSet(observed.record).values.length);
    }
  }
  for (const { record } of removedRecords(change)) at.delete(record.type);
  for (const rs of writtenRecords(change)) at.set(rs.type, rs.values.length);
  return [...at.values()].reduce((n, v) => n + v, 0);
}

/**
 * I1: nothing written is empty, no managed name is deleted, no type it still
 * serves is removed without replacement, and it keeps at least one value.
 */
function checkNeverEmpty(provider: ProviderId, change: Change, live: Live, state: ProviderState | undefined): Violation[] {
  const out: Violation[] = [];
  for (const rs of writtenRecords(change)) {
    if (rs.values.length === 0) {
      out.push({
        kind: 'empty-answer',
        invariant: 'I1',
        provider,
        name: change.name,
        type: rs.type,
        message: `${provider}: ${change.name} ${rs.type} would be written with no values; an empty answer is never published`,
      });
    }
  }
  if (change.kind === 'delete' && live.managed.has(change.name)) {
    out.push({
      kind: 'deletes-managed-name',
      invariant: 'I1',
      provider,
      name: change.name,
      message: `${provider}: ${change.name} would be deleted although it is a managed name; clean-up only removes names no longer in the configuration`,
    });
  }
  if (change.kind === 'delete' || !live.managed.has(change.name)) return out;
  if (change.kind === 'update') {
    const replaced = new Set(change.to.map((r) => r.type));
    const desired = live.desiredTypes.get(change.name);
    for (const { record } of change.from) {
      // A paused managed name (no desired records) keeps every type it has.
      const stillServed = desired === undefined || desired.has(record.type);
      if (stillServed && !replaced.has(record.type)) {
        out.push({
          kind: 'empty-answer',
          invariant: 'I1',
          provider,
          name: change.name,
          type: record.type,
          message: `${provider}: ${change.name} ${record.type} would be removed although it is still desired`,
        });
      }
    }
  }
  if (out.length === 0 && valuesAfter(state, change) === 0) {
    out.push({
      kind: 'empty-answer',
      invariant: 'I1',
      provider,
      name: change.name,
      message: `${provider}: ${change.name} would be left with no values at all; an empty answer is never published`,
    });
  }
  return out;
}

/** I3: only owned records are removed, and clean-up never deletes a value that is live. */
function checkCleanUp(provider: ProviderId, owner: string, change: Change, live: Live): Violation[] {
  const out: Violation[] = [];
  const { name } = change;
  if (change.kind === 'create') return out;
  const ownership = canonicalRecordSet(change.ownershipFrom.record);
  const parsed = parseOwnership(ownership);
  if (ownership.name !== ownershipName(name) || !parsed.ok || parsed.ownership.owner !== owner) {
    const why = !parsed.ok
      ? parsed.error.message
      : ownership.name !== ownershipName(name)
        ? `its ownership record is ${ownership.name}, not ${ownershipName(name)}`
        : `it belongs to owner '${parsed.ownership.owner}'`;
    out.push({
      kind: 'touches-unowned',
      invariant: 'I3',
      provider,
      name,
      message: `${provider}: ${change.kind} of ${name} refused, ${why}; owner '${owner}' only changes names it owns`,
    });
    return out;
  }
  const ownedTypes = new Set(parsed.ownership.types);
  for (const { record } of removedRecords(change)) {
    const rs = canonicalRecordSet(record);
    if (rs.name !== name || !ownedTypes.has(rs.type)) {
      out.push({
        kind: 'touches-unowned',
        invariant: 'I3',
        provider,
        name,
        message: `${provider}: ${change.kind} of ${name} would remove ${rs.name} ${rs.type}, which its ownership record (type=${parsed.ownership.types.join(',')}) does not cover`,
      });
      continue;
    }
    if (change.kind !== 'delete') continue;
    for (const value of rs.values) {
      const liveAt = live.values.get(`${rs.type} ${value}`);
      if (liveAt !== undefined) {
        out.push({
          kind: 'deletes-live-value',
          invariant: 'I3',
          provider,
          name,
          type: rs.type,
          value,
          liveAt,
          message: `${provider}: clean-up of ${name} ${rs.type} would delete ${value}, which is live at ${liveAt}; remove ${name} by hand if that is really meant`,
        });
      }
    }
  }
  return out;
}

/** I2 (structure): every written name carries our owner and this plan's generation, covering what it writes. */
function checkOwnershipWrite(provider: ProviderId, owner: string, generation: number, change: Change): Violation[] {
  const target = newOwnership(change);
  if (target === undefined) return [];
  const bad = (why: string): Violation[] => [
    { kind: 'bad-ownership', invariant: 'I2', provider, name: change.name, message: `${provider}: ${change.name} ${why}` },
  ];
  const rs = canonicalRecordSet(target);
  if (rs.name !== ownershipName(change.name))
    return bad(`would write its ownership record at ${rs.name}, expected ${ownershipName(change.name)}`);
  const parsed = parseOwnership(rs);
  if (!parsed.ok) return bad(`would write an unreadable ownership record: ${parsed.error.message}`);
  const o = parsed.ownership;
  if (o.owner !== owner || o.generation !== generation)
    return bad(`would write ownership owner '${o.owner}' generation ${o.generation}, expected owner '${owner}' generation ${generation}`);
  const covered = new Set(o.types);
  const seen = new Set<RecordType>();
  for (const w of writtenRecords(change)) {
    const r = canonicalRecordSet(w);
    if (r.name !== change.name) return bad(`would write ${r.name} ${r.type}, outside its own name`);
    if (!covered.has(r.type)) return bad(`would write ${r.type} without listing it in its ownership record`);
    if (seen.has(r.type)) return bad(`would write ${r.type} twice`);
    seen.add(r.type);
  }
  return [];
}

/** I2 (fencing): the plan's generation is newer than every generation published on any provider. */
function checkGeneration(plan: ProviderPlan, ctx: CheckContext, published: PublishedGenerations): Violation[] {
  if (plan.changes.length === 0) return [];
  let newest = newestPublished(published);
  for (const change of plan.changes) {
    if (change.kind === 'create') continue;
    const parsed = parseOwnership(canonicalRecordSet(change.ownershipFrom.record));
    if (parsed.ok && parsed.ownership.owner === ctx.owner && (newest === undefined || parsed.ownership.generation > newest.generation)) {
      newest = { provider: plan.provider, name: change.name, generation: parsed.ownership.generation };
    }
  }
  if (newest === undefined || newest.generation < plan.generation) return [];
  const names = plan.changes.map((c) => c.name);
  const first = names[0] as string;
  const more = names.length > 1 ? ` (and ${names.length - 1} more)` : '';
  return [
    {
      kind: 'stale-generation',
      invariant: 'I2',
      provider: plan.provider,
      name: first,
      names,
      planGeneration: plan.generation,
      published: newest,
      message: `${plan.provider}: plan generation ${plan.generation} would change ${first}${more}, but generation ${newest.generation} is already published for ${newest.name} on ${newest.provider}; a newer plan has been applied: re-read all providers and re-plan`,
    },
  ];
}

/** I7: share of managed names whose answer changes (creates excluded: they cannot alter an answer that exists). */
function checkBlastRadius(plans: readonly ProviderPlan[], live: Live, ctx: CheckContext): Violation[] {
  const limit = ctx.maxChangeShare ?? MAX_CHANGE_SHARE;
  const minNames = ctx.minNamesForShareLimit ?? MIN_NAMES_FOR_SHARE_LIMIT;
  const managed = live.managed.size;
  if (ctx.force === true || managed === 0 || managed < minNames) return [];
  const changedNames = new Set(plans.flatMap((p) => p.changes.filter((c) => c.kind !== 'create').map((c) => c.name)));
  const changed = changedNames.size;
  if (changed / managed <= limit) return [];
  return [
    {
      kind: 'blast-radius',
      invariant: 'I7',
      changed,
      managed,
      limit,
      message: `plan changes ${changed} of ${managed} managed names (${formatPercent(changed / managed)}), over the limit of ${formatPercent(limit)} (safety.maxChangeShare); re-run with --force to apply anyway`,
    },
  ];
}

export function checkPlan(plans: readonly ProviderPlan[], ctx: CheckContext): CheckResult {
  const live = liveState(ctx);
  const published = ctx.publishedGenerations ?? publishedGenerations(ctx.states, ctx.owner);
  const violations: Violation[] = [];
  for (const plan of plans) {
    const state = ctx.states.find((s) => s.provider === plan.provider);
    violations.push(...checkGeneration(plan, ctx, published));
    for (const change of plan.changes) {
      violations.push(...checkNeverEmpty(plan.provider, change, live, state));
      violations.push(...checkOwnershipWrite(plan.provider, ctx.owner, plan.generation, change));
      violations.push(...checkCleanUp(plan.provider, ctx.owner, change, live));
    }
  }
  violations.push(...checkBlastRadius(plans, live, ctx));
  return violations.length === 0 ? { ok: true } : { ok: false, violations };
}
