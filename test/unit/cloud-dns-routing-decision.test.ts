/**
 * Cloud DNS routing decisions (pure), table by table, after
 * https://cloud.google.com/dns/docs/routing-policies-overview ("Failover routing
 * policy", "WRR routing policy", "Health checks"), and the per-region health
 * state after the Compute HealthCheck thresholds (healthyThreshold, unhealthyThreshold).
 */
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/emulators/cloud-dns/routing/decide.js';
import type { RoutingPolicy } from '../../src/emulators/cloud-dns/routing/policy-model.js';
import {
  detectionBoundMs,
  endpointHealthy,
  FRESH,
  observe,
  type RegionHealth,
} from '../../src/emulators/cloud-dns/health/endpoint-state.js';

const ref = { project: 'p', name: 'hc' };
const failover: RoutingPolicy = {
  kind: 'primaryBackup',
  healthCheck: ref,
  primary: ['10.0.0.1', '10.0.0.2'],
  backup: [
    { location: 'europe-west1', rrdatas: [], endpoints: ['10.0.1.1'] },
    { location: 'us-east1', rrdatas: ['10.0.2.1'], endpoints: [] },
  ],
  trickleTraffic: 0.1,
};
const weighted: RoutingPolicy = {
  kind: 'wrr',
  healthCheck: ref,
  items: [
    { weight: 3, rrdatas: [], endpoints: ['10.1.0.1'] },
    { weight: 1, rrdatas: [], endpoints: ['10.1.0.2'] },
    { weight: 0, rrdatas: ['10.1.0.3'], endpoints: [] },
  ],
};

const down =
  (...bad: string[]) =>
  (e: string) =>
    !bad.includes(e);

describe('primaryBackup', () => {
  it.each([
    ['all healthy, draw above the trickle: the primary', down(), 0.5, 'us-east1', ['10.0.0.1', '10.0.0.2'], 'primary'],
    ['one primary down: the healthy rest of the primary', down('10.0.0.1'), 0.5, 'us-east1', ['10.0.0.2'], 'primary'],
    ['draw under the trickle: the backup for the client region', down(), 0.05, 'us-east1', ['10.0.2.1'], 'trickle'],
    ['primary all down: the backup item of the client region', down('10.0.0.1', '10.0.0.2'), 0.5, 'us-east1', ['10.0.2.1'], 'backup'],
    [
      'primary down, another region: that region’s healthy endpoint',
      down('10.0.0.1', '10.0.0.2'),
      0.5,
      'europe-west1',
      ['10.0.1.1'],
      'backup',
    ],
    [
      'its endpoint down too: the next item with an answer',
      down('10.0.0.1', '10.0.0.2', '10.0.1.1'),
      0.5,
      'europe-west1',
      ['10.0.2.1'],
      'backup',
    ],
    ['unknown region: the first item with an answer', down('10.0.0.1', '10.0.0.2'), 0.5, 'asia-east1', ['10.0.1.1'], 'backup'],
  ])('%s', (_what, healthy, draw, clientRegion, addresses, reason) => {
    expect(decide(failover, { healthy, draw, clientRegion })).toEqual({ addresses, reason });
  });

  it('fails open to the whole primary when nothing has an answer', () => {
    const noStatic: RoutingPolicy = { ...failover, backup: [{ location: 'us-east1', rrdatas: [], endpoints: ['10.0.1.1'] }] };
    expect(decide(noStatic, { healthy: () => false, draw: 0.5, clientRegion: 'us-east1' })).toEqual({
      addresses: ['10.0.0.1', '10.0.0.2'],
      reason: 'fail-open',
    });
  });
});

describe('wrr', () => {
  it.each([
    ['draw 0.0 → first item (weight 3 of 4)', down(), 0.0, ['10.1.0.1'], 'weighted'],
    ['draw 0.74 → first item', down(), 0.74, ['10.1.0.1'], 'weighted'],
    ['draw 0.76 → second item', down(), 0.76, ['10.1.0.2'], 'weighted'],
    ['first item down: every draw goes to the second', down('10.1.0.1'), 0.0, ['10.1.0.2'], 'weighted'],
    ['both weighted items down: fail open, drawn by weight among all', down('10.1.0.1', '10.1.0.2'), 0.9, ['10.1.0.2'], 'fail-open'],
  ])('%s', (_what, healthy, draw, addresses, reason) => {
    expect(decide(weighted, { healthy, draw, clientRegion: 'us-east1' })).toEqual({ addresses, reason });
  });

  it('shares answers by weight over many draws', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 1000; i += 1) {
      const a = decide(weighted, { healthy: down(), draw: i / 1000, clientRegion: 'us-east1' }).addresses[0] ?? '';
      counts.set(a, (counts.get(a) ?? 0) + 1);
    }
    expect(counts.get('10.1.0.1')).toBe(750);
    expect(counts.get('10.1.0.2')).toBe(250);
    expect(counts.has('10.1.0.3')).toBe(false);
  });

  it('never answers empty, whatever the health', () => {
    for (const healthy of [down(), () => false, down('10.1.0.1')]) {
      for (const draw of [0, 0.3, 0.999])
        expect(decide(weighted, { healthy, draw, clientRegion: 'x' }).addresses.length).toBeGreaterThan(0);
    }
  });
});

describe('endpoint health from 3 source regions', () => {
  const t = { healthyThreshold: 2, unhealthyThreshold: 3 };
  const run = (results: boolean[], start: RegionHealth = FRESH) => results.reduce((s, ok) => observe(s, ok, t), start);

  it.each([
    ['2 failures stay healthy (threshold 3)', [false, false], true],
    ['3 consecutive failures turn unhealthy', [false, false, false], false],
    ['a success in between resets the streak', [false, false, true, false, false], true],
    ['then 1 success is not enough to come back (threshold 2)', [false, false, false, true], false],
    ['2 consecutive successes come back', [false, false, false, true, true], true],
  ])('%s', (_what, results, healthy) => {
    expect(run(results).healthy).toBe(healthy);
  });

  it.each([
    [[true, true, true], true],
    [[true, true, false], true],
    [[true, false, false], false],
    [[false, false, false], false],
  ])('regions %j → endpoint healthy %s (majority)', (regions, healthy) => {
    expect(endpointHealthy(regions.map((h) => ({ healthy: h, streak: 0 })))).toBe(healthy);
  });

  it('bounds detection by threshold × interval + timeout', () => {
    expect(detectionBoundMs(30_000, 5_000, 2)).toBe(65_000);
    expect(detectionBoundMs(200, 200, 2)).toBe(600);
  });
});
