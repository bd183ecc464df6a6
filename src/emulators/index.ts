/**
 * The three provider emulators as one fixture: Route 53, Azure DNS and Cloud DNS
 * API servers that the official SDKs talk to unmodified, each with its own zone
 * store, fault injector and authoritative DNS server, plus the admin API.
 *
 *   const emu = await startEmulators({ freePorts: true });
 *   // point the SDKs at emu.route53.endpoint, emu.azure.endpoint, emu.clouddns.endpoint
 *   await emu.stop();
 *
 * Everything a third party needs is exported from here (see docs/emulators.md).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunningApi } from './core/api.js';
import { FaultInjector } from './core/faults.js';
import { ZoneStore } from './core/zone-store.js';
import { EMULATOR_DEFAULTS, type EmulatorKind } from './defaults.js';
import { assertLoopback, startAdminApi, type EngineControl, type RunningAdminApi } from './admin.js';
import { startDnsServer, type RunningDnsServer } from './dns/index.js';
import type { EndpointsFile } from './endpoints.js';
import { seedRoute53Zone, startRoute53Api } from './route53/index.js';
import type { HealthCheckEngine } from './route53/engine/checkers.js';
import { seedAzureZone, startAzureDnsApi } from './azure-dns/index.js';
import type { TrafficManager } from './azure-dns/server.js';
import { TrafficManagerEngine } from './azure-dns/traffic-manager/engine.js';
import { TrafficManagerStore } from './azure-dns/traffic-manager/profile-model.js';
import { seedCloudDnsZone, startCloudDnsApi, type HealthEngine } from './cloud-dns/index.js';

export { EMULATOR_DEFAULTS, EMULATOR_KINDS, type EmulatorKind } from './defaults.js';
export { ZoneStore, TransactionRejected, type EmuZone, type EmuRecordSet, type EmuRecordType } from './core/zone-store.js';
export { FaultInjector, type FaultSettings, type FaultPatch, type OperationCount } from './core/faults.js';
export type { ApiServerOptions, RunningApi } from './core/api.js';
export { startDnsServer, type DnsServerOptions, type RunningDnsServer } from './dns/index.js';
export {
  startAdminApi,
  adminApp,
  isLoopbackHost,
  NotLoopbackError,
  type AdminApiOptions,
  type AdminTarget,
  type RunningAdminApi,
  type CountersView,
  type EngineControl,
} from './admin.js';
export {
  EndpointsFileSchema,
  EndpointsFileError,
  readEndpointsFile,
  writeEndpointsFile,
  parseEndpointsFile,
  type EndpointsFile,
  type DnsAddress,
} from './endpoints.js';
export { startRoute53Api, seedRoute53Zone } from './route53/index.js';
export { startAzureDnsApi, seedAzureZone } from './azure-dns/index.js';
export { TrafficManagerEngine, TrafficManagerStore };
export type { TrafficManager };
export { startCloudDnsApi, seedCloudDnsZone } from './cloud-dns/index.js';

export interface EmulatorPorts {
  apiPort?: number;
  dnsPort?: number;
}

export interface StartEmulatorsOptions {
  /** Loopback address for every listener (127.0.0.0/8). Default 127.0.0.1. */
  host?: string;
  /** Zone seeded in all three emulators. Default `example.test`. */
  zone?: string;
  /** Any port not given explicitly is 0 (a free one), instead of the documented default. For tests. */
  freePorts?: boolean;
  adminPort?: number;
  route53?: EmulatorPorts;
  azure?: EmulatorPorts;
  clouddns?: EmulatorPorts;
  /** Directory for the Azure CA certificate. Default: a fresh temporary directory, removed on stop. */
  stateDir?: string;
  /** One line per API request and DNS query. */
  log?: (line: Record<string, unknown>) => void;
  /**
   * Azure Traffic Manager's probe interval for every profile, in ms, instead of
   * the profile's 30 s or 10 s: the one deviation from Azure, for local drills.
   * Changeable later through the admin API (`PUT /engines/azure`).
   */
  trafficManagerProbeIntervalMs?: number | null;
  /**
   * Cloud DNS routing-policy health checks probe every this many ms instead of
   * their `checkIntervalSec` (30 s or more): the one deviation from Cloud DNS, for
   * local drills. Changeable later through the admin API (`PUT /engines/clouddns`).
   */
  cloudDnsHealthCheckIntervalMs?: number | null;
  /**
   * Probe interval of Route 53's health checkers, in ms, for local drills; also
   * settable at run time through the admin API (`PUT /engines/route53`). Default:
   * Route 53's real intervals.
   */
  engineIntervalMs?: number;
}

