/**
 * One provider call under a deadline and the caller's cancellation, so that
 * one slow or dead cloud never holds up the writes to the others (I5). The
 * call gets an AbortSignal that fires at the deadline or when `cancel` does;
 * the adapters hand it to their SDK, so the request in flight is aborted for
 * real, not left running. The call's promise is also raced against it, so an
 * adapter that ignores the signal cannot hold the caller either.
 */
import { ProviderError, isProviderError } from '../providers/provider.js';
import type { ProviderId } from '../providers/provider.js';

/** Any failure of a provider call as a typed ProviderError; unknown errors count as `unavailable` so they are retried. */
export function asProviderError(provider: ProviderId, what: string, err: unknown): ProviderError {
  if (isProviderError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderError(provider, 'unavailable', `${what}: unexpected error: ${message}`, { cause: err });
}

/** Why a signal fired, as a ProviderError: the reason itself when it is one (a deadline, a grace), else `cancelled`. */
export function abortError(provider: ProviderId, what: string, signal: AbortSignal): ProviderError {
  if (isProviderError(signal.reason)) return signal.reason;
  const why = signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'aborted');
  return new ProviderError(provider, 'cancelled', `${what}: cancelled (${why})`, { cause: signal.reason });
}

export function withDeadline<T>(
  provider: ProviderId,
  what: string,
  timeoutMs: number | undefined,
  work: (signal: AbortSignal) => Promise<T>,
  cancel?: AbortSignal,
): Promise<T> {
  const controller = new AbortController();
  const signal = controller.signal;
  if (cancel?.aborted) return Promise.reject(abortError(provider, what, cancel));
  const onCancel = () => controller.abort(abortError(provider, what, cancel as AbortSignal));
  cancel?.addEventListener('abort', onCancel, { once: true });
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => controller.abort(new ProviderError(provider, 'timeout', `${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
  const done = () => {
    clearTimeout(timer);
    cancel?.removeEventListener('abort', onCancel);
  };
  let promise: Promise<T>;
  try {
    promise = work(signal);
  } catch (err) {
    done();
    return Promise.reject(asProviderError(provider, what, err));
  }
  return new Promise<T>((resolve, reject) => {
    // Whichever settles first wins: the signal's reason names the deadline or the cancellation.
    const onAbort = () => reject(signal.reason as ProviderError);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        done();
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        done();
        signal.removeEventListener('abort', onAbort);
        reject(signal.aborted ? (signal.reason as ProviderError) : asProviderError(provider, what, err));
      },
    );
  });
}

/** The message without the `provider: kind: ` prefix ProviderError adds, for outputs that print both already. */
export function plainMessage(err: ProviderError): string {
  const prefix = `${err.provider}: ${err.kind}: `;
  return err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
}

/**
 * The read grace of one decision (I5): once one provider's read has answered,
 * the others get `ms` more; a read still pending then is abandoned and its
 * provider left to the reconciler. A hanging API (packet loss, an overloaded
 * control plane) would otherwise hold the healthy providers' writes for the
 * whole provider deadline. Shared by every run of one decision, so a lagging
 * provider written in a run of its own is bounded by the others' answers too.
 * 0 (or less) waits for every read, as an operator running `plan` wants.
 */
export class ReadGrace {
  /** Settles `ms` after the first answer; never when ms <= 0. */
  readonly expired: Promise<void>;
  private expire: () => void = () => undefined;
  private started = false;

  constructor(readonly ms: number) {
    this.expired = new Promise<void>((resolve) => {
      this.expire = resolve;
    });
  }

  /** A provider answered: start the grace (the first call only). */
  answered(): void {
    if (this.started || this.ms <= 0) return;
    this.started = true;
    // unref: a grace nobody waits for any more must not keep the process alive.
    setTimeout(this.expire, this.ms).unref();
  }

  /**
   * A signal that fires when the grace expires, with a `timeout` ProviderError
   * as its reason: a read given it is aborted for real (its request closed) and
   * its provider left to the reconciler. Never fires when ms <= 0.
   */
  signal(provider: ProviderId): AbortSignal {
    const controller = new AbortController();
    if (this.ms > 0)
      void this.expired.then(() =>
        controller.abort(
          new ProviderError(provider, 'timeout', `no answer within the read grace of ${this.ms} ms; handed to the reconciler`),
        ),
      );
    return controller.signal;
  }
}
