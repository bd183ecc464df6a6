/**
 * Who moves next, decided by a scheduler instead of by timing, so that a race
 * is reproducible: every provider call of every writer (and every outage start
 * and end) first waits at a step; the driver releases one step at a time, and
 * only when all real work (HTTP calls, a listener closing) is done, so that the
 * scheduler chooses among every writer's next step, never among whichever
 * request happened to answer first.
 *
 * The scheduler is fast-check's `fc.scheduler()` in the tests (seeded,
 * shrinkable) or a `QueueScheduler` (seeded or FIFO) in the drill.
 */

/** The part of fast-check's Scheduler the race uses. */
export interface RaceScheduler {
  schedule<T>(task: Promise<T>, label?: string): Promise<T>;
  /** Steps waiting to be released. */
  count(): number;
  /** Release `count` steps, one after the other, each chosen by the scheduler. */
  waitNext(count: number): Promise<void>;
}

/** Bound on the steps of one race, so a writer looping forever fails the run instead of hanging it. */
export const DEFAULT_MAX_STEPS = 5_000;

/** A race did not settle within its step bound: something retried without end. */
export class RaceStuckError extends Error {
  override readonly name = 'RaceStuckError';
}

const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Real work in flight; the driver releases the next step only when there is none. */
export class Activity {
  private inFlight = 0;
  private drained: (() => void)[] = [];

  /** Run `work` counted as in flight until it settles. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight += 1;
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) for (const wake of this.drained.splice(0)) wake();
    }
  }

  get busy(): boolean {
    return this.inFlight > 0;
  }

  /** Resolves when nothing is in flight and every microtask that followed has run. */
  async quiet(): Promise<void> {
    for (;;) {
      if (this.inFlight > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
      // Let the continuations of what just ended run up to their next step (or next call).
      await nextMacrotask();
      if (this.inFlight === 0) return;
    }
  }
}

/** Steps and the driver over one scheduler. */
export class Interleaver {
  readonly activity = new Activity();
  private released = 0;

  constructor(private readonly scheduler: RaceScheduler) {}

  /** Wait until the scheduler releases this step. */
  step(label: string): Promise<void> {
    return this.scheduler.schedule(Promise.resolve(), label);
  }

  /** `count` steps in a row: a pause that lasts while other writers take about as many steps. */
  async pause(count: number, label: string): Promise<void> {
    for (let i = 0; i < count; i++) await this.step(`${label} (${i + 1}/${count})`);
  }

  /** Steps released so far. */
  get steps(): number {
    return this.released;
  }

  /**
   * Release steps until none is waiting and nothing is in flight. Work that
   * never returns (a crashed writer) is simply never released again.
   */
  async drive(maxSteps = DEFAULT_MAX_STEPS): Promise<number> {
    const start = this.released;
    for (;;) {
      await this.activity.quiet();
      if (this.scheduler.count() === 0) return this.released - start;
      if (this.released - start >= maxSteps)
        throw new RaceStuckError(`the race did not settle within ${maxSteps} steps; a writer is retrying without end`);
      await this.scheduler.waitNext(1);
      this.released += 1;
    }
  }
}

interface Waiting {
  readonly label: string;
  readonly release: () => void;
  readonly done: Promise<unknown>;
}

/**
 * A scheduler without fast-check: releases the waiting step at index
 * `pick(waiting)`. `seededScheduler` picks at random from a seed (the drill),
 * `fifoScheduler` in arrival order (scripted interleavings).
 */
export class QueueScheduler implements RaceScheduler {
  private readonly waiting: Waiting[] = [];
  readonly released: string[] = [];

  constructor(private readonly pick: (waiting: number) => number) {}

  schedule<T>(task: Promise<T>, label = ''): Promise<T> {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const done = gate.then(() => task);
    this.waiting.push({ label, release, done });
    return done;
  }

  count(): number {
    return this.waiting.length;
  }

  async waitNext(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      if (this.waiting.length === 0) return;
      const index = Math.min(this.waiting.length - 1, Math.max(0, this.pick(this.waiting.length)));
      const [next] = this.waiting.splice(index, 1) as [Waiting];
      this.released.push(next.label);
      next.release();
      await next.done.catch(() => undefined);
    }
  }
}

/** mulberry32: a tiny seeded PRNG, enough to pick steps reproducibly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seededScheduler(seed: number): QueueScheduler {
  const random = seededRandom(seed);
  return new QueueScheduler((n) => Math.floor(random() * n));
}

export function fifoScheduler(): QueueScheduler {
  return new QueueScheduler(() => 0);
}