interface EmulatorParts<K extends EmulatorKind> {
  kind: K;
  /** Base URL the official SDK is pointed at. */
  endpoint: string;
  port: number;
  dns: { host: string; port: number };
  store: ZoneStore;
  faults: FaultInjector;
  api: RunningApi;
  dnsServer: RunningDnsServer;
}

export interface RunningRoute53 extends EmulatorParts<'route53'> {
  /** The simulated health checkers (interval knob, probe count). */
  healthChecks: HealthCheckEngine;
  region: string;
  hostedZoneId: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface RunningAzureDns extends EmulatorParts<'azure'> {
  subscriptionId: string;
  resourceGroup: string;
  zoneName: string;
  /** ARM resource id of the zone. */
  zoneId: string;
  token: string;
  /** The self-signed certificate the client must trust (`tlsOptions: { ca }`). */
  caCertPem: string;
  caCertPath: string;
  /** Traffic Manager profiles and the engine probing them (alias record sets answer from it). */
  trafficManager: TrafficManager;
}

export interface RunningCloudDns extends EmulatorParts<'clouddns'> {
  projectId: string;
  managedZone: string;
  /** Numeric id Cloud DNS gives the managed zone. */
  managedZoneId: string;
  token: string;
  /** Cloud DNS's failover engine: probes routing-policy endpoints; the DNS server answers routed sets from it. */
  engine: HealthEngine;
}

export interface RunningEmulators {
  readonly route53: RunningRoute53;
  readonly azure: RunningAzureDns;
  readonly clouddns: RunningCloudDns;
  readonly admin: RunningAdminApi;
  /** Zone name without the trailing dot, e.g. `example.test`. */
  readonly zone: string;
  readonly host: string;
  readonly stateDir: string;
  /** The content of the endpoints file (docs/emulators.md). */
  endpoints(): EndpointsFile;
  /** Stops every listener; safe to call more than once. */
  stop(): Promise<void>;
}

export type EmulatorComponent = 'admin' | `${EmulatorKind}.api` | `${EmulatorKind}.dns`;

/** A listener could not start; names the component and the port so a person can pick another. */
export class EmulatorStartError extends Error {
  constructor(
    readonly component: EmulatorComponent,
    readonly port: number,
    readonly code: string | undefined,
    cause: Error,
  ) {
    const what = component === 'admin' ? 'admin API' : component.replace('.api', ' API').replace('.dns', ' DNS server');
    super(code === 'EADDRINUSE' ? `${what}: port ${port} is already in use` : `${what} could not start on port ${port}: ${cause.message}`, {
      cause,
    });
  }
}

async function labelled<T>(component: EmulatorComponent, port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    throw new EmulatorStartError(component, port, (err as NodeJS.ErrnoException).code, err as Error);
  }
}

/** Stops what did start when a sibling failed; the first failure is what the caller sees. */
async function allOrNothing<T extends readonly unknown[]>(
  starts: { [I in keyof T]: Promise<T[I]> },
  stopOf: (v: unknown) => Promise<void>,
): Promise<T> {
  const settled = await Promise.allSettled(starts);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (!failed) return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
  await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? stopOf(s.value).catch(() => undefined) : undefined)));
  throw failed.reason;
}

