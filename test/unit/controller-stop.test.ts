/**
 * Controller.stop() cancels: publishes queued behind the one in flight never
 * reach a provider, stop() does not wait for them, and after it resolves the
 * controller sends nothing more (issue: SIGTERM did not stop the controller).
 */
import { describe, expect, it } from 'vitest';
import { ADDR, rig, testConfig } from './controller-fixtures.js';

const SERVICES = 6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function services() {
  return Array.from({ length: SERVICES }, (_, i) => ({
    name: `svc-${i}.example.test`,
    ttl: 30,
    targets: [
      { id: 'aws', cloud: 'aws', address: ADDR.aws, healthUrl: 'http://127.0.0.11:8080/readyz', priority: 10 },
      { id: 'azure', cloud: 'azure', address: ADDR.azure, healthUrl: 'http://127.0.0.12:8080/readyz', priority: 20 },
    ],
  }));
}

describe('Controller.stop()', () => {
  it('cancels queued publishes: none reaches a provider after stop() was called, and stop() does not wait for them', async () => {
    const r = rig({ config: testConfig({ services: services() }), startupGraceMs: 0 });
    // Every provider call takes 100 ms of real time: one publish of one service is a read and a write, ~200 ms.
    for (const p of r.providers) p.setDelay(100);
    await r.controller.start();
    r.monitor.set('aws', 'up');
    r.monitor.set('azure', 'up');
    const until = performance.now() + 10_000;
    while (r.applies() === 0 && performance.now() < until) await sleep(5);
    expect(r.applies()).toBeGreaterThan(0);

    const calledAtStop = r.applies();
    const started = performance.now();
    expect(await r.controller.stop()).toEqual({ timedOut: false });
    const stopMs = performance.now() - started;
    expect(r.controller.phase).toBe('stopped');
    await sleep(500);
    expect(r.applies()).toBe(calledAtStop);
    // Not every service was written: the queued ones were dropped, left to the next controller.
    const written = new Set(r.providers[0]!.writeLog.filter((e) => e.source === 'apply').map((e) => e.name));
    expect(written.size).toBeLessThan(SERVICES);
    // The six publishes one after the other take at least 6 × 200 ms; stop() returns once the one in flight is cut short.
    expect(stopMs).toBeLessThan(SERVICES * 200);
  });
});
