import { describe, expect, it } from 'vitest';
import type { VerdictKind } from '../../src/health/quorum.js';
import type { RoutedService } from '../../src/routing/answer.js';
import { decide } from '../../src/routing/decide.js';
import { shouldPublish } from '../../src/routing/decision.js';
import { NO_OVERRIDES, overrideProblems, type ServiceOverrides } from '../../src/routing/overrides.js';

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
const allUp = verdicts({ aws: 'up', azure: 'up', gcp: 'up' });
const onAws = { addresses: ['192.0.2.1'], changedAt: 1000, generation: 4 };
const DWELL = 5000;
const within = 2000; // inside the dwell of the change at 1000
const over = (o: Partial<ServiceOverrides>): ServiceOverrides => ({ ...NO_OVERRIDES, ...o });

describe('drain', () => {
  it('moves traffic off a drained cloud at once, even within dwell', () => {
    const d = decide({
      service: failover,
      verdicts: allUp,
      published: onAws,
      overrides: over({ drainedClouds: ['aws'] }),
      now: within,
      dwellMs: DWELL,
    });
    expect(d).toMatchObject({
      kind: 'change',
      targetIds: ['azure'],
      urgent: true,
      overrides: { drainedClouds: ['aws'], drainIgnored: false },
    });
    expect(d.reason).toBe('change [192.0.2.1] → [192.0.2.2]: draining aws 192.0.2.1 (dwell skipped)');
  });

  it('multivalue serves every usable target outside the drained clouds', () => {
    const d = decide({
      service: multivalue,
      verdicts: allUp,
      published: undefined,
      overrides: over({ drainedClouds: ['aws', 'gcp'] }),
      now: within,
      dwellMs: DWELL,
    });
    expect(d).toMatchObject({ kind: 'change', targetIds: ['azure'] });
  });

  it('is set aside, and says so, when it would leave nothing usable', () => {
    const d = decide({
      service: failover,
      verdicts: verdicts({ aws: 'up', azure: 'down', gcp: 'down' }),
      published: onAws,
      overrides: over({ drainedClouds: ['aws'] }),
      now: within,
      dwellMs: DWELL,
    });
    expect(d).toMatchObject({ kind: 'keep', targetIds: ['aws'], overrides: { drainIgnored: true } });
    expect(d.overrides.notes).toEqual([
      'drain of aws ignored: no usable target outside drained clouds, serving aws 192.0.2.1 rather than fail open',
    ]);
  });

  it('with nothing usable anywhere it fails open on the published answer', () => {
    const d = decide({
      service: failover,
      verdicts: verdicts({ aws: 'down', azure: 'down', gcp: 'down' }),
      published: onAws,
      overrides: over({ drainedClouds: ['azure'] }),
      now: within,
      dwellMs: DWELL,
    });
    expect(d).toMatchObject({ kind: 'fail-open', addresses: ['192.0.2.1'], firstPublish: false });
  });

  it('a first publish in fail-open prefers undrained targets', () => {
    const d = decide({
      service: failover,
      verdicts: new Map(),
      published: undefined,
      overrides: over({ drainedClouds: ['aws'] }),
      now: 0,
      dwellMs: DWELL,
    });
    expect(d).toMatchObject({ kind: 'fail-open', firstPublish: true, targetIds: ['azure'] });
  });
});

