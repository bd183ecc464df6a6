/**
 * Traffic Manager failover with no API call: two real HTTP targets on loopback
 * (127.0.0.11 primary, 127.0.0.12 secondary, one free port), a Priority profile
 * written through @azure/arm-trafficmanager and an A alias record set to it
 * through @azure/arm-dns. The primary is stopped; the Azure emulator's
 * nameserver moves the answer to the secondary on the engine's own, and the
 * emulator's request counters prove no API call was made in between.
 *
 * The bound is counted in probe rounds, not wall-clock: Traffic Manager degrades
 * an endpoint after toleratedNumberOfFailures + 1 failed probes, and the first
 * round after the stop may have begun before it, so the move must happen within
 * tolerated + 2 rounds of the stop.
 */
import { readFileSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DnsManagementClient } from '@azure/arm-dns';
import { TrafficManagerManagementClient } from '@azure/arm-trafficmanager';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulators, type RunningEmulators } from '../../src/emulators/index.js';

const PRIMARY = '127.0.0.11';
const SECONDARY = '127.0.0.12';
const PROBE_INTERVAL_MS = 200;
const TOLERATED = 1;

let emu: RunningEmulators;
let primary: Server;
let secondary: Server;
let port: number;

function serve(host: string, p: number): Promise<Server> {
  const server = createServer((req, res) => res.writeHead(req.url === '/healthz' ? 200 : 404).end(host));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(p, host, () => resolve(server));
  });
}

const close = (s: Server) =>
  new Promise<void>((resolve) => {
    s.close(() => resolve());
    s.closeAllConnections();
  });

beforeAll(async () => {
  // One port for both targets (monitorConfig.port is per profile): a free one on the primary, tried on the secondary.
  for (let attempt = 0; ; attempt += 1) {
    primary = await serve(PRIMARY, 0);
    port = (primary.address() as AddressInfo).port;
    try {
      secondary = await serve(SECONDARY, port);
      break;
    } catch (err) {
      await close(primary);
      if (attempt >= 10) throw err;
    }
  }
  emu = await startEmulators({ freePorts: true, trafficManagerProbeIntervalMs: PROBE_INTERVAL_MS });
});

afterAll(async () => {
  await emu?.stop();
  await Promise.all([primary, secondary].filter(Boolean).map((s) => (s.listening ? close(s) : undefined)));
});