interface Common {
  host: string;
  zone: string;
  engineIntervalMs?: number;
  log?: StartEmulatorsOptions['log'];
  probeIntervalMs?: number | null;
  cloudDnsHealthCheckIntervalMs?: number | null;
}

async function withDns<K extends EmulatorKind>(
  kind: K,
  c: Common,
  ports: Required<EmulatorPorts>,
  store: ZoneStore,
  faults: FaultInjector,
  startApi: () => Promise<RunningApi>,
) {
  const [api, dnsServer] = await allOrNothing<[RunningApi, RunningDnsServer]>(
    [
      labelled(`${kind}.api`, ports.apiPort, startApi),
      labelled(`${kind}.dns`, ports.dnsPort, () =>
        startDnsServer({ store, faults, host: c.host, port: ports.dnsPort, log: c.log && ((l) => c.log!({ emulator: kind, ...l })) }),
      ),
    ],
    (v) => (v as { stop(): Promise<void> }).stop(),
  );
  const parts: EmulatorParts<K> = {
    kind,
    endpoint: api.endpoint,
    port: api.port,
    dns: { host: c.host, port: dnsServer.port },
    store,
    faults,
    api,
    dnsServer,
  };
  return parts;
}

const apiLog = (c: Common, kind: EmulatorKind) => c.log && ((l: Record<string, unknown>) => c.log!({ emulator: kind, ...l }));

async function startRoute53(c: Common, ports: Required<EmulatorPorts>): Promise<RunningRoute53> {
  const d = EMULATOR_DEFAULTS.route53;
  const store = new ZoneStore();
  const faults = new FaultInjector({ bucket: { ...EMULATOR_DEFAULTS.buckets.route53 } });
  const { hostedZoneId } = seedRoute53Zone(store, c.zone);
  let engine: HealthCheckEngine | undefined;
  const parts = await withDns('route53', c, ports, store, faults, async () => {
    const api = await startRoute53Api({
      host: c.host,
      port: ports.apiPort,
      store,
      faults,
      log: apiLog(c, 'route53'),
      ...(c.engineIntervalMs !== undefined ? { healthCheckIntervalMs: c.engineIntervalMs } : {}),
    });
    engine = api.healthChecks;
    return api;
  });
  return {
    ...parts,
    healthChecks: engine as HealthCheckEngine,
    region: d.region,
    hostedZoneId,
    accessKeyId: d.accessKeyId,
    secretAccessKey: d.secretAccessKey,
  };
}

async function startAzure(c: Common, ports: Required<EmulatorPorts>, stateDir: string): Promise<RunningAzureDns> {
  const d = EMULATOR_DEFAULTS.azure;
  const store = new ZoneStore();
  const faults = new FaultInjector({ bucket: { ...EMULATOR_DEFAULTS.buckets.azure } });
  const { zoneId } = seedAzureZone(store, c.zone, { subscriptionId: d.subscriptionId, resourceGroup: d.resourceGroup });
  let caCertPem = '';
  const tmStore = new TrafficManagerStore();
  const trafficManager: TrafficManager = {
    store: tmStore,
    engine: new TrafficManagerEngine(tmStore, { probeIntervalMs: c.probeIntervalMs ?? null }),
  };
  const parts = await withDns('azure', c, ports, store, faults, async () => {
    const api = await startAzureDnsApi({ host: c.host, port: ports.apiPort, store, faults, log: apiLog(c, 'azure'), trafficManager });
    caCertPem = api.caCertPem;
    return api;
  });
  trafficManager.engine.start();
  const caCertPath = join(stateDir, 'azure-ca.pem');
  await writeFile(caCertPath, caCertPem);
  return {
    ...parts,
    subscriptionId: d.subscriptionId,
    resourceGroup: d.resourceGroup,
    zoneName: c.zone,
    zoneId,
    token: d.token,
    caCertPem,
    caCertPath,
    trafficManager,
  };
}

