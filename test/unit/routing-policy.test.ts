import { describe, expect, it } from 'vitest';
import type { VerdictKind } from '../../src/health/quorum.js';
import type { RoutedService } from '../../src/routing/answer.js';
import { decide } from '../../src/routing/decide.js';
import { shouldPublish } from '../../src/routing/decision.js';
import { applyPolicy } from '../../src/routing/policy.js';

const failover: RoutedService = {
  name: 'app.example.test',
  type: 'A',
  policy: 'failover',
  targets: [
    { id: 'aws', cloud: 'aws', address: '192.0.2.1', priority: 10 },
    { id: 'azure', cloud: 'azure', address: '192.0.2.2', priority: 20 },
    { id: 'gcp', cloud: 'gcp', address: '192.0.2.3', priority: 20 },
  ],
};
const multivalue: RoutedService = { ...failover, policy: 'multivalue' };
const verdicts = (v: Record<string, VerdictKind>) => new Map(Object.entries(v).map(([id, kind]) => [id, { kind }]));
const published = (addresses: string[], changedAt = 0, generation = 7) => ({ addresses, changedAt, generation });
const LONG_AGO = 0;
const NOW = 100_000;

describe('policies', () => {
  it.each([
    ['failover, all up: the lowest priority', failover, { aws: 'up', azure: 'up', gcp: 'up' }, ['aws']],
    ['failover, preferred down: next priority, ties by config order', failover, { aws: 'down', azure: 'up', gcp: 'up' }, ['azure']],
    ['failover, two down: the last one standing', failover, { aws: 'down', azure: 'down', gcp: 'up' }, ['gcp']],
    ['multivalue, all up: every target', multivalue, { aws: 'up', azure: 'up', gcp: 'up' }, ['aws', 'azure', 'gcp']],
    ['multivalue, one down: the others', multivalue, { aws: 'up', azure: 'down', gcp: 'up' }, ['aws', 'gcp']],
  ] as const)('%s', (_name, service, health, ids) => {
    const d = decide({ service, verdicts: verdicts(health), published: published(['192.0.2.1'], LONG_AGO), now: NOW, dwellMs: 5000 });
    expect(d.targetIds).toEqual(ids);
    expect(d.addresses).toEqual(ids.map((id) => service.targets.find((t) => t.id === id)?.address));
  });

  it('failover breaks priority ties by config order, whatever the ids', () => {
    const targets = [
      { id: 'zeta', cloud: 'gcp' as const, address: '192.0.2.9', priority: 5 },
      { id: 'alpha', cloud: 'aws' as const, address: '192.0.2.8', priority: 5 },
    ];
    expect(applyPolicy('failover', targets).map((t) => t.id)).toEqual(['zeta']);
    expect(applyPolicy('failover', []).length).toBe(0);
  });

  it('an unknown target keeps traffic it already has but never receives new traffic', () => {
    const kept = decide({
      service: failover,
      verdicts: verdicts({ aws: 'unknown', azure: 'up' }),
      published: published(['192.0.2.1']),
      now: NOW,
      dwellMs: 0,
    });
    expect(kept).toMatchObject({ kind: 'keep', targetIds: ['aws'] });
    const notMoved = decide({
      service: failover,
      verdicts: verdicts({ aws: 'unknown', azure: 'up' }),
      published: published(['192.0.2.2']),
      now: NOW,
      dwellMs: 0,
    });
    expect(notMoved).toMatchObject({ kind: 'keep', targetIds: ['azure'] });
  });

  it('publishes first from health alone, without waiting for dwell', () => {
    const d = decide({
      service: failover,
      verdicts: verdicts({ aws: 'up', azure: 'up', gcp: 'up' }),
      published: undefined,
      now: 5,
      dwellMs: 60_000,
    });
    expect(d).toMatchObject({ kind: 'change', addresses: ['192.0.2.1'], previous: undefined, urgent: false, basedOnGeneration: undefined });
    expect(d.reason).toBe('first publish of [192.0.2.1]: failover over usable targets (aws up, azure up, gcp up)');
    expect(shouldPublish(d)).toBe(true);
  });

  it('keeps an equal answer whatever its order or spelling', () => {
    const v6: RoutedService = {
      name: 'v6.example.test',
      type: 'AAAA',
      policy: 'multivalue',
      targets: [
        { id: 'aws', cloud: 'aws', address: '2001:db8::1', priority: 1 },
        { id: 'gcp', cloud: 'gcp', address: '2001:db8::2', priority: 1 },
      ],
    };
    const d = decide({
      service: v6,
      verdicts: verdicts({ aws: 'up', gcp: 'up' }),
      published: published(['2001:DB8::2', '2001:DB8::1']),
      now: NOW,
      dwellMs: 0,
    });
    expect(d).toMatchObject({ kind: 'keep', addresses: ['2001:db8::1', '2001:db8::2'], targetIds: ['aws', 'gcp'], basedOnGeneration: 7 });
    expect(shouldPublish(d)).toBe(false);
  });
});

describe('fail-open: never an empty answer', () => {
  it('all targets down: keeps the last published answer and alerts', () => {
    const d = decide({
      service: failover,
      verdicts: verdicts({ aws: 'down', azure: 'down', gcp: 'down' }),
      published: published(['192.0.2.2']),
      now: NOW,
      dwellMs: 0,
    });
    expect(d).toMatchObject({ kind: 'fail-open', failOpen: true, firstPublish: false, addresses: ['192.0.2.2'], targetIds: ['azure'] });
    if (d.kind !== 'fail-open') throw new Error('expected fail-open');
    expect(d.alert).toBe('no usable target for app.example.test (aws down, azure down, gcp down)');
    expect(d.reason).toContain('keeping the last published answer [192.0.2.2]');
    expect(shouldPublish(d)).toBe(false);
  });

  it('keeps a published address no target owns rather than emptying the name', () => {
    const d = decide({
      service: multivalue,
      verdicts: verdicts({ aws: 'down', azure: 'down', gcp: 'down' }),
      published: published(['198.51.100.7']),
      now: NOW,
      dwellMs: 0,
    });
    expect(d).toMatchObject({ kind: 'fail-open', addresses: ['198.51.100.7'], targetIds: [] });
  });

  it.each([
    ['failover: the first by priority', failover, ['192.0.2.1']],
    ['multivalue: every target', multivalue, ['192.0.2.1', '192.0.2.2', '192.0.2.3']],
  ] as const)('nothing published and nothing usable (%s)', (_name, service, addresses) => {
    for (const pub of [undefined, published([])]) {
      const d = decide({ service, verdicts: verdicts({ aws: 'down', azure: 'unknown' }), published: pub, now: NOW, dwellMs: 0 });
      expect(d).toMatchObject({ kind: 'fail-open', failOpen: true, firstPublish: true, addresses });
      expect(shouldPublish(d)).toBe(true);
    }
  });
});