describe('pin', () => {
  it('serves exactly the pinned target, whatever the policy, at once', () => {
    const d = decide({
      service: multivalue,
      verdicts: allUp,
      published: { ...onAws, addresses: ['192.0.2.1', '192.0.2.2', '192.0.2.3'] },
      overrides: over({ pinnedTargetId: 'gcp' }),
      now: within,
      dwellMs: DWELL,
    });
    expect(d).toMatchObject({
      kind: 'change',
      targetIds: ['gcp'],
      addresses: ['192.0.2.3'],
      urgent: true,
      overrides: { pinnedTargetId: 'gcp', pinIgnored: false },
    });
    expect(d.reason).toContain("applying the operator's pin");
  });

  it('is honoured for a target whose health is unknown', () => {
    const d = decide({
      service: failover,
      verdicts: verdicts({ aws: 'up' }),
      published: onAws,
      overrides: over({ pinnedTargetId: 'gcp' }),
      now: 9000,
      dwellMs: DWELL,
    });
    expect(d).toMatchObject({ kind: 'change', targetIds: ['gcp'] });
    expect(d.overrides.notes).toEqual(['pinned to gcp (health unknown)']);
  });

  it('wins over a drain of its own cloud, and says so', () => {
    const d = decide({
      service: failover,
      verdicts: allUp,
      published: onAws,
      overrides: over({ pinnedTargetId: 'aws', drainedClouds: ['aws'] }),
      now: within,
      dwellMs: DWELL,
    });
    expect(d).toMatchObject({ kind: 'keep', targetIds: ['aws'] });
    expect(d.overrides.notes).toEqual(['pinned to aws (health up), the pin overrides the drain of aws']);
  });

  it('is ignored when the pinned target is down by quorum: fail over and report pinIgnored', () => {
    const d = decide({
      service: failover,
      verdicts: verdicts({ aws: 'up', azure: 'up', gcp: 'down' }),
      published: { ...onAws, addresses: ['192.0.2.3'] },
      overrides: over({ pinnedTargetId: 'gcp' }),
      now: within,
      dwellMs: DWELL,
    });
    expect(d).toMatchObject({ kind: 'change', targetIds: ['aws'], urgent: true, overrides: { pinnedTargetId: 'gcp', pinIgnored: true } });
    expect(d.overrides.notes).toEqual(['pin ignored: pinned target gcp is down by quorum, routing by policy instead']);
  });

  it('is ignored, not fatal, when it names no target of the service', () => {
    const d = decide({
      service: failover,
      verdicts: allUp,
      published: onAws,
      overrides: over({ pinnedTargetId: 'oracle' }),
      now: within,
      dwellMs: DWELL,
    });
    expect(d).toMatchObject({ kind: 'keep', targetIds: ['aws'], overrides: { pinIgnored: true } });
    expect(overrideProblems(failover, over({ pinnedTargetId: 'oracle', drainedClouds: ['gcp'] }))).toEqual([
      "pinnedTargetId 'oracle' is not a target of app.example.test; expected one of aws, azure, gcp",
    ]);
    const awsOnly: RoutedService = { ...failover, targets: [failover.targets[0]!] };
    expect(overrideProblems(awsOnly, over({ drainedClouds: ['gcp'] }))).toEqual([
      "drained cloud 'gcp' has no target in app.example.test; the drain has no effect there",
    ]);
  });
});

describe('pause', () => {
  it('keeps the published answer even off a dead target, and shows what it would do', () => {
    const d = decide({
      service: failover,
      verdicts: verdicts({ aws: 'down', azure: 'up' }),
      published: onAws,
      overrides: over({ paused: true }),
      now: within,
      dwellMs: DWELL,
    });
    expect(d).toMatchObject({
      kind: 'paused',
      addresses: ['192.0.2.1'],
      targetIds: ['aws'],
      basedOnGeneration: 4,
      overrides: { paused: true },
    });
    if (d.kind !== 'paused') throw new Error('expected paused');
    expect(d.wouldBe).toMatchObject({ kind: 'change', targetIds: ['azure'], urgent: true });
    expect(d.reason).toMatch(/^paused by the operator, keeping \[192\.0\.2\.1\]; unpaused this would be change: /);
    expect(shouldPublish(d)).toBe(false);
  });

  it('writes nothing even before the first publish, yet still names a non-empty answer', () => {
    const d = decide({
      service: multivalue,
      verdicts: allUp,
      published: undefined,
      overrides: over({ paused: true }),
      now: 0,
      dwellMs: DWELL,
    });
    expect(d).toMatchObject({ kind: 'paused', addresses: ['192.0.2.1', '192.0.2.2', '192.0.2.3'], basedOnGeneration: undefined });
    expect(shouldPublish(d)).toBe(false);
  });
});
