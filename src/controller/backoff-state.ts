/**
 * When to retry a provider that is out of sync: exponential backoff with
 * jitter, per provider. Pure: time and randomness are passed in.
 *
 * Equal jitter (half the ceiling fixed, half random) rather than full jitter:
 * a dead control plane is not hammered by near-zero delays, while several
 * controllers still spread out.
 */
import type { ProviderErrorKind } from '../providers/provider.js';

export interface BackoffPolicy {
  /** Ceiling of the first retry. */
  readonly baseMs: number;
  /** No retry waits longer than this. */
  readonly capMs: number;
}

export const DEFAULT_RECONCILE_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 30_000 };

export interface RetryState {
  /** Failed attempts so far (the first failure makes it 1). */
  readonly attempts: number;
  readonly nextAt: number;
  /** The delay that led to nextAt. */
  readonly delayMs: number;
  readonly lastError: { readonly kind: ProviderErrorKind | 'conflict-exhausted' | 'refused'; readonly message: string };
}

/** Delay before retry number `attempt` (0-based). */
export function retryDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** The state after one more failure at `now`. */
export function afterFailure(
  prev: RetryState | undefined,
  now: number,
  error: RetryState['lastError'],
  policy: BackoffPolicy,
  random: () => number,
): RetryState {
  const attempts = (prev?.attempts ?? 0) + 1;
  const delayMs = retryDelay(attempts - 1, policy, random);
  return { attempts, nextAt: now + delayMs, delayMs, lastError: error };
}

export function isDue(state: RetryState, now: number): boolean {
  return state.nextAt <= now;
}
