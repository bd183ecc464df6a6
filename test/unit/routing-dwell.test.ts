import { describe, expect, it } from 'vitest';
import type { VerdictKind } from '../../src/health/quorum.js';
import type { RoutedService } from '../../src/routing/answer.js';
import { decide } from '../../src/routing/decide.js';
import { dwellGate } from '../../src/routing/dwell.js';

const failover: RoutedService = {
  name: 'app.example.test',
  type: 'A',
  policy: 'failover',
  targets: [
    { id: 'aws', cloud: 'aws', address: '192.0.2.1', priority: 10 },
    { id: 'azure', cloud: 'azure', address: '192.0.2.2', priority: 20 },
    { id: 'gcp', cloud: 'gcp', address: '192.0.2.3', priority: 30 },
  ],
};
const multivalue: RoutedService = { ...failover, policy: 'multivalue' };
const verdicts = (v: Record<string, VerdictKind>) => new Map(Object.entries(v).map(([id, kind]) => [id, { kind }]));
const DWELL = 5000;

describe('dwell gate', () => {
  it.each([
    [1000, 1000, { kind: 'closed', until: 6000 }],
    [1000, 5999, { kind: 'closed', until: 6000 }],
    [1000, 6000, { kind: 'open' }],
    [1000, 90_000, { kind: 'open' }],
  ] as const)('changed at %i, now %i', (changedAt, now, gate) => {
    expect(dwellGate(changedAt, now, DWELL)).toEqual(gate);
  });
});

describe('dwell in decisions', () => {
  const recovered = verdicts({ aws: 'up', azure: 'up', gcp: 'up' });
  const onAzure = { addresses: ['192.0.2.2'], changedAt: 1000, generation: 3 };

  it('returning to a recovered preferred target waits for dwell', () => {
    const d = decide({ service: failover, verdicts: recovered, published: onAzure, now: 3000, dwellMs: DWELL });
    expect(d).toMatchObject({ kind: 'hold', addresses: ['192.0.2.2'], targetIds: ['azure'], basedOnGeneration: 3 });
    if (d.kind !== 'hold') throw new Error('expected hold');
    expect(d.held).toEqual({ until: 6000, wanted: { addresses: ['192.0.2.1'], targetIds: ['aws'] } });
    expect(d.reason).toBe(
      'holding [192.0.2.2] until 6000 (dwell 5000 ms since the change at 1000); wanted [192.0.2.1]: failover over usable targets (aws up, azure up, gcp up)',
    );
  });

  it('and happens once dwell has elapsed', () => {
    const d = decide({ service: failover, verdicts: recovered, published: onAzure, now: 6000, dwellMs: DWELL });
    expect(d).toMatchObject({
      kind: 'change',
      addresses: ['192.0.2.1'],
      urgent: false,
      previous: { addresses: ['192.0.2.2'], targetIds: ['azure'] },
    });
  });

  it('moving away from a target that is down does not wait', () => {
    const d = decide({
      service: failover,
      verdicts: verdicts({ aws: 'up', azure: 'down', gcp: 'up' }),
      published: onAzure,
      now: 1001,
      dwellMs: DWELL,
    });
    expect(d).toMatchObject({ kind: 'change', addresses: ['192.0.2.1'], urgent: true });
    expect(d.reason).toBe('change [192.0.2.2] → [192.0.2.1]: moving away from down azure 192.0.2.2 (dwell skipped)');
  });

  it('multivalue: dropping a dead member is immediate, adding a recovered one waits', () => {
    const pub = { addresses: ['192.0.2.1', '192.0.2.2'], changedAt: 1000, generation: 1 };
    const add = decide({ service: multivalue, verdicts: recovered, published: pub, now: 2000, dwellMs: DWELL });
    expect(add).toMatchObject({
      kind: 'hold',
      addresses: ['192.0.2.1', '192.0.2.2'],
      held: { until: 6000, wanted: { targetIds: ['aws', 'azure', 'gcp'] } },
    });
    const drop = decide({
      service: multivalue,
      verdicts: verdicts({ aws: 'up', azure: 'down', gcp: 'up' }),
      published: pub,
      now: 2000,
      dwellMs: DWELL,
    });
    expect(drop).toMatchObject({ kind: 'change', urgent: true, targetIds: ['aws', 'gcp'] });
  });

  it('an unknown member is not a reason to move, so its replacement waits like any other change', () => {
    const d = decide({
      service: failover,
      verdicts: verdicts({ aws: 'up', azure: 'unknown' }),
      published: onAzure,
      now: 2000,
      dwellMs: DWELL,
    });
    expect(d.kind).toBe('hold');
  });

  it('dwell 0 never holds', () => {
    expect(decide({ service: failover, verdicts: recovered, published: onAzure, now: 1000, dwellMs: 0 })).toMatchObject({
      kind: 'change',
      urgent: false,
    });
  });
});
