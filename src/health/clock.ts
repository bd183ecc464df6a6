/**
 * Time as the health edge sees it: a clock and one-shot timers, injected so unit
 * tests can drive the monitor with a fake clock instead of waiting in real time.
 * (Opossum's breakers and the HTTP probe's own timeout run in real time; they sit
 * behind the vantage point, see breaker.ts.)
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
