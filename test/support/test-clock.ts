/**
 * The one test clock: a time line that only moves when the test says so. Every
 * test that needs time under control uses this (not a hand-written fake, not
 * vi.useFakeTimers), and hands it to the code as its `Clock`.
 */
import type { Clock, TimerHandle } from '../../src/time/clock.js';

/** Lets promise chains started by a fired timer run before the next timer fires. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export class TestClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = 1_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const id = ++this.#seq;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn });
    return id;
  }

  clearTimer(handle: TimerHandle): void {
    this.#timers.delete(handle as number);
  }

  /** Timers armed and not yet fired or cleared. */
  get pending(): number {
    return this.#timers.size;
  }

  /** When the earliest armed timer fires, if any. */
  nextAt(): number | undefined {
    let at: number | undefined;
    for (const t of this.#timers.values()) if (at === undefined || t.at < at) at = t.at;
    return at;
  }

  /** Move the time line without firing anything (a paused process waking late). */
  jump(ms: number): void {
    this.#now += ms;
  }

  /** Move time forward, firing due timers in order and letting promise chains settle after each. */
  async advance(ms: number, settleAfterEach: () => Promise<void> = settle): Promise<void> {
    const until = this.#now + ms;
    await settleAfterEach();
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.#timers) if (entry[1].at <= until && (next === undefined || entry[1].at < next[1].at)) next = entry;
      if (next === undefined) break;
      this.#timers.delete(next[0]);
      this.#now = Math.max(this.#now, next[1].at);
      next[1].fn();
      await settleAfterEach();
    }
    this.#now = until;
  }

  /** Fire timers one at a time until none is armed within `limitMs`; for code that re-arms as it goes. */
  async runAll(limitMs = 3_600_000): Promise<void> {
    await this.advance(limitMs);
  }
}
