/**
 * One API call with a deadline and retries, the same for every adapter:
 * full-jitter exponential backoff for throttling, 5xx and refused connections,
 * Retry-After honoured, every attempt aborted for real at its deadline.
 * The adapters turn off their SDK's own retries and use this instead, so the
 * policy is one thing to reason about (and to test with an injected clock).
 */
import { ProviderError } from './provider.js';
import type { CallPolicy, ProviderId } from './provider.js';

export interface CallContext {
  readonly provider: ProviderId;
  readonly policy: CallPolicy;
  /** Maps an SDK error to a typed ProviderError (with retryAfterMs when the API said so). */
  readonly classify: (err: unknown) => { error: ProviderError; retryAfterMs?: number };
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Called once per attempt (for api_calls counters). */
  readonly onAttempt?: () => void;
  /** The caller's cancellation: aborts the attempt in flight and every later one (ProviderError `cancelled`). */
  readonly signal?: AbortSignal;
}

/** The caller cancelled: the request in flight was aborted and nothing more is sent. */
export function cancelledError(provider: ProviderId, what: string, signal: AbortSignal): ProviderError {
  const why = signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'aborted');
  return new ProviderError(provider, 'cancelled', `${what}: cancelled (${why})`, { cause: signal.reason });
}

/** `sleep(ms)`, cut short when `signal` aborts (then it rejects). */
function sleepUnless(sleep: (ms: number) => Promise<void>, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return sleep(ms);
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    sleep(ms)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function backoffDelay(attempt: number, policy: CallPolicy, random: () => number, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  const jittered = random() * ceiling;
  return retryAfterMs !== undefined ? Math.max(retryAfterMs, jittered) : jittered;
}

/**
 * Run `fn` with a fresh AbortSignal per attempt. Retries retryable errors up to
 * policy.maxAttempts; a conflict, invalid or auth error is thrown at once.
 */
export async function callWithRetry<T>(ctx: CallContext, what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const sleep = ctx.sleep ?? realSleep;
  const random = ctx.random ?? Math.random;
  const outer = ctx.signal;
  let last: ProviderError | undefined;
  for (let attempt = 0; attempt < ctx.policy.maxAttempts; attempt++) {
    if (outer?.aborted) throw cancelledError(ctx.provider, what, outer);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`deadline of ${ctx.policy.timeoutMs} ms passed`)), ctx.policy.timeoutMs);
    // The caller's cancellation aborts this attempt's request too.
    const cancel = () => controller.abort(outer?.reason);
    outer?.addEventListener('abort', cancel, { once: true });
    ctx.onAttempt?.();
    try {
      return await fn(controller.signal);
    } catch (err) {
      if (outer?.aborted) throw cancelledError(ctx.provider, what, outer);
      const { error, retryAfterMs } = controller.signal.aborted
        ? {
            error: new ProviderError(ctx.provider, 'timeout', `${what}: no answer within ${ctx.policy.timeoutMs} ms`, { cause: err }),
            retryAfterMs: undefined,
          }
        : ctx.classify(err);
      last = error;
      if (!error.retryable || attempt === ctx.policy.maxAttempts - 1) break;
      try {
        await sleepUnless(sleep, backoffDelay(attempt, ctx.policy, random, retryAfterMs), outer);
      } catch {
        throw cancelledError(ctx.provider, what, outer as AbortSignal);
      }
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', cancel);
    }
  }
  const final = last ?? new ProviderError(ctx.provider, 'unavailable', `${what}: no attempt made`);
  if (final.retryable && ctx.policy.maxAttempts > 1) {
    throw new ProviderError(
      final.provider,
      final.kind,
      `${what}: gave up after ${ctx.policy.maxAttempts} attempts: ${final.message.replace(`${final.provider}: ${final.kind}: `, '')}`,
      { cause: final },
    );
  }
  throw final;
}

/** Node's connection-level failures: the API is not reachable (retryable, "unavailable"). */
export function isConnectionError(err: unknown): boolean {
  const codes = new Set([
    'ECONNREFUSED',
    'ECONNRESET',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EPIPE',
    'ETIMEDOUT',
    'UND_ERR_SOCKET',
    'UND_ERR_CONNECT_TIMEOUT',
  ]);
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && codes.has(code)) return true;
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.some(isConnectionError)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
