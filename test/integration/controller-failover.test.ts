/**
 * The controller with real parts: emulators with their DNS servers, three
 * sample services, the official SDKs behind the adapters. AWS is served first
 * by all three providers; when AWS goes down, all three serve Azure, and the
 * status API shows it (serving asked over DNS).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControllerApi, type RunningControllerApi } from '../../apps/controller/server.js';
import type { ControllerStatus } from '../../apps/controller/status.js';
import type { Controller } from '../../src/controller/controller.js';
import { silentLogger } from '../../src/observability/logger.js';
import { CLOUD_HOSTS, PROVIDERS, SERVICE, startTopology, type Topology } from './controller-topology.js';

let topo: Topology;
let controller: Controller;
let api: RunningControllerApi;

beforeAll(async () => {
  topo = await startTopology();
  controller = topo.controller().controller;
  api = await startControllerApi({ controller, logger: silentLogger(), adminToken: undefined, host: '127.0.0.1', port: 0 });
  await controller.start();
});

afterAll(async () => {
  await controller?.stop();
  await api?.close();
  await topo?.stop();
});

describe('controller against the emulators', () => {
  it('serves AWS first on every provider, then Azure on every provider once AWS is down', async () => {
    await topo.servedEverywhere(CLOUD_HOSTS.aws);
    await controller.idle(); // DNS serves each write as it lands; the write event follows the slowest provider
    const firstWrite = controller.events.ofType('write')[0];
    expect(firstWrite).toMatchObject({ generation: 1, status: 'in-sync', after: [CLOUD_HOSTS.aws] });
    expect(firstWrite?.providers.map((p) => [p.provider, p.result])).toEqual(PROVIDERS.map((p) => [p, 'ok']));

    const downAt = Date.now();
    await topo.services.aws.setChaos('down');
    await topo.servedEverywhere(CLOUD_HOSTS.azure);
    const rto = Date.now() - downAt;
    await controller.idle();

    const write = controller.events.ofType('write').at(-1);
    expect(write).toMatchObject({ generation: 2, status: 'in-sync', before: [CLOUD_HOSTS.aws], after: [CLOUD_HOSTS.azure] });
    for (const p of write?.providers ?? []) {
      expect(p.result).toBe('ok');
      expect(p.apiCalls).toBeGreaterThan(0);
      expect(p.latencyMs).toBeGreaterThanOrEqual(0);
    }
    const verify = controller.events.ofType('verify').at(-1);
    expect(verify).toMatchObject({ generation: 2, allOk: true, expected: [CLOUD_HOSTS.azure] });
    for (const v of verify?.providers ?? []) expect(v.afterDecisionMs).toBeLessThan(rto);

    const status = (await (await fetch(`${api.url}/status`)).json()) as ControllerStatus;
    const svc = status.services.find((s) => s.name === SERVICE);
    expect(svc?.published).toMatchObject({ addresses: [CLOUD_HOSTS.azure], generation: 2 });
    for (const p of PROVIDERS)
      expect(svc?.providers[p]).toMatchObject({ serving: { ok: true, addresses: [CLOUD_HOSTS.azure] }, sync: 'in-sync' });
    expect(status.targets.find((t) => t.id === 'aws')).toMatchObject({ verdict: 'down', cloud: 'aws', address: CLOUD_HOSTS.aws });
    const awsVantages = status.targets.find((t) => t.id === 'aws')?.vantages ?? [];
    expect(awsVantages).toHaveLength(3);
    for (const v of awsVantages) expect(v.lastError).toMatch(/ECONNREFUSED/);
    expect(status.targets.find((t) => t.id === 'azure')?.verdict).toBe('up');
  });
});