it('moves the alias answer from the stopped primary to the secondary with no API call', async () => {
  const e = emu.endpoints().azure;
  const credential = { getToken: async () => ({ token: e.token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
  const options = { endpoint: e.endpoint, tlsOptions: { ca: readFileSync(e.caCertPath, 'utf8') }, retryOptions: { maxRetries: 0 } };
  const tm = new TrafficManagerManagementClient(credential, e.subscriptionId, options);
  const dnsClient = new DnsManagementClient(credential, e.subscriptionId, options);
  const profile = await tm.profiles.createOrUpdate(e.resourceGroup, 'app-tm', {
    location: 'global',
    trafficRoutingMethod: 'Priority',
    dnsConfig: { relativeName: 'app-failover', ttl: 5 },
    monitorConfig: {
      protocol: 'HTTP',
      port,
      path: '/healthz',
      intervalInSeconds: 10,
      timeoutInSeconds: 5,
      toleratedNumberOfFailures: TOLERATED,
    },
    endpoints: [
      { name: 'primary', type: 'Microsoft.Network/trafficManagerProfiles/externalEndpoints', target: PRIMARY, priority: 1 },
      { name: 'secondary', type: 'Microsoft.Network/trafficManagerProfiles/externalEndpoints', target: SECONDARY, priority: 2 },
    ],
  });
  await dnsClient.recordSets.createOrUpdate(e.resourceGroup, e.zoneName, 'app', 'A', { ttl: 5, targetResource: { id: profile.id } });

  const resolver = new Resolver({ timeout: 1000, tries: 3 });
  resolver.setServers([`${e.dns.host}:${e.dns.port}`]);
  const answer = async () => (await resolver.resolve4(`app.${e.zoneName}`)).join(',');
  const engine = emu.azure.trafficManager.engine;
  // Both endpoints Online after a full round, the answer is the primary.
  for (let i = 0; engine.rounds(profile.id!) < 1 || (await answer()) !== PRIMARY; i += 1) {
    if (i > 400) throw new Error(`the alias never answered ${PRIMARY}: ${await answer()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  const endpoints = (await tm.profiles.get(e.resourceGroup, 'app-tm')).endpoints ?? [];
  expect(endpoints.map((x) => [x.name, x.endpointMonitorStatus])).toEqual([
    ['primary', 'Online'],
    ['secondary', 'Online'],
  ]);

  const requestsBefore = emu.azure.faults.totalRequests();
  let degradedAtRound: number | undefined;
  engine.on('status', (c) => {
    if (c.endpoint === 'primary' && c.to === 'Degraded') degradedAtRound = c.round;
  });
  const roundAtStop = engine.rounds(profile.id!);
  const stoppedAt = Date.now();
  await close(primary);

  const seen: string[] = [];
  for (;;) {
    const a = await answer();
    if (seen.at(-1) !== a) seen.push(a);
    if (a === SECONDARY) break;
    if (engine.rounds(profile.id!) - roundAtStop > TOLERATED + 4) throw new Error(`still ${a} after ${TOLERATED + 4} rounds`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const movedMs = Date.now() - stoppedAt;
  const roundsToMove = engine.rounds(profile.id!) - roundAtStop;

  expect(seen).toEqual([PRIMARY, SECONDARY]);
  expect(degradedAtRound).toBeDefined();
  expect(degradedAtRound! - roundAtStop).toBeLessThanOrEqual(TOLERATED + 2);
  expect(degradedAtRound! - roundAtStop).toBeGreaterThanOrEqual(TOLERATED + 1);
  // Not one request reached the Azure API between the stop and the move.
  expect(emu.azure.faults.totalRequests()).toBe(requestsBefore);
  console.info(
    `traffic manager failover: primary degraded after ${degradedAtRound! - roundAtStop} rounds (bound ${TOLERATED + 2}), ` +
      `answer moved in ${movedMs} ms (${roundsToMove} rounds of ${PROBE_INTERVAL_MS} ms), 0 API calls`,
  );
  // The admin API shows the same state.
  const state = (await (await fetch(`${emu.admin.endpoint}/engines/azure`)).json()) as {
    settings: { probeIntervalMs: number };
    state: { profiles: Array<{ decision: { targets: string[] }; endpoints: Record<string, { status: string }> }> };
  };
  expect(state.settings.probeIntervalMs).toBe(PROBE_INTERVAL_MS);
  expect(state.state.profiles[0]).toMatchObject({ decision: { targets: [SECONDARY] }, endpoints: { primary: { status: 'Degraded' } } });
});

it('the admin API changes the probe interval and refuses one out of range', async () => {
  const put = (body: unknown) =>
    fetch(`${emu.admin.endpoint}/engines/azure`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const ok = await put({ probeIntervalMs: 500 });
  expect(ok.status).toBe(200);
  expect(emu.azure.trafficManager.engine.settings.probeIntervalMs).toBe(500);
  const bad = await put({ probeIntervalMs: 10 });
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
    /probeIntervalMs must be an integer from 50 to 30000/,
  );
  const restore = await put({ probeIntervalMs: null });
  expect(((await restore.json()) as { settings: { probeIntervalMs: null } }).settings.probeIntervalMs).toBeNull();
  // Each emulator's engine has its own knob: changing Azure's leaves Route 53's health checkers alone.
  const route53 = (await (await fetch(`${emu.admin.endpoint}/engines/route53`)).json()) as { settings: { probeIntervalMs: number | null } };
  expect(route53.settings.probeIntervalMs).toBeNull();
});
