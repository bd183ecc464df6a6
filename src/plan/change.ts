/**
 * A provider plan: a plain value (print it, diff it, test it) listing what one
 * provider must change so that it serves the desired state.
 *
 * The unit of change is one managed name: its record sets and its ownership
 * record move together, atomically where the provider allows it (Route 53
 * batch, Cloud DNS change). Every change is conditional on what was observed:
 * - create: nothing of ours existed at the name; each record set and the
 *   ownership record are created only if still absent;
 * - update: delete exactly `from` (by token), create `to`; a type in `to` that
 *   is not in `from` is created only if absent; the ownership record is
 *   replaced conditionally on `ownershipFrom`'s token;
 * - delete: clean-up of a name we own and nobody wants any more.
 */
import type { RecordSet, RecordType } from '../dns/record.js';
import type { ObservedRecord, ProviderId } from './state.js';

export interface CreateChange {
  readonly kind: 'create';
  readonly name: string;
  readonly records: readonly RecordSet[];
  readonly ownership: RecordSet;
}

export interface UpdateChange {
  readonly kind: 'update';
  readonly name: string;
  /** Record sets removed or replaced, exactly as observed. */
  readonly from: readonly ObservedRecord[];
  /** Record sets written; a type absent from `from` is a conditional create. */
  readonly to: readonly RecordSet[];
  readonly ownershipFrom: ObservedRecord;
  readonly ownershipTo: RecordSet;
}

export interface DeleteChange {
  readonly kind: 'delete';
  readonly name: string;
  readonly from: readonly ObservedRecord[];
  readonly ownershipFrom: ObservedRecord;
}

export type Change = CreateChange | UpdateChange | DeleteChange;

/** Why a desired name was left alone on this provider. */
export type SkipReason =
  /** A record of the wanted type (or a CNAME clash) exists without our ownership. */
  | 'unowned-record'
  /** The ownership record names another owner. */
  | 'foreign-owner'
  /** The `_mcf` TXT exists but is not a valid ownership record. */
  | 'unreadable-ownership'
  /** The name was changed by a plan of this generation or newer. */
  | 'stale-generation'
  /** The desired name is itself an ownership name (`_mcf.*`). */
  | 'reserved-name';

export interface Skipped {
  readonly name: string;
  /** Set when only one type of the name was skipped. */
  readonly type?: RecordType;
  readonly reason: SkipReason;
  readonly detail: string;
}

export interface ProviderPlan {
  readonly provider: ProviderId;
  readonly owner: string;
  readonly generation: number;
  readonly changes: readonly Change[];
  readonly skipped: readonly Skipped[];
  /** Desired names that already serve the desired records. */
  readonly unchanged: number;
}

/** Record sets a change writes (ownership excluded). */
export function writtenRecords(change: Change): readonly RecordSet[] {
  switch (change.kind) {
    case 'create':
      return change.records;
    case 'update':
      return change.to;
    case 'delete':
      return [];
  }
}

/** Record sets a change removes or replaces (ownership excluded). */
export function removedRecords(change: Change): readonly ObservedRecord[] {
  return change.kind === 'create' ? [] : change.from;
}

/** The ownership record a change leaves behind, if any. */
export function newOwnership(change: Change): RecordSet | undefined {
  switch (change.kind) {
    case 'create':
      return change.ownership;
    case 'update':
      return change.ownershipTo;
    case 'delete':
      return undefined;
  }
}