async function startCloudDns(c: Common, ports: Required<EmulatorPorts>): Promise<RunningCloudDns> {
  const d = EMULATOR_DEFAULTS.clouddns;
  const store = new ZoneStore();
  const faults = new FaultInjector({ bucket: { ...EMULATOR_DEFAULTS.buckets.clouddns } });
  const seeded = seedCloudDnsZone(store, c.zone, { projectId: d.projectId, managedZone: d.managedZone });
  const interval = c.cloudDnsHealthCheckIntervalMs ?? undefined;
  let engine: HealthEngine | undefined;
  const parts = await withDns('clouddns', c, ports, store, faults, async () => {
    const api = await startCloudDnsApi({
      host: c.host,
      port: ports.apiPort,
      store,
      faults,
      log: apiLog(c, 'clouddns'),
      ...(interval !== undefined ? { healthCheckIntervalMs: interval } : {}),
    });
    engine = api.engine;
    return api;
  });
  return {
    ...parts,
    projectId: d.projectId,
    managedZone: seeded.managedZone,
    managedZoneId: String(seeded.id),
    token: d.token,
    engine: engine!,
  };
}

/** The admin API's view of Route 53's health checkers: the interval knob (null: Route 53's real intervals). */
function route53EngineControl(engine: HealthCheckEngine): EngineControl {
  const settings = () => ({ probeIntervalMs: engine.intervalMs ?? null });
  return {
    settings,
    set(patch) {
      if ('probeIntervalMs' in patch) engine.setIntervalMs(patch.probeIntervalMs ?? undefined);
      return settings();
    },
    state: () => ({}),
  };
}

/** The admin API's view of Cloud DNS's health engine: settings, the interval knob, each probed endpoint's health. */
function cloudDnsEngineControl(engine: HealthEngine): EngineControl {
  const settings = () => ({ probeIntervalMs: engine.settings.intervalMs ?? null, clientRegion: engine.settings.clientRegion });
  return {
    settings,
    set: (patch) => {
      if ('probeIntervalMs' in patch) engine.configure({ intervalMs: patch.probeIntervalMs ?? undefined });
      return settings();
    },
    state: () => ({ targets: engine.view(), counters: { ...engine.counters } }),
  };
}

const stopEmulator = async (e: EmulatorParts<EmulatorKind>) => {
  if (e.kind === 'azure') (e as RunningAzureDns).trafficManager.engine.stop();
  await Promise.all([e.api.stop(), e.dnsServer.stop()]);
};

/** The admin API's view of the Traffic Manager engine: settings, the interval knob, each profile's endpoints and decision. */
function trafficManagerControl(tm: TrafficManager): EngineControl {
  const settings = () => ({ ...tm.engine.settings, locations: [...tm.engine.settings.locations] });
  return {
    settings,
    set: (patch) => {
      tm.engine.set(patch);
      return settings();
    },
    state: () => ({
      profiles: tm.store.list().map((p) => ({
        id: p.id,
        trafficRoutingMethod: p.trafficRoutingMethod,
        intervalMs: tm.engine.intervalMs(p),
        timeoutMs: tm.engine.timeoutMs(p),
        toleratedNumberOfFailures: p.monitorConfig.toleratedNumberOfFailures,
        rounds: tm.engine.rounds(p.id),
        endpoints: tm.engine.detail(p),
        decision: tm.engine.decision(p.id),
      })),
    }),
  };
}

