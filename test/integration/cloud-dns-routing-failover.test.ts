/**
 * Cloud DNS's failover engine, end to end on loopback: a primaryBackup record set
 * (written through @google-cloud/dns) whose health check (written through
 * @google-cloud/compute) probes two real HTTP targets, 127.0.0.11 (primary) and
 * 127.0.0.13 (backup). Real DNS queries to the emulator's nameserver answer the
 * primary; the primary is stopped; the answer moves to the backup with no API
 * call in between (the emulator's request counters do not move).
 *
 * The engine runs at the sped-up interval (healthCheckIntervalMs, the emulator's
 * one deviation). The bound is counted in probe rounds, not wall-clock time, so
 * the test holds on a loaded machine: the answer must move before any source
 * region has probed the stopped primary more than unhealthyThreshold + 1 times.
 * Elapsed time is measured and printed against the nominal detection bound.
 * References: https://cloud.google.com/dns/docs/routing-policies-overview
 * ("Failover routing policy", "Health checks"); Compute v1 discovery document (healthChecks.insert).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Resolver } from 'node:dns/promises';
import { HealthChecksClient } from '@google-cloud/compute';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FaultInjector } from '../../src/emulators/core/faults.js';
import { ZoneStore } from '../../src/emulators/core/zone-store.js';
import { seedCloudDnsZone, startCloudDnsApi, type RunningCloudDnsApi } from '../../src/emulators/cloud-dns/index.js';
import { cloudDnsClient } from '../../src/emulators/cloud-dns/sdk-client.js';
import { startDnsServer, type RunningDnsServer } from '../../src/emulators/dns/index.js';

type ComputeAuth = NonNullable<ConstructorParameters<typeof HealthChecksClient>[0]>['authClient'];

const PROJECT = 'failover-project';
const TOKEN = 'failover-token';
const APEX = 'failover.test.';
const PRIMARY = '127.0.0.11';
const BACKUP = '127.0.0.13';
const INTERVAL_MS = 200;
const UNHEALTHY_THRESHOLD = 2;

interface Target {
  server: Server;
  sockets: Set<Socket>;
}

function listen(host: string, port: number): Promise<Target> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    res.writeHead(req.url === '/healthz' ? 200 : 404).end(host);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve({ server, sockets }));
  });
}

/** Both targets on one port (a health check names one port): a free port on the first, retried if the second has it taken. */
async function twoTargets(): Promise<{ primary: Target; backup: Target; port: number }> {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const primary = await listen(PRIMARY, 0);
    const port = (primary.server.address() as AddressInfo).port;
    try {
      return { primary, backup: await listen(BACKUP, port), port };
    } catch {
      await new Promise<void>((r) => primary.server.close(() => r()));
    }
  }
  throw new Error(`no port free on both ${PRIMARY} and ${BACKUP}`);
}

function stop(t: Target): Promise<void> {
  return new Promise((resolve) => {
    t.server.close(() => resolve());
    for (const s of t.sockets) s.destroy();
  });
}

const store = new ZoneStore();
const faults = new FaultInjector({ bucket: { capacity: 1000, refillPerSecond: 1000 } });
let api: RunningCloudDnsApi;
let nameserver: RunningDnsServer;
let targets: { primary: Target; backup: Target; port: number };
let compute: HealthChecksClient;
const resolver = new Resolver({ timeout: 1000, tries: 1 });

async function answer(): Promise<string[]> {
  return (await resolver.resolve4(`www.${APEX}`)).sort();
}

async function until(what: string, ok: () => boolean | Promise<boolean>, limitMs: number): Promise<void> {
  const started = Date.now();
  while (!(await ok())) {
    if (Date.now() - started > limitMs) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  targets = await twoTargets();
  api = await startCloudDnsApi({ host: '127.0.0.1', port: 0, store, faults, projectIds: [PROJECT], healthCheckIntervalMs: INTERVAL_MS });
  nameserver = await startDnsServer({ store, faults, host: '127.0.0.1', port: 0 });
  resolver.setServers([`${nameserver.host}:${nameserver.port}`]);
  seedCloudDnsZone(store, APEX, { projectId: PROJECT, managedZone: 'failover-test' });
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: TOKEN });
  compute = new HealthChecksClient({
    fallback: true,
    apiEndpoint: '127.0.0.1',
    port: api.port,
    protocol: 'http',
    authClient: authClient as unknown as ComputeAuth,
    projectId: PROJECT,
  });
});

afterAll(async () => {
  await compute?.close();
  await api?.stop();
  await nameserver?.stop();
  if (targets) await Promise.all([stop(targets.primary), stop(targets.backup).catch(() => undefined)]);
});

it('moves the answer from a stopped primary to the backup with no API call, within unhealthyThreshold + 1 probe rounds', async () => {
  await compute.insert({
    project: PROJECT,
    healthCheckResource: {
      name: 'www',
      type: 'HTTP',
      checkIntervalSec: 30,
      timeoutSec: 5,
      unhealthyThreshold: UNHEALTHY_THRESHOLD,
      healthyThreshold: 2,
      sourceRegions: ['us-east1', 'europe-west1', 'asia-southeast1'],
      httpHealthCheck: { port: targets.port, requestPath: '/healthz' },
    },
  });
  const dns = cloudDnsClient({ endpoint: api.endpoint, projectId: PROJECT, token: TOKEN, maxRetries: 0 });
  const zone = dns.zone('failover-test');
  const routingPolicy = {
    healthCheck: `https://www.googleapis.com/compute/v1/projects/${PROJECT}/global/healthChecks/www`,
    primaryBackup: {
      primaryTargets: { externalEndpoints: [PRIMARY] },
      backupGeoTargets: { items: [{ location: 'us-east1', healthCheckedTargets: { externalEndpoints: [BACKUP] } }] },
    },
  };
  await zone.createChange({ add: zone.record('a', { name: `www.${APEX}`, ttl: 5, data: [], routingPolicy } as never) });

  const primaryView = () => api.engine.view().find((t) => t.endpoint === PRIMARY);
  // Every region has probed both targets and found them healthy: the primary is answered.
  await until('a first probe round', () => api.engine.view().length === 2 && api.engine.view().every((t) => t.probes >= 3), 30_000);
  expect(await answer()).toEqual([PRIMARY]);
  expect(primaryView()).toMatchObject({ healthy: true, detectionBoundMs: UNHEALTHY_THRESHOLD * INTERVAL_MS + INTERVAL_MS });

  const apiCallsBefore = faults.totalRequests();
  const probesBefore = primaryView()?.probes ?? 0;
  const stoppedAt = Date.now();
  await stop(targets.primary);
  await until('the answer to move to the backup', async () => (await answer())[0] === BACKUP, 60_000);
  const movedAfterMs = Date.now() - stoppedAt;
  const probesToMove = (primaryView()?.probes ?? 0) - probesBefore;

  expect(await answer()).toEqual([BACKUP]);
  expect(faults.totalRequests()).toBe(apiCallsBefore);
  // 3 regions, each marks the primary down after UNHEALTHY_THRESHOLD failures; one more probe each may be in flight.
  expect(probesToMove).toBeLessThanOrEqual(3 * (UNHEALTHY_THRESHOLD + 1));
  expect(primaryView()?.healthy).toBe(false);
  console.log(
    JSON.stringify({
      movedAfterMs,
      nominalBoundMs: primaryView()?.detectionBoundMs,
      probesToMove,
      apiCalls: faults.totalRequests() - apiCallsBefore,
    }),
  );
});
