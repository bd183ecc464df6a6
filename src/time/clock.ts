/**
 * The one clock: wall time, one-shot timers and cancellable sleeps, injected
 * everywhere time matters so tests drive it (test/support/test-clock.ts) instead
 * of waiting in real time. `realClock` is the only place in src/ and apps/ that
 * touches `Date.now`, `setTimeout` or `clearTimeout` (eslint enforces it).
 */

/** Whatever `setTimer` returns; only ever handed back to `clearTimer`. */
export type TimerHandle = unknown;

export interface Clock {
  /** Milliseconds on this clock's time line (wall clock by default). */
  now(): number;
  /** Run `fn` once after `ms` milliseconds. */
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/** The process's wall clock and timers. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Resolve after `ms` on `clock`, or at once when `signal` aborts; true when the wait ran its course. */
export function waitFor(clock: Clock, ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clock.clearTimer(handle);
      resolve(false);
    };
    const handle = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Sleep `ms` on `clock`; rejects with the signal's reason when it aborts first. */
export async function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  if (!(await waitFor(clock, ms, signal))) signal?.throwIfAborted();
}

/** An AbortSignal that aborts after `ms` on `clock` (a TimeoutError, like AbortSignal.timeout) or when `parent` aborts. */
export function deadlineSignal(clock: Clock, ms: number, parent?: AbortSignal): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const onParent = () => controller.abort(parent?.reason);
  if (parent?.aborted) onParent();
  else parent?.addEventListener('abort', onParent, { once: true });
  const handle = clock.setTimer(() => controller.abort(new DOMException(`deadline of ${ms} ms passed`, 'TimeoutError')), ms);
  return {
    signal: controller.signal,
    clear() {
      clock.clearTimer(handle);
      parent?.removeEventListener('abort', onParent);
    },
  };
}