export async function startEmulators(options: StartEmulatorsOptions = {}): Promise<RunningEmulators> {
  const host = options.host ?? EMULATOR_DEFAULTS.host;
  assertLoopback(host, 'the emulators');
  const zone = (options.zone ?? EMULATOR_DEFAULTS.zone).trim().toLowerCase().replace(/\.$/, '');
  const pick = (given: number | undefined, fallback: number) => given ?? (options.freePorts ? 0 : fallback);
  const portsOf = (kind: EmulatorKind): Required<EmulatorPorts> => ({
    apiPort: pick(options[kind]?.apiPort, EMULATOR_DEFAULTS[kind].apiPort),
    dnsPort: pick(options[kind]?.dnsPort, EMULATOR_DEFAULTS[kind].dnsPort),
  });
  const adminPort = pick(options.adminPort, EMULATOR_DEFAULTS.adminPort);

  const ownStateDir = options.stateDir === undefined;
  const stateDir = ownStateDir ? await mkdtemp(join(tmpdir(), 'failover-emulators-')) : resolve(options.stateDir!);
  await mkdir(stateDir, { recursive: true });
  const common: Common = {
    host,
    zone,
    log: options.log,
    probeIntervalMs: options.trafficManagerProbeIntervalMs,
    cloudDnsHealthCheckIntervalMs: options.cloudDnsHealthCheckIntervalMs,
    ...(options.engineIntervalMs !== undefined ? { engineIntervalMs: options.engineIntervalMs } : {}),
  };

  let started: [RunningRoute53, RunningAzureDns, RunningCloudDns];
  try {
    started = await allOrNothing<[RunningRoute53, RunningAzureDns, RunningCloudDns]>(
      [
        startRoute53(common, portsOf('route53')),
        startAzure(common, portsOf('azure'), stateDir),
        startCloudDns(common, portsOf('clouddns')),
      ],
      (v) => stopEmulator(v as EmulatorParts<EmulatorKind>),
    );
  } catch (err) {
    if (ownStateDir) await rm(stateDir, { recursive: true, force: true });
    throw err;
  }
  const [route53, azure, clouddns] = started;
  const targets = { route53, azure, clouddns };
  let admin: RunningAdminApi;
  try {
    admin = await labelled('admin', adminPort, () =>
      startAdminApi({
        host,
        port: adminPort,
        targets: {
          route53: {
            faults: route53.faults,
            store: route53.store,
            settled: () => route53.api.settled(),
            engine: route53EngineControl(route53.healthChecks),
          },
          azure: {
            faults: azure.faults,
            store: azure.store,
            settled: () => azure.api.settled(),
            engine: trafficManagerControl(azure.trafficManager),
          },
          clouddns: {
            faults: clouddns.faults,
            store: clouddns.store,
            settled: () => clouddns.api.settled(),
            engine: cloudDnsEngineControl(clouddns.engine),
          },
        },
        log: options.log,
      }),
    );
  } catch (err) {
    await Promise.all(Object.values(targets).map(stopEmulator));
    if (ownStateDir) await rm(stateDir, { recursive: true, force: true });
    throw err;
  }

  let stopping: Promise<void> | undefined;
  return {
    ...targets,
    admin,
    zone,
    host,
    stateDir,
    endpoints: () => ({
      route53: {
        endpoint: route53.endpoint,
        region: route53.region,
        hostedZoneId: route53.hostedZoneId,
        accessKeyId: route53.accessKeyId,
        secretAccessKey: route53.secretAccessKey,
        dns: route53.dns,
      },
      azure: {
        endpoint: azure.endpoint,
        caCertPath: azure.caCertPath,
        subscriptionId: azure.subscriptionId,
        resourceGroup: azure.resourceGroup,
        zoneName: azure.zoneName,
        token: azure.token,
        dns: azure.dns,
      },
      clouddns: {
        endpoint: clouddns.endpoint,
        projectId: clouddns.projectId,
        managedZone: clouddns.managedZone,
        token: clouddns.token,
        dns: clouddns.dns,
      },
      admin: { endpoint: admin.endpoint },
      zone,
    }),
    stop() {
      stopping ??= (async () => {
        await Promise.all([admin.stop(), ...Object.values(targets).map(stopEmulator)]);
        if (ownStateDir) await rm(stateDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
