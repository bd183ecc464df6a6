/**
 * The local topology for the controller's integration tests, all real parts:
 * the three provider emulators (in-process, free ports), three sample services
 * on 127.0.0.11/.12/.13 sharing one port, the real adapters over the official
 * SDKs, and controllers assembled with small timings.
 */
import { createServer } from 'node:net';
import { providersFromEndpoints } from '../../src/drills/emulator-endpoints.js';
import { startSampleService, type SampleService } from '../../apps/sample-service/index.js';
import { configSchema, type FailoverConfig } from '../../src/config/schema.js';
import { assembleController } from '../../src/controller/assemble.js';
import type { Controller } from '../../src/controller/controller.js';
import { askNameserver } from '../../src/controller/verify.js';
import { startEmulators, type FaultInjector, type RunningEmulators } from '../../src/emulators/index.js';
import { silentLogger } from '../../src/observability/logger.js';
import { closeProviders, createProviders } from '../../src/providers/index.js';
import type { DnsProvider, ProviderId } from '../../src/providers/provider.js';

export const CLOUD_HOSTS = { aws: '127.0.0.11', azure: '127.0.0.12', gcp: '127.0.0.13' } as const;
export const SERVICE = 'app.example.test';
export const PROVIDERS: readonly ProviderId[] = ['route53', 'azure', 'clouddns'];

async function freePort(host: string): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, host, resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

export interface Topology {
  readonly emulators: RunningEmulators;
  readonly services: Record<keyof typeof CLOUD_HOSTS, SampleService>;
  readonly config: FailoverConfig;
  /** A controller over fresh adapters (as a restarted process would have). */
  controller(): { controller: Controller; providers: DnsProvider[] };
  /** What each provider's nameserver answers for the service now. */
  answers(): Promise<Record<ProviderId, readonly string[] | string>>;
  /** Wait until every provider's nameserver answers exactly `address` (gives up after `withinMs`, default 30 s). */
  servedEverywhere(address: string, withinMs?: number): Promise<void>;
  faults(provider: ProviderId): FaultInjector;
  stop(): Promise<void>;
}

/** API requests that change a zone, by provider (reads and change polling excluded). */
export function writeCalls(faults: FaultInjector): number {
  return Object.entries(faults.counters())
    .filter(([op]) =>
      /ChangeResourceRecordSets|RecordSets_(CreateOrUpdate|Update|Delete)|^changes\.create$|resourceRecordSets\.(create|patch|delete)/.test(
        op,
      ),
    )
    .reduce((n, [, c]) => n + c.total, 0);
}

export async function startTopology(): Promise<Topology> {
  const emulators = await startEmulators({ freePorts: true });
  const port = await freePort(CLOUD_HOSTS.aws);
  const started = await Promise.all(
    (Object.keys(CLOUD_HOSTS) as (keyof typeof CLOUD_HOSTS)[]).map((cloud) =>
      startSampleService(
        {
          cloud,
          region: `${cloud}-region-1`,
          instanceId: `${cloud}-1`,
          host: CLOUD_HOSTS[cloud],
          port,
          chaos: { enabled: true, token: 'chaos-token-for-tests' },
        },
        { logger: silentLogger() },
      ),
    ),
  );
  const services = { aws: started[0]!, azure: started[1]!, gcp: started[2]! };
  const config = configSchema.parse({
    owner: 'ctl-it',
    zone: emulators.zone,
    providers: providersFromEndpoints(emulators.endpoints()),
    services: [
      {
        name: SERVICE,
        ttl: 5,
        targets: (Object.keys(CLOUD_HOSTS) as (keyof typeof CLOUD_HOSTS)[]).map((cloud, i) => ({
          id: cloud,
          cloud,
          address: CLOUD_HOSTS[cloud],
          healthUrl: `${services[cloud].url}/readyz`,
          priority: (i + 1) * 10,
        })),
      },
    ],
    // A probe timeout a loaded machine can meet (an 80 ms one made healthy targets flap under load); a
    // target taken down answers 503 at once, so detection still takes about interval + (fall - 1) × fast interval.
    health: { intervalMs: 500, fastIntervalMs: 400, timeoutMs: 400, rise: 2, fall: 3 },
    routing: { dwellMs: 500 },
  });
  const opened: DnsProvider[][] = [];

  const answers = async () => {
    const out = {} as Record<ProviderId, readonly string[] | string>;
    await Promise.all(
      PROVIDERS.map(async (p) => {
        const a = await askNameserver(emulators[p].dns, SERVICE, 'A', 300);
        out[p] = a.ok ? a.addresses : a.error;
      }),
    );
    return out;
  };

  return {
    emulators,
    services,
    config,
    controller() {
      const providers = createProviders(config.providers, {
        zone: config.zone,
        policy: { timeoutMs: 2000, maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 200 },
      });
      opened.push(providers);
      return {
        controller: assembleController(config, {
          providers,
          logger: silentLogger(),
          providerTimeoutMs: 4000,
          verifyTiming: { attemptTimeoutMs: 150, deadlineMs: 1000, retryDelayMs: 50 },
        }),
        providers,
      };
    },
    answers,
    // A bound on waiting, not on speed: the tests that care about timings measure them.
    async servedEverywhere(address, withinMs = 30_000) {
      const until = Date.now() + withinMs;
      let last: unknown;
      while (Date.now() < until) {
        last = await answers();
        if (PROVIDERS.every((p) => JSON.stringify((last as Record<string, unknown>)[p]) === JSON.stringify([address]))) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`not every provider answers [${address}] within ${withinMs} ms; last answers: ${JSON.stringify(last)}`);
    },
    faults: (provider) => emulators[provider].faults,
    async stop() {
      await Promise.all(opened.map((p) => closeProviders(p)));
      await Promise.all(Object.values(services).map((s) => s.stop({ drainMs: 0, shutdownDelayMs: 0 })));
      await emulators.stop();
    },
  };
}
