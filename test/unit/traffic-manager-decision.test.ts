/**
 * Traffic Manager's decision and monitor rules as tables. References: Azure docs
 * "Traffic Manager routing methods" (Priority, MultiValue with maxReturn),
 * "Traffic Manager endpoint monitoring" (tolerated failures; "if all endpoints
 * in a profile are degraded, Traffic Manager treats all endpoints as healthy and
 * routes traffic to all of them"), and MonitorConfig / EndpointMonitorStatus in
 * azure-rest-api-specs specification/trafficmanager/.../stable/2022-04-01/trafficmanager.json.
 */
import { describe, expect, it } from 'vitest';
import { decide, type DecisionInput, type EndpointState } from '../../src/emulators/azure-dns/traffic-manager/decision.js';
import { afterProbe, monitorStatus, type LocationHealth } from '../../src/emulators/azure-dns/traffic-manager/monitor-state.js';

const ep = (name: string, priority: number, monitorStatus: EndpointState['monitorStatus'], enabled = true): EndpointState => ({
  name,
  target: `t-${name}`,
  priority,
  monitorStatus,
  enabled,
});

describe('decide', () => {
  const cases: Array<[string, DecisionInput, ReturnType<typeof decide>]> = [
    [
      'priority: the lowest number that is Online',
      { routingMethod: 'Priority', profileEnabled: true, endpoints: [ep('b', 2, 'Online'), ep('a', 1, 'Online')] },
      { kind: 'answer', targets: ['t-a'], failOpen: false },
    ],
    [
      'priority: primary Degraded → secondary',
      { routingMethod: 'Priority', profileEnabled: true, endpoints: [ep('a', 1, 'Degraded'), ep('b', 2, 'Online')] },
      { kind: 'answer', targets: ['t-b'], failOpen: false },
    ],
    [
      'priority: a Disabled primary is skipped even when Online',
      { routingMethod: 'Priority', profileEnabled: true, endpoints: [ep('a', 1, 'Online', false), ep('b', 2, 'Online')] },
      { kind: 'answer', targets: ['t-b'], failOpen: false },
    ],
    [
      'priority: CheckingEndpoint counts as Online',
      { routingMethod: 'Priority', profileEnabled: true, endpoints: [ep('a', 1, 'CheckingEndpoint'), ep('b', 2, 'Online')] },
      { kind: 'answer', targets: ['t-a'], failOpen: false },
    ],
    [
      'priority: all Degraded → fail open to the highest priority',
      { routingMethod: 'Priority', profileEnabled: true, endpoints: [ep('b', 2, 'Degraded'), ep('a', 1, 'Degraded')] },
      { kind: 'answer', targets: ['t-a'], failOpen: true },
    ],
    [
      'multivalue: every Online endpoint',
      {
        routingMethod: 'MultiValue',
        profileEnabled: true,
        endpoints: [ep('a', 1, 'Online'), ep('b', 2, 'Degraded'), ep('c', 3, 'Online')],
      },
      { kind: 'answer', targets: ['t-a', 't-c'], failOpen: false },
    ],
    [
      'multivalue: at most maxReturn',
      {
        routingMethod: 'MultiValue',
        profileEnabled: true,
        maxReturn: 2,
        endpoints: [ep('a', 1, 'Online'), ep('b', 2, 'Online'), ep('c', 3, 'Online')],
      },
      { kind: 'answer', targets: ['t-a', 't-b'], failOpen: false },
    ],
    [
      'multivalue: all Degraded → all Enabled endpoints (fail open)',
      {
        routingMethod: 'MultiValue',
        profileEnabled: true,
        endpoints: [ep('a', 1, 'Degraded'), ep('b', 2, 'Degraded'), ep('c', 3, 'Online', false)],
      },
      { kind: 'answer', targets: ['t-a', 't-b'], failOpen: true },
    ],
    [
      'no Enabled endpoint → no answer',
      { routingMethod: 'Priority', profileEnabled: true, endpoints: [ep('a', 1, 'Online', false)] },
      { kind: 'none', reason: 'no-enabled-endpoint' },
    ],
    [
      'profile Disabled → no answer',
      { routingMethod: 'Priority', profileEnabled: false, endpoints: [ep('a', 1, 'Online')] },
      { kind: 'none', reason: 'profile-disabled' },
    ],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(decide(input)).toEqual(expected);
  });
});

describe('afterProbe', () => {
  it('degrades a location only after more than the tolerated consecutive failures, and one success heals it', () => {
    const fail = { ok: false as const, error: 'ECONNREFUSED' };
    let h: LocationHealth | undefined;
    const seen: boolean[] = [];
    for (let i = 0; i < 4; i += 1) {
      h = afterProbe(h, fail, 2);
      seen.push(h.degraded);
    }
    expect(seen).toEqual([false, false, true, true]);
    expect(h).toMatchObject({ consecutiveFailures: 4, lastError: 'ECONNREFUSED' });
    expect(afterProbe(h, { ok: true }, 2)).toEqual({ consecutiveFailures: 0, degraded: false });
  });
  it('with 0 tolerated failures the first failure degrades', () => {
    expect(afterProbe(undefined, { ok: false, error: 'x' }, 0).degraded).toBe(true);
  });
});

describe('monitorStatus', () => {
  const ok: LocationHealth = { consecutiveFailures: 0, degraded: false };
  const bad: LocationHealth = { consecutiveFailures: 5, degraded: true };
  const cases: Array<[string, Parameters<typeof monitorStatus>[0], string]> = [
    ['no report yet', { profileEnabled: true, endpointEnabled: true, locations: [] }, 'CheckingEndpoint'],
    ['endpoint disabled', { profileEnabled: true, endpointEnabled: false, locations: [bad] }, 'Disabled'],
    ['profile disabled', { profileEnabled: false, endpointEnabled: true, locations: [ok] }, 'Inactive'],
    ['one of three locations degraded', { profileEnabled: true, endpointEnabled: true, locations: [bad, ok, ok] }, 'Online'],
    ['two of three locations degraded', { profileEnabled: true, endpointEnabled: true, locations: [bad, bad, ok] }, 'Degraded'],
    ['half is not a majority', { profileEnabled: true, endpointEnabled: true, locations: [bad, ok] }, 'Online'],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(monitorStatus(input)).toBe(expected);
  });
});
