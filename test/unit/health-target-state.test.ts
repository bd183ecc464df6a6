import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextProbeAt, nextProbeDelay } from '../../src/health/probe-schedule.js';
import { HysteresisConfigError, INITIAL_TARGET_STATE, observe, observeAll, type TargetState } from '../../src/health/target-state.js';

const cfg = { rise: 2, fall: 3 };
const cadence = { intervalMs: 1000, fastIntervalMs: 250 };
const ok = (at: number) => ({ ok: true, at, latencyMs: 12 });
const fail = (at: number, error = 'status 503') => ({ ok: false, at, error });
/** Results from a string like 'oxxo' (o = ok, x = failure), one per 100 ms from t = 100. */
const seq = (pattern: string) => [...pattern].map((c, i) => (c === 'o' ? ok((i + 1) * 100) : fail((i + 1) * 100)));

describe('target state: rise/fall hysteresis (rise 2, fall 3)', () => {
  it.each([
    ['', 'unknown'],
    ['o', 'unknown'],
    ['oo', 'up'],
    ['x', 'unknown'],
    ['xx', 'unknown'],
    ['xxx', 'down'],
    ['oox', 'suspect'],
    ['ooxx', 'suspect'],
    ['ooxxx', 'down'],
    ['ooxxo', 'up'],
    ['ooxxoxx', 'suspect'],
    ['ooxxxo', 'down'],
    ['ooxxxoo', 'up'],
    ['ooxxxoxo', 'down'],
    ['xxo', 'unknown'],
    ['xxoo', 'up'],
  ] as const)('after %j the state is %s', (pattern, kind) => {
    expect(observeAll(seq(pattern), cfg).kind).toBe(kind);
  });

  it('becomes up at the rise-th success and remembers when', () => {
    expect(observeAll(seq('oo'), cfg)).toEqual({ kind: 'up', since: 200, last: ok(200) });
  });

  it('turns suspect on one failure, keeping when it became up', () => {
    expect(observeAll(seq('oox'), cfg)).toEqual({ kind: 'suspect', since: 300, upSince: 200, failures: 1, last: fail(300) });
  });

  it('a success while suspect resets to up with the original since', () => {
    expect(observeAll(seq('ooxxo'), cfg)).toEqual({ kind: 'up', since: 200, last: ok(500) });
  });

  it('goes down at the fall-th consecutive failure, stamped with that probe', () => {
    expect(observeAll(seq('ooxxx'), cfg)).toEqual({ kind: 'down', since: 500, successes: 0, last: fail(500) });
  });

  it('counts successes towards recovery and restarts the count on a failure', () => {
    expect(observeAll(seq('xxxo'), cfg)).toMatchObject({ kind: 'down', since: 300, successes: 1 });
    expect(observeAll(seq('xxxox'), cfg)).toMatchObject({ kind: 'down', since: 300, successes: 0 });
    expect(observeAll(seq('xxxoxoo'), cfg)).toEqual({ kind: 'up', since: 700, last: ok(700) });
  });

  it('fall 1 goes straight from up to down; rise 1 straight from down to up', () => {
    const one = { rise: 1, fall: 1 };
    expect(observeAll(seq('ox'), one)).toMatchObject({ kind: 'down', since: 200 });
    expect(observeAll(seq('oxo'), one)).toMatchObject({ kind: 'up', since: 300 });
  });

  it('flapping ok/fail never reaches down from up, nor up from down, when both thresholds exceed 1', () => {
    const fromUp = observeAll(seq('oo' + 'xo'.repeat(50)), cfg);
    expect(fromUp.kind).toBe('up');
    const fromDown = observeAll(seq('xxx' + 'ox'.repeat(50)), cfg);
    expect(fromDown).toMatchObject({ kind: 'down', since: 300 });
  });

  it('ignores a result sent before the last one seen (a slow probe answering late)', () => {
    const up = observeAll([ok(100), ok(200)], cfg);
    expect(observe(up, fail(150), cfg)).toBe(up);
  });

  it('refuses thresholds below 1 with an error naming the field', () => {
    expect(() => observe(INITIAL_TARGET_STATE, ok(1), { rise: 0, fall: 3 })).toThrow(HysteresisConfigError);
    expect(() => observe(INITIAL_TARGET_STATE, ok(1), { rise: 2, fall: 1.5 })).toThrow(/health\.fall must be an integer >= 1, got 1.5/);
  });
});

