/**
 * One small interface over the three DNS APIs (after external-dns's
 * `Records` + `ApplyChanges`): read what is published at the managed names,
 * each record set with the token a later write is conditional on; apply a
 * provider plan whose every change states what it was planned from.
 *
 * What differs per cloud lives in its own module, side by side:
 * - route53.ts  — DELETE of the exact observed set + CREATE in one atomic batch
 * - azure-dns.ts — PUT/DELETE with If-Match (If-None-Match: * to create), one set at a time
 * - cloud-dns.ts — exact-match deletions + additions in one atomic change
 */
import type { ProviderPlan } from '../plan/change.js';
import type { Change } from '../plan/change.js';
import type { ProviderId, ProviderState } from '../plan/state.js';
import type { ReadOptions } from './read-selection.js';

export type { ProviderId };

/** Per-call options every adapter honours on apply (read takes the same `signal` in ReadOptions). */
export interface ApplyOptions {
  /**
   * Aborts the request in flight for real (the SDK's abort option), stops
   * retries and leaves the plan's remaining changes unsent; the call then
   * rejects with ProviderError kind `cancelled` (or `timeout`, if its own
   * per-call deadline fired first).
   */
  readonly signal?: AbortSignal;
}

/**
 * - conflict: the state changed since it was read (CAS failed); re-read and re-plan, never force
 * - throttled: the API refused for rate; retried with backoff inside the adapter before surfacing
 * - unavailable: connection refused/reset, 5xx after retries, DNS failure: skip this provider, reconcile later
 * - timeout: the per-call deadline passed (the request was aborted)
 * - invalid: the request was refused as malformed (a bug or bad config: do not retry)
 * - auth: credentials refused
 * - cancelled: the caller's AbortSignal fired (shutdown, a superseded write): the request was aborted, never retried
 */
export type ProviderErrorKind = 'conflict' | 'throttled' | 'unavailable' | 'timeout' | 'invalid' | 'auth' | 'cancelled';

export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    readonly provider: ProviderId,
    readonly kind: ProviderErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${provider}: ${kind}: ${message}`, options);
  }
  get retryable(): boolean {
    return this.kind === 'throttled' || this.kind === 'unavailable' || this.kind === 'timeout';
  }
}

export function isProviderError(err: unknown, kind?: ProviderErrorKind): err is ProviderError {
  return err instanceof ProviderError && (kind === undefined || err.kind === kind);
}

/** What one apply did. Changes are grouped in requests; a request is all-or-nothing where the API allows. */
export interface ApplyReport {
  readonly provider: ProviderId;
  /** Changes acknowledged by the API. */
  readonly applied: readonly Change[];
  /**
   * Changes refused because their observed state was stale (CAS failed). On
   * Route 53 and Cloud DNS every change in the refused request is listed, none
   * of them applied. On Azure, where sets are written one by one, a change may
   * be listed with `partial: true` when some of its sets were written before the
   * conflict (the next read shows it; the ownership record is written last so
   * that such a name is re-planned, never mistaken as done).
   */
  readonly conflicts: readonly { readonly change: Change; readonly message: string; readonly partial?: boolean }[];
  /** API requests made, retries included. */
  readonly apiCalls: number;
  readonly durationMs: number;
}

export interface DnsProvider {
  readonly id: ProviderId;
  /** Zone this adapter manages, canonical (`example.test.`). */
  readonly zone: string;
  /**
   * Every record set at the given names and at their ownership names
   * (`_mcf.<name>`), with CAS tokens; with `includeOwnedNames`, also every
   * ownership record of the zone and the sets at the names it speaks for
   * (for clean-up). Throws ProviderError. `options.signal` aborts the
   * listing's request in flight (ProviderError `cancelled`). See read-selection.ts.
   */
  read(names: readonly string[], options?: ReadOptions): Promise<ProviderState>;
  /**
   * Apply the plan's changes conditionally. Conflicts are reported, not thrown;
   * throws ProviderError for unavailable/timeout/invalid/auth (after the
   * adapter's own retries), leaving unapplied changes unapplied. Aborting
   * `options.signal` aborts the request in flight and sends nothing more; a
   * request the API had already received may still have been applied (the
   * next read shows it, and its CAS and generation fence hold either way).
   */
  apply(plan: ProviderPlan, options?: ApplyOptions): Promise<ApplyReport>;
  /** Release sockets/agents. */
  close(): Promise<void>;
}

/** Retry and deadline settings every adapter honours. */
export interface CallPolicy {
  /** Deadline per API call (one attempt), aborted for real. */
  readonly timeoutMs: number;
  /** Attempts per call for throttling and 5xx (1 = no retry). */
  readonly maxAttempts: number;
  /** Backoff: full jitter over min(maxDelayMs, baseDelayMs × 2^attempt); honours Retry-After when given. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_CALL_POLICY: CallPolicy = { timeoutMs: 10_000, maxAttempts: 6, baseDelayMs: 200, maxDelayMs: 5_000 };
