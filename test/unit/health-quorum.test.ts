import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultQuorum, defaultStaleAfterMs, judgeTarget, QuorumConfigError } from '../../src/health/quorum.js';
import type { TargetState } from '../../src/health/target-state.js';

const NOW = 10_000;
const STALE_AFTER = 2500;
const vps = ['vp-1', 'vp-2', 'vp-3'];

/** A state as a vantage point would hold it, last probed `age` ms before NOW. */
function state(kind: TargetState['kind'], age = 100, error?: string): TargetState {
  const last = { ok: kind === 'up' || kind === 'unknown', at: NOW - age, ...(error ? { error } : {}) };
  switch (kind) {
    case 'unknown':
      return { kind, successes: 1, failures: 0, last };
    case 'up':
      return { kind, since: 0, last };
    case 'suspect':
      return { kind, since: NOW - age, upSince: 0, failures: 1, last: { ...last, ok: false } };
    case 'down':
      return { kind, since: NOW - age, successes: 0, last: { ...last, ok: false } };
  }
}

function judge(states: Record<string, TargetState>, quorum?: number, vantageIds = vps) {
  return judgeTarget({
    targetId: 'aws',
    vantageIds,
    states: new Map(Object.entries(states)),
    staleAfterMs: STALE_AFTER,
    now: NOW,
    ...(quorum !== undefined ? { quorum } : {}),
  });
}

describe('quorum across vantage points', () => {
  it.each([
    ['1 of 3 down (default quorum 2)', { 'vp-1': state('down'), 'vp-2': state('up'), 'vp-3': state('up') }, undefined, 'up'],
    ['2 of 3 down', { 'vp-1': state('down'), 'vp-2': state('down'), 'vp-3': state('up') }, undefined, 'down'],
    ['3 of 3 down', { 'vp-1': state('down'), 'vp-2': state('down'), 'vp-3': state('down') }, undefined, 'down'],
    ['suspect counts as up', { 'vp-1': state('suspect'), 'vp-2': state('suspect'), 'vp-3': state('down') }, undefined, 'up'],
    ['custom quorum 1: any down vantage point wins', { 'vp-1': state('down'), 'vp-2': state('up'), 'vp-3': state('up') }, 1, 'down'],
    ['custom quorum 1: up needs all three', { 'vp-1': state('up'), 'vp-2': state('up'), 'vp-3': state('up', 9000) }, 1, 'unknown'],
    [
      'custom quorum 3: 2 down is not enough, 1 up suffices',
      { 'vp-1': state('down'), 'vp-2': state('down'), 'vp-3': state('up') },
      3,
      'up',
    ],
    [
      'stale down vantage point does not count as down',
      { 'vp-1': state('down', 9000), 'vp-2': state('down'), 'vp-3': state('up') },
      undefined,
      'unknown',
    ],
    ['stale vantage point, the other two up', { 'vp-1': state('down', 9000), 'vp-2': state('up'), 'vp-3': state('up') }, undefined, 'up'],
    [
      'stale up vantage point does not count as up',
      { 'vp-1': state('up', 9000), 'vp-2': state('up'), 'vp-3': state('down') },
      undefined,
      'unknown',
    ],
    ['cold start: all undecided', { 'vp-1': state('unknown'), 'vp-2': state('unknown'), 'vp-3': state('unknown') }, undefined, 'unknown'],
    ['missing reports count neither way', { 'vp-1': state('down') }, undefined, 'unknown'],
  ] as const)('%s → %s', (_name, states, quorum, kind) => {
    expect(judge(states, quorum).kind).toBe(kind);
  });

  it('reports thresholds, counts and per-vantage detail with reasons', () => {
    const v = judge({
      'vp-1': state('down', 100, 'timeout after 500 ms'),
      'vp-2': state('down', 100, 'status 503'),
      'vp-3': state('up', 9000),
    });
    expect(v).toMatchObject({ targetId: 'aws', kind: 'down', quorum: 2, upNeeded: 2, counts: { up: 0, down: 2, unknown: 0, stale: 1 } });
    expect(v.vantages.map((d) => [d.vantageId, d.view, d.state, d.lastProbeAt])).toEqual([
      ['vp-1', 'down', 'down', NOW - 100],
      ['vp-2', 'down', 'down', NOW - 100],
      ['vp-3', 'stale', 'up', NOW - 9000],
    ]);
    expect(v.vantages[0]?.error).toBe('timeout after 500 ms');
    expect(v.reason).toBe('down: 2 of 3 vantage points say down (quorum 2): vp-1: down (timeout after 500 ms); vp-2: down (status 503)');
    expect(v.vantages[2]?.reason).toBe('vp-3: stale, last probe 9000 ms ago (limit 2500 ms), ignored');
  });

  it('names the outvoted vantage point when up wins, and the missing one when nothing is known', () => {
    expect(judge({ 'vp-1': state('down', 100, 'connect ECONNREFUSED'), 'vp-2': state('up'), 'vp-3': state('up') }).reason).toBe(
      'up: 2 of 3 vantage points say up (2 needed); outvoted: vp-1: down (connect ECONNREFUSED)',
    );
    const none = judge({});
    expect(none.vantages.map((d) => d.state)).toEqual(['missing', 'missing', 'missing']);
    expect(none.reason).toBe('unknown: no quorum either way (0 up, 0 down, 3 undecided, 0 stale of 3; down needs 2, up needs 2)');
  });

  it('ignores reports from vantage points that are no longer configured', () => {
    expect(judge({ 'vp-9': state('down'), 'vp-8': state('down'), 'vp-1': state('up') }, undefined, ['vp-1']).kind).toBe('up');
  });

  it('defaults: a majority, and one missed probe of slack before a vantage point is stale', () => {
    expect([1, 2, 3, 4, 5].map(defaultQuorum)).toEqual([1, 2, 2, 3, 3]);
    expect(defaultStaleAfterMs({ intervalMs: 1000, timeoutMs: 500 })).toBe(2500);
  });

  it('refuses a quorum outside 1..n and an empty vantage list', () => {
    expect(() => judge({}, 4)).toThrow(QuorumConfigError);
    expect(() => judge({}, 0)).toThrow(/health\.quorum must be an integer from 1 to the number of vantage points \(3\), got 0/);
    expect(() => judge({}, undefined, [])).toThrow(/expected at least one vantage point/);
  });
});

