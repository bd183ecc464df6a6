/**
 * GET /status never asks DNS per request: what each provider serves comes from
 * the controller's last verification. Counted where it matters, at the
 * providers' nameservers: the controller is given (as `providers.<x>.dns`) a
 * counting UDP relay in front of each emulator's nameserver, so every question
 * the controller asks any nameserver is seen.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControllerApi, type RunningControllerApi } from '../../apps/controller/server.js';
import type { ControllerStatus } from '../../apps/controller/status.js';
import { configSchema } from '../../src/config/schema.js';
import { assembleController } from '../../src/controller/assemble.js';
import type { Controller } from '../../src/controller/controller.js';
import { silentLogger } from '../../src/observability/logger.js';
import { closeProviders, createProviders } from '../../src/providers/index.js';
import type { DnsProvider, ProviderId } from '../../src/providers/provider.js';
import { CLOUD_HOSTS, PROVIDERS, SERVICE, startTopology, type Topology } from './controller-topology.js';

/** A UDP relay that counts the DNS questions passing through it. */
interface CountingRelay {
  readonly host: string;
  readonly port: number;
  queries: number;
  close(): Promise<void>;
}

async function countingRelay(upstream: { host: string; port: number }): Promise<CountingRelay> {
  const front = createSocket('udp4');
  const relay: CountingRelay = {
    host: '127.0.0.1',
    port: 0,
    queries: 0,
    close: () => new Promise<void>((resolve) => front.close(() => resolve())),
  };
  front.on('message', (query, client) => {
    relay.queries += 1;
    const back: Socket = createSocket('udp4');
    back.on('message', (answer) => {
      front.send(answer, client.port, client.address);
      back.close();
    });
    back.on('error', () => back.close());
    back.send(query, upstream.port, upstream.host);
  });
  await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', resolve));
  return Object.assign(relay, { port: (front.address() as AddressInfo).port });
}

let topo: Topology;
let controller: Controller;
let providers: DnsProvider[];
let api: RunningControllerApi;
const relays = {} as Record<ProviderId, CountingRelay>;
const queries = () => PROVIDERS.reduce((n, p) => n + relays[p].queries, 0);

beforeAll(async () => {
  topo = await startTopology();
  for (const p of PROVIDERS) relays[p] = await countingRelay(topo.emulators[p].dns);
  const config = configSchema.parse({
    ...topo.config,
    // Generous probe timings: this test is about /status, not about detection speed.
    health: { ...topo.config.health, intervalMs: 1000, fastIntervalMs: 500, timeoutMs: 500 },
    providers: Object.fromEntries(
      Object.entries(topo.config.providers).map(([p, settings]) => [
        p,
        { ...settings, dns: { host: relays[p as ProviderId].host, port: relays[p as ProviderId].port } },
      ]),
    ),
  });
  providers = createProviders(config.providers, {
    zone: config.zone,
    policy: { timeoutMs: 2000, maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 200 },
  });
  controller = assembleController(config, {
    providers,
    logger: silentLogger(),
    providerTimeoutMs: 4000,
    verifyTiming: { attemptTimeoutMs: 150, deadlineMs: 1000, retryDelayMs: 50 },
  });
  api = await startControllerApi({ controller, logger: silentLogger(), adminToken: undefined, host: '127.0.0.1', port: 0 });
  await controller.start();
});

afterAll(async () => {
  await controller?.stop();
  await api?.close();
  await closeProviders(providers ?? []);
  await Promise.all(Object.values(relays).map((r) => r.close()));
  await topo?.stop();
});

describe('GET /status and DNS', () => {
  it('answers N status requests with 0 DNS queries, showing what the last verification saw', async () => {
    await topo.servedEverywhere(CLOUD_HOSTS.aws);
    // The controller verifies each publish over DNS, through the relays: the relays do count its questions.
    await expect.poll(() => controller.service(SERVICE)?.lastVerify?.allOk, { timeout: 30_000 }).toBe(true);
    expect(queries()).toBeGreaterThanOrEqual(PROVIDERS.length);
    // Paused, the controller publishes nothing and so verifies nothing while we count: a probe slowed by a
    // loaded machine cannot start a publish (and its verification) in the middle of the window.
    controller.pause(SERVICE, { operator: 'test', reason: 'hold the answer while /status is counted' });
    await controller.idle();
    const verify = controller.service(SERVICE)!.lastVerify!;

    const before = queries();
    const N = 50;
    const statuses = await Promise.all(
      Array.from({ length: N }, async () => (await (await fetch(`${api.url}/status`)).json()) as ControllerStatus),
    );
    expect(queries() - before).toBe(0);
    for (const status of statuses) {
      const svc = status.services.find((s) => s.name === SERVICE);
      for (const p of PROVIDERS) {
        expect(svc?.providers[p]?.serving).toEqual({
          ok: true,
          addresses: [CLOUD_HOSTS.aws],
          checkedAt: verify.at,
          generation: verify.generation,
        });
      }
    }

    // Control: a question the controller does ask of the data plane is seen by the relays.
    await controller.verifier!.serving(SERVICE, 'A');
    expect(queries() - before).toBe(PROVIDERS.length);
  });
});
