/**
 * Route 53's own failover engine, end to end on loopback: two real HTTP
 * targets (127.0.0.11 and 127.0.0.12), a health check on the primary and
 * failover records created through the official SDK, answered over real DNS
 * queries to the emulator's name server. The primary is stopped and the answer
 * moves to the SECONDARY with no API call in between (the emulator's request
 * counters prove it), within the detection bound of the sped-up interval.
 */
import { Resolver } from 'node:dns/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChangeResourceRecordSetsCommand, CreateHealthCheckCommand, Route53Client } from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FaultInjector } from '../../src/emulators/core/faults.js';
import { ZoneStore } from '../../src/emulators/core/zone-store.js';
import { startDnsServer, type RunningDnsServer } from '../../src/emulators/dns/index.js';
import { startEmulators } from '../../src/emulators/index.js';
import { seedRoute53Zone, startRoute53Api } from '../../src/emulators/route53/index.js';
import type { RunningRoute53Api } from '../../src/emulators/route53/server.js';

const INTERVAL_MS = 250;
const FAILURE_THRESHOLD = 2;
/** Route 53 waits up to 4 s for a probe; the emulator never longer. */
const MAX_PROBE_TIMEOUT_MS = 4_000;

const store = new ZoneStore();
const faults = new FaultInjector({ bucket: { capacity: 10_000, refillPerSecond: 10_000 } });
let api: RunningRoute53Api;
let dns: RunningDnsServer;
let r53: Route53Client;
const targets: Server[] = [];
let ports: number[] = [];

function serve(host: string): Promise<Server> {
  const server = createServer((_req, res) => res.end(host));
  return new Promise((resolve) => server.listen(0, host, () => resolve(server)));
}

beforeAll(async () => {
  targets.push(await serve('127.0.0.11'), await serve('127.0.0.12'));
  ports = targets.map((t) => (t.address() as AddressInfo).port);
  api = await startRoute53Api({ host: '127.0.0.1', port: 0, store, faults, healthCheckIntervalMs: INTERVAL_MS });
  dns = await startDnsServer({ store, faults, host: '127.0.0.1', port: 0 });
  r53 = new Route53Client({
    region: 'us-east-1',
    endpoint: api.endpoint,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
  });
});

afterAll(async () => {
  r53.destroy();
  await Promise.all([api.stop(), dns.stop()]);
  await Promise.all(targets.map((t) => new Promise<void>((r) => t.close(() => r()))));
});

async function answer(resolver: Resolver): Promise<string[]> {
  return (await resolver.resolve4('app.native.test')).sort();
}

it('moves the answer from PRIMARY to SECONDARY over DNS with no API call, within the detection bound', async () => {
  const { hostedZoneId } = seedRoute53Zone(store, 'native.test');
  const hc = await r53.send(
    new CreateHealthCheckCommand({
      CallerReference: 'primary-check',
      HealthCheckConfig: {
        Type: 'HTTP',
        IPAddress: '127.0.0.11',
        Port: ports[0],
        ResourcePath: '/',
        RequestInterval: 10,
        FailureThreshold: FAILURE_THRESHOLD,
      },
    }),
  );
  const record = (id: string, failover: 'PRIMARY' | 'SECONDARY', ip: string, healthCheckId?: string) => ({
    Action: 'CREATE' as const,
    ResourceRecordSet: {
      Name: 'app.native.test.',
      Type: 'A' as const,
      SetIdentifier: id,
      Failover: failover,
      TTL: 1,
      ResourceRecords: [{ Value: ip }],
      ...(healthCheckId ? { HealthCheckId: healthCheckId } : {}),
    },
  });
  await r53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: hostedZoneId,
      ChangeBatch: { Changes: [record('aws', 'PRIMARY', '127.0.0.11', hc.HealthCheck?.Id), record('azure', 'SECONDARY', '127.0.0.12')] },
    }),
  );
  const resolver = new Resolver({ timeout: 1000, tries: 2 });
  resolver.setServers([`127.0.0.1:${dns.port}`]);
  expect(await answer(resolver)).toEqual(['127.0.0.11']);

  const apiCallsBefore = Object.values(faults.counters()).reduce((n, c) => n + c.total, 0);
  const probesBefore = api.healthChecks.probeCount;
  const stoppedAt = Date.now();
  await new Promise<void>((r) => targets[0]?.close(() => r()));
  targets[0]?.closeAllConnections();

  // Each checker needs FailureThreshold failed probes, one per interval, plus at most one probe timeout and one interval of stagger.
  const bound = (FAILURE_THRESHOLD + 1) * INTERVAL_MS + MAX_PROBE_TIMEOUT_MS;
  let moved: number | undefined;
  while (Date.now() - stoppedAt < bound * 3) {
    if ((await answer(resolver))[0] === '127.0.0.12') {
      moved = Date.now() - stoppedAt;
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(moved, 'answer never moved to the SECONDARY').toBeDefined();
  expect(moved).toBeLessThanOrEqual(bound);
  console.log(
    `[route53 native failover] moved after ${moved} ms (bound ${bound} ms, interval ${INTERVAL_MS} ms, threshold ${FAILURE_THRESHOLD})`,
  );
  const apiCallsAfter = Object.values(faults.counters()).reduce((n, c) => n + c.total, 0);
  expect(apiCallsAfter).toBe(apiCallsBefore);
  expect(api.healthChecks.probeCount).toBeGreaterThan(probesBefore);
  expect(await answer(resolver)).toEqual(['127.0.0.12']);
});

// The interval knob: an option of startEmulators and the admin API's /engines/route53 (null: Route 53's real intervals).
it('speeds the checkers up through startEmulators and the admin API', async () => {
  const emu = await startEmulators({ freePorts: true, engineIntervalMs: 300 });
  try {
    const url = `${emu.admin.endpoint}/engines/route53`;
    expect(((await (await fetch(url)).json()) as { settings: unknown }).settings).toEqual({ probeIntervalMs: 300 });
    const put = (body: unknown) =>
      fetch(url, { method: 'PUT', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    expect(await (await put({ probeIntervalMs: 150 })).json()).toEqual({ settings: { probeIntervalMs: 150 } });
    expect(emu.route53.healthChecks.intervalMs).toBe(150);
    expect((await put({ probeIntervalMs: 10 })).status).toBe(400);
    expect(await (await put({ probeIntervalMs: null })).json()).toEqual({ settings: { probeIntervalMs: null } });
    expect(emu.route53.healthChecks.intervalMs).toBeUndefined();
    expect((await put({ intervalMs: 150 })).status).toBe(400); // the one knob is probeIntervalMs
  } finally {
    await emu.stop();
  }
});