describe('quorum properties', () => {
  const kinds = fc.constantFrom<TargetState['kind']>('unknown', 'up', 'suspect', 'down');
  const vantage = fc.record({ kind: kinds, stale: fc.boolean() });
  const setup = fc.integer({ min: 1, max: 7 }).chain((n) =>
    fc.record({
      views: fc.array(vantage, { minLength: n, maxLength: n }),
      quorum: fc.integer({ min: 1, max: n }),
      flip: fc.integer({ min: 0, max: n - 1 }),
    }),
  );
  const verdictOf = (views: { kind: TargetState['kind']; stale: boolean }[], quorum: number) => {
    const ids = views.map((_, i) => `vp-${i}`);
    return judgeTarget({
      targetId: 't',
      vantageIds: ids,
      quorum,
      staleAfterMs: STALE_AFTER,
      now: NOW,
      states: new Map(views.map((v, i) => [`vp-${i}`, state(v.kind, v.stale ? 9000 : 100)])),
    });
  };

  it('down only with a quorum of fresh down reports; up and down are exclusive', () => {
    fc.assert(
      fc.property(setup, ({ views, quorum }) => {
        const v = verdictOf(views, quorum);
        const freshDown = views.filter((x) => x.kind === 'down' && !x.stale).length;
        expect(v.kind === 'down').toBe(freshDown >= quorum);
        expect(v.counts.up + v.counts.down + v.counts.unknown + v.counts.stale).toBe(views.length);
      }),
    );
  });

  it('losing a vantage point (stale or undecided) never turns a target down, and an extra down vote never turns it up', () => {
    fc.assert(
      fc.property(setup, fc.constantFrom('stale', 'undecided'), ({ views, quorum, flip }, how) => {
        const before = verdictOf(views, quorum);
        const lost = views.map((x, i) =>
          i !== flip ? x : how === 'stale' ? { ...x, stale: true } : { kind: 'unknown' as const, stale: false },
        );
        if (before.kind !== 'down') expect(verdictOf(lost, quorum).kind).not.toBe('down');
        const worse = views.map((x, i) => (i === flip ? { kind: 'down' as const, stale: false } : x));
        if (before.kind !== 'up') expect(verdictOf(worse, quorum).kind).not.toBe('up');
      }),
    );
  });
});
