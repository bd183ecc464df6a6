/**
 * One provider call raced against a deadline, so that one slow or dead cloud
 * never holds up the writes to the others (I5). The adapter aborts its own
 * requests at its per-call deadline; this outer deadline bounds the whole call
 * (retries included). A result that arrives late is dropped: a late write is
 * harmless because it is conditional and carries this run's generation, and
 * the provider is re-read before it is trusted again.
 */
import { ProviderError, isProviderError } from '../providers/provider.js';
import type { ProviderId } from '../providers/provider.js';

/** Any failure of a provider call as a typed ProviderError; unknown errors count as `unavailable` so they are retried. */
export function asProviderError(provider: ProviderId, what: string, err: unknown): ProviderError {
  if (isProviderError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderError(provider, 'unavailable', `${what}: unexpected error: ${message}`, { cause: err });
}

export function withDeadline<T>(provider: ProviderId, what: string, timeoutMs: number | undefined, work: () => Promise<T>): Promise<T> {
  let promise: Promise<T>;
  try {
    promise = work();
  } catch (err) {
    return Promise.reject(asProviderError(provider, what, err));
  }
  const typed = promise.catch((err: unknown) => {
    throw asProviderError(provider, what, err);
  });
  if (timeoutMs === undefined) return typed;
  // The race below may settle first; keep a late rejection from becoming an unhandled one.
  typed.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ProviderError(provider, 'timeout', `${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
    typed.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err as Error);
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
   * `read`, or a `timeout` ProviderError once the grace has expired. The
   * abandoned read is left to finish on its own (the adapters take no abort
   * signal; their per-call deadline ends it) and its result is ignored.
   */
  bound<T>(provider: ProviderId, read: Promise<T>): Promise<T> {
    if (this.ms <= 0) return read;
    return new Promise<T>((resolve, reject) => {
      // Settling twice is a no-op: whichever comes first wins, an abandoned read's late result is dropped.
      read.then(resolve, reject);
      void this.expired.then(() =>
        reject(new ProviderError(provider, 'timeout', `no answer within the read grace of ${this.ms} ms; handed to the reconciler`)),
      );
    });
  }
}
