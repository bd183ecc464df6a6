/**
 * The assembled controller with the real HealthMonitor (breakers off, so it
 * runs on the fake clock) and a scripted network behind real vantage points:
 * probes → rise/fall → quorum → decide → publish.
 */
import { describe, expect, it } from 'vitest';
import { assembleController } from '../../src/controller/assemble.js';
import type { HttpProber } from '../../src/health/probe.js';
import { VantagePoint } from '../../src/health/vantage-point.js';
import { ADDR, FakeClock, NAME, memoryProviders, serving, settle, testConfig } from './controller-fixtures.js';

describe('controller with the real health monitor', () => {
  it('detects a dead target by quorum within the detection bound and moves every provider off it', async () => {
    const clock = new FakeClock();
    const refused = new Set<string>();
    const http: HttpProber = async (url, options) =>
      refused.has(url)
        ? { ok: false, at: options.now?.() ?? clock.now(), latencyMs: 1, code: 'ECONNREFUSED', error: 'connect ECONNREFUSED' }
        : { ok: true, at: options.now?.() ?? clock.now(), latencyMs: 1, status: 200 };
    const config = testConfig();
    const providers = memoryProviders(clock);
    const controller = assembleController(config, {
      providers,
      clock,
      breakers: false,
      vantagePoints: ['vp-1', 'vp-2', 'vp-3'].map((id) => new VantagePoint({ id, http, clock })),
    });
    const advance = (ms: number) =>
      clock.advance(ms, async () => {
        await settle();
        await controller.idle();
      });

    await controller.start();
    await advance(600); // rise 2 at the fast interval: every target up, then the first publish
    expect(serving(providers)).toEqual({ route53: [ADDR.aws], azure: [ADDR.aws], clouddns: [ADDR.aws] });
    expect(controller.monitorSnapshot().targets.map((t) => [t.targetId, t.verdict])).toEqual([
      ['aws', 'up'],
      ['azure', 'up'],
      ['gcp', 'up'],
    ]);

    const faultAt = clock.now();
    refused.add('http://127.0.0.11:8080/readyz');
    const h = config.health;
    await advance(h.intervalMs + (h.fall - 1) * h.fastIntervalMs + h.timeoutMs);
    const down = controller.events.ofType('verdict').find((e) => e.targetId === 'aws' && e.after === 'down');
    expect(down).toBeDefined();
    expect((down?.at as number) - faultAt).toBeLessThanOrEqual(h.intervalMs + (h.fall - 1) * h.fastIntervalMs + h.timeoutMs);
    expect(serving(providers)).toEqual({ route53: [ADDR.azure], azure: [ADDR.azure], clouddns: [ADDR.azure] });
    expect(providers.map((p) => p.generationAt(NAME))).toEqual([2, 2, 2]);
    const stateChanges = controller.events.ofType('probe-state').filter((e) => e.targetId === 'aws');
    expect(stateChanges.map((e) => [e.vantageId, e.after])).toContainEqual(['vp-1', 'down']);

    expect(await controller.stop()).toEqual({ timedOut: false });
    expect(controller.monitorSnapshot().running).toBe(false);
  });
});
