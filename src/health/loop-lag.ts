/**
 * How late the process runs: the event loop's delay, as measured by Node
 * (`perf_hooks.monitorEventLoopDelay`), read and reset once per monitor window.
 * Injected into the monitor so tests can feed a lag of their choosing.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface LagReading {
  /** Worst delay seen since the last reading, ms. */
  readonly maxMs: number;
  readonly p99Ms: number;
}

export interface LagSource {
  /** The lag since the previous call, then start a new window. */
  read(): LagReading;
  /** Worst delay so far in the current window, ms, without starting a new one. */
  peek(): number;
  stop(): void;
}

/** Node's event-loop delay histogram; `resolutionMs` is its sampling period. */
export function eventLoopLag(resolutionMs = 10): LagSource {
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  return {
    read() {
      // The histogram counts the sampling period itself as delay; subtract it.
      const reading =
        histogram.count === 0
          ? { maxMs: 0, p99Ms: 0 }
          : {
              maxMs: Math.max(0, histogram.max / 1e6 - resolutionMs),
              p99Ms: Math.max(0, histogram.percentile(99) / 1e6 - resolutionMs),
            };
      histogram.reset();
      return reading;
    },
    peek: () => (histogram.count === 0 ? 0 : Math.max(0, histogram.max / 1e6 - resolutionMs)),
    stop: () => histogram.disable(),
  };
}

/** No lag measurement (fake clocks): the monitor relies on its own timers' lateness only. */
export const noLag: LagSource = { read: () => ({ maxMs: 0, p99Ms: 0 }), peek: () => 0, stop: () => undefined };