describe('probe schedule', () => {
  it.each([
    ['', cadence.fastIntervalMs],
    ['oo', cadence.intervalMs],
    ['oox', cadence.fastIntervalMs],
    ['ooxx', cadence.fastIntervalMs],
    ['ooxxx', cadence.intervalMs],
    ['ooxxxo', cadence.fastIntervalMs],
    ['ooxxxox', cadence.intervalMs],
    ['x', cadence.fastIntervalMs],
  ] as const)('after %j the next probe is %i ms later', (pattern, delay) => {
    expect(nextProbeDelay(observeAll(seq(pattern), cfg), cadence)).toBe(delay);
  });

  it('schedules from the last send time, never in the past, and at once when never probed', () => {
    expect(nextProbeAt(INITIAL_TARGET_STATE, cadence, 42)).toBe(42);
    const up = observeAll(seq('oo'), cfg);
    expect(nextProbeAt(up, cadence, 250)).toBe(1200);
    expect(nextProbeAt(up, cadence, 5000)).toBe(5000);
    expect(nextProbeAt(observe(up, fail(300), cfg), cadence, 310)).toBe(550);
  });
});

const thresholds = fc.record({ rise: fc.integer({ min: 1, max: 5 }), fall: fc.integer({ min: 1, max: 5 }) });

describe('target state properties', () => {
  it('never down without fall consecutive failures, never back up without rise consecutive successes, and always acts on a full run', () => {
    fc.assert(
      fc.property(thresholds, fc.array(fc.boolean(), { maxLength: 60 }), (h, oks) => {
        let state: TargetState = INITIAL_TARGET_STATE;
        let trailingOk = 0;
        let trailingFail = 0;
        oks.forEach((isOk, i) => {
          const next = observe(state, { ok: isOk, at: i * 10 }, h);
          trailingOk = isOk ? trailingOk + 1 : 0;
          trailingFail = isOk ? 0 : trailingFail + 1;
          if (next.kind === 'down' && state.kind !== 'down') expect(trailingFail).toBeGreaterThanOrEqual(h.fall);
          if (next.kind === 'up' && (state.kind === 'down' || state.kind === 'unknown')) expect(trailingOk).toBeGreaterThanOrEqual(h.rise);
          if (state.kind === 'down') expect(['down', 'up']).toContain(next.kind);
          // Liveness: a full run must have taken effect.
          if (trailingFail >= h.fall) expect(next.kind).toBe('down');
          if (trailingOk >= h.rise) expect(next.kind).toBe('up');
          state = next;
        });
      }),
    );
  });

  it('detection bound: with probes sent at nextProbeAt, a failure at F is declared down by F + interval + (fall-1) × fast', () => {
    const setup = fc
      .record({
        intervalMs: fc.integer({ min: 100, max: 5000 }),
        fastIntervalMs: fc.integer({ min: 50, max: 5000 }),
        rise: fc.integer({ min: 1, max: 5 }),
        fall: fc.integer({ min: 1, max: 6 }),
      })
      .filter((c) => c.fastIntervalMs <= c.intervalMs);
    fc.assert(
      fc.property(setup, fc.array(fc.boolean(), { maxLength: 40 }), fc.integer({ min: 0, max: 20_000 }), (c, before, faultAt) => {
        // Before the fault the target answers arbitrarily (flaky); from faultAt on every probe fails.
        let state: TargetState = INITIAL_TARGET_STATE;
        let t = 0;
        let i = 0;
        let downAt: number | undefined;
        while (downAt === undefined) {
          const failing = t >= faultAt;
          const isOk = failing ? false : (before[i % Math.max(before.length, 1)] ?? true);
          if (failing && state.kind === 'down')
            downAt = faultAt; // already down when the fault hit
          else {
            state = observe(state, { ok: isOk, at: t }, c);
            if (failing && state.kind === 'down') downAt = t;
          }
          i += 1;
          t = nextProbeAt(state, c, t);
        }
        expect(downAt - faultAt).toBeLessThanOrEqual(c.intervalMs + (c.fall - 1) * c.fastIntervalMs);
      }),
    );
  });
});
