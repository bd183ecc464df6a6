/**
 * Route 53 emulator engine, pure parts: checker views with FailureThreshold,
 * the >18% rule with Disabled and Inverted (Route 53 Developer Guide, "How
 * Amazon Route 53 determines whether a health check is healthy"), and the
 * answer rules per routing policy with fail-open (Developer Guide, "How Amazon
 * Route 53 chooses records when health checking is configured").
 */
import { describe, expect, it } from 'vitest';
import { answerValues, type RoutingRecord } from '../../src/emulators/route53/engine/answer.js';
import { healthCheckStatus, INITIAL_CHECKER_VIEW, observe, type CheckerView } from '../../src/emulators/route53/engine/health-status.js';

function run(results: readonly boolean[], threshold: number, from: CheckerView = INITIAL_CHECKER_VIEW): boolean[] {
  const seen: boolean[] = [];
  let view = from;
  for (const ok of results) {
    view = observe(view, ok, threshold);
    seen.push(view.healthy);
  }
  return seen;
}

describe('a checker applies FailureThreshold both ways', () => {
  it.each([
    { threshold: 3, results: [false, false, false], want: [true, true, false] },
    { threshold: 3, results: [false, false, true, false, false, false], want: [true, true, true, true, true, false] },
    { threshold: 1, results: [false, true, false], want: [false, true, false] },
    { threshold: 2, results: [false, false, true, true], want: [true, false, false, true] },
    { threshold: 10, results: Array<boolean>(9).fill(false), want: Array<boolean>(9).fill(true) },
  ])('threshold $threshold, results $results', ({ threshold, results, want }) => {
    expect(run(results, threshold)).toEqual(want);
  });
});

describe('health check status: more than 18% of checkers healthy', () => {
  const of = (up: number, total: number) => Array.from({ length: total }, (_, i) => i < up);
  it.each([
    { checkers: of(0, 8), inverted: false, disabled: false, want: false },
    { checkers: of(1, 8), inverted: false, disabled: false, want: false }, // 12.5%
    { checkers: of(2, 8), inverted: false, disabled: false, want: true }, // 25%
    { checkers: of(8, 8), inverted: false, disabled: false, want: true },
    { checkers: of(2, 11), inverted: false, disabled: false, want: true }, // 18.2% > 18%
    { checkers: of(9, 50), inverted: false, disabled: false, want: false }, // exactly 18%
    { checkers: of(8, 8), inverted: true, disabled: false, want: false },
    { checkers: of(0, 8), inverted: true, disabled: false, want: true },
    { checkers: of(0, 8), inverted: false, disabled: true, want: true },
    { checkers: of(8, 8), inverted: true, disabled: true, want: false },
  ])('$checkers.length checkers, inverted $inverted, disabled $disabled', ({ checkers, inverted, disabled, want }) => {
    expect(healthCheckStatus(checkers, { inverted, disabled })).toBe(want);
  });
});

const health = (up: Record<string, boolean | undefined>) => (id: string) => up[id] ?? false;
const fixed = (x: number) => () => x;

describe('failover answers', () => {
  const primary: RoutingRecord = { setIdentifier: 'p', failover: 'PRIMARY', healthCheckId: 'hp', values: ['192.0.2.1'] };
  const secondary: RoutingRecord = { setIdentifier: 's', failover: 'SECONDARY', healthCheckId: 'hs', values: ['192.0.2.2'] };
  const bareSecondary: RoutingRecord = { setIdentifier: 's', failover: 'SECONDARY', values: ['192.0.2.3'] };
  it.each([
    { name: 'primary healthy', records: [primary, secondary], up: { hp: true, hs: true }, want: ['192.0.2.1'] },
    { name: 'primary down', records: [primary, secondary], up: { hp: false, hs: true }, want: ['192.0.2.2'] },
    { name: 'both down: fail open to primary', records: [secondary, primary], up: { hp: false, hs: false }, want: ['192.0.2.1'] },
    { name: 'secondary without check counts healthy', records: [primary, bareSecondary], up: { hp: false }, want: ['192.0.2.3'] },
    { name: 'only a secondary', records: [secondary], up: { hs: false }, want: ['192.0.2.2'] },
  ])('$name', ({ records, up, want }) => {
    expect(answerValues(records, health(up), fixed(0))).toEqual(want);
  });
});

describe('weighted answers', () => {
  const a: RoutingRecord = { setIdentifier: 'a', weight: 1, healthCheckId: 'ha', values: ['192.0.2.1'] };
  const b: RoutingRecord = { setIdentifier: 'b', weight: 3, healthCheckId: 'hb', values: ['192.0.2.2'] };
  const zero: RoutingRecord = { setIdentifier: 'z', weight: 0, values: ['192.0.2.9'] };
  it.each([
    { name: 'low draw hits the first weight', up: { ha: true, hb: true }, draw: 0.2, want: ['192.0.2.1'] },
    { name: 'high draw hits the heavier', up: { ha: true, hb: true }, draw: 0.3, want: ['192.0.2.2'] },
    { name: 'unhealthy weight skipped', up: { ha: false, hb: true }, draw: 0.0, want: ['192.0.2.2'] },
    { name: 'weight 0 only when every non-zero is down', up: { ha: false, hb: false }, draw: 0.0, want: ['192.0.2.9'] },
  ])('$name', ({ up, draw, want }) => {
    expect(answerValues([a, b, zero], health(up), fixed(draw))).toEqual(want);
  });
  it('all unhealthy: fail open by weight', () => {
    expect(answerValues([a, b], health({}), fixed(0.9))).toEqual(['192.0.2.2']);
  });
  it('weights share the answers in proportion', () => {
    let seed = 1;
    const lcg = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let heavy = 0;
    for (let i = 0; i < 4000; i++) if (answerValues([a, b], health({ ha: true, hb: true }), lcg)[0] === '192.0.2.2') heavy++;
    expect(heavy / 4000).toBeGreaterThan(0.7);
    expect(heavy / 4000).toBeLessThan(0.8);
  });
});

describe('multivalue answers', () => {
  const recs: RoutingRecord[] = Array.from({ length: 10 }, (_, i) => ({
    setIdentifier: `m${i}`,
    multiValue: true,
    healthCheckId: `h${i}`,
    values: [`192.0.2.${i + 1}`],
  }));
  it('healthy ones only', () => {
    const got = answerValues(recs.slice(0, 3), health({ h0: true, h2: true }), Math.random);
    expect(got.sort()).toEqual(['192.0.2.1', '192.0.2.3']);
  });
  it('at most 8 of 10 healthy', () => {
    const all = Object.fromEntries(recs.map((r) => [r.healthCheckId, true]));
    const got = answerValues(recs, health(all), Math.random);
    expect(got).toHaveLength(8);
    expect(new Set(got).size).toBe(8);
  });
  it('all unhealthy: fail open, up to 8 of all', () => {
    expect(answerValues(recs.slice(0, 3), health({}), Math.random).sort()).toEqual(['192.0.2.1', '192.0.2.2', '192.0.2.3']);
  });
  it('no records: nothing', () => {
    expect(answerValues([], health({}))).toEqual([]);
  });
});
