/**
 * What the reconciler tells the controller and the audit log, as one
 * discriminated union: every event carries its type and the time it happened.
 * A provider's acknowledged write is not one of these: it goes, with the
 * provider's report, to Reconciler.onProviderApplied listeners the moment it
 * arrives (the controller records it as a `provider-write` event).
 */
import type { RecordType } from '../dns/record.js';
import type { ProviderErrorKind, ProviderId } from '../providers/provider.js';
import type { Supersession } from './apply-outcome.js';

export type ReconcileEvent =
  /** A provider could not be brought in sync; it is retried at nextRetryAt. */
  | {
      readonly type: 'out-of-sync';
      readonly at: number;
      readonly provider: ProviderId;
      readonly errorKind: ProviderErrorKind | 'conflict-exhausted' | 'refused';
      readonly reason: string;
      readonly attempts: number;
      readonly nextRetryAt: number;
    }
  /** A provider that was out of sync serves the current target again. */
  | {
      readonly type: 'converged';
      readonly at: number;
      readonly provider: ProviderId;
      readonly generation: number;
      readonly attempts: number;
    }
  /** A name we own serves something else than we published (a hand edit). */
  | {
      readonly type: 'drift';
      readonly at: number;
      readonly provider: ProviderId;
      readonly name: string;
      readonly recordType: RecordType;
      readonly expected: { readonly ttl: number; readonly values: readonly string[] };
      readonly found: { readonly ttl: number; readonly values: readonly string[] } | undefined;
      /** `report` when the name is paused: the operator owns it for now. */
      readonly action: 'repair' | 'report';
    }
  | {
      readonly type: 'drift-repaired';
      readonly at: number;
      readonly provider: ProviderId;
      readonly names: readonly string[];
      readonly generation: number;
    }
  /** The reconciler minted a newer generation (a drift repair is fenced like a new decision). */
  | {
      readonly type: 'generation-advanced';
      readonly at: number;
      readonly from: number;
      readonly to: number;
      readonly reason: 'drift-repair';
    }
  /** A newer generation is published by someone else; the current target is stale and is not retried. */
  | ({ readonly type: 'superseded'; readonly at: number } & Supersession)
  /** The safety checks refused a write; a person must look (or --force an I7 refusal). */
  | { readonly type: 'refused'; readonly at: number; readonly providers: readonly ProviderId[]; readonly violations: readonly string[] };

export type ReconcileEventType = ReconcileEvent['type'];
