/**
 * The whole local topology in one process: three sample services "in" AWS,
 * Azure and Google Cloud (127.0.0.11/12/13, one shared port), the dependency
 * their readiness checks (db.example.test → a tiny server on 127.0.0.1), the
 * Route 53, Azure DNS and Cloud DNS emulators with their nameservers, the
 * controller over the real adapters with its HTTP API, a traffic generator
 * that resolves through the providers' nameservers, and a DNS poller watching
 * what each provider answers. `failover demo` runs it with documented ports;
 * drills and tests run it on free ports.
 *
 * One process on purpose: stop() (or Ctrl-C in the demo) ends everything and
 * frees every port; nothing is left behind to clean up.
 *
 * A composition root: it assembles the apps (the sample service, the
 * controller's API) with the product and the emulators, so it lives in apps/.
 * Drills see it through src/drills/drill-topology.ts.
 */
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClientImpactFeed, type InjectedFault } from '../controller/client-impact.js';
import { startControllerApi, type DemoHooks, type RunningControllerApi } from '../controller/server.js';
import type { UiDrill } from '../controller/dashboard.js';
import { generateToken } from '../controller/auth.js';
import { startSampleService, type SampleService } from '../sample-service/index.js';
import { ResolveError, type AddressResolver } from '../sample-service/resolver.js';
import type { HealthConfig } from '../../src/config/schema.js';
import { assembleController } from '../../src/controller/assemble.js';
import { askNameserver, type ServingAnswer } from '../../src/controller/verify.js';
import { EmulatorStartError, startEmulators, type EmulatorKind, type RunningEmulators } from '../../src/emulators/index.js';
import { VantagePoint } from '../../src/health/vantage-point.js';
import { AuditLog } from '../../src/observability/audit-log.js';
import { silentLogger, type Logger } from '../../src/observability/logger.js';
import { closeProviders, createProviders, type DnsProvider } from '../../src/providers/index.js';
import type { CallPolicy } from '../../src/providers/provider.js';
import type { Cloud } from '../../src/routing/answer.js';
import {
  CLOUD_CHAOS_ACTIONS,
  cloudMode,
  parseChaosCommand,
  PROVIDER_CHAOS_ACTIONS,
  PROVIDER_TARGET_NAMES,
  providerFault,
} from '../../src/drills/chaos.js';
import { startDependencyServer, type RunningDependency } from '../../src/drills/dependency-server.js';
import { faultList } from './fault-words.js';
import { DnsPoller } from '../../src/drills/dns-poller.js';
import { ResolutionFailed, StubResolver } from '../../src/drills/resolver.js';
import {
  CLOUD_ADDRESSES,
  CLOUD_REGIONS,
  DEMO_PORTS,
  DEPENDENCY_ADDRESS,
  DEPENDENCY_NAME,
  DEPENDENCY_TTL,
  PROVIDER_LABELS,
  SERVICE_NAME,
  TOPOLOGY_CLOUDS,
  TOPOLOGY_PROVIDERS,
  topologyConfig,
} from '../../src/drills/topology-config.js';
import { TrafficGenerator } from './traffic.js';
import type { DrillTopology, DrillTopologyCloud, TopologyNameserver } from '../../src/drills/drill-topology.js';

export interface TopologyOptions {
  /** Drills and tests: port 0 everywhere (the sample services still use 127.0.0.11/12/13, sharing one free port). */
  freePorts?: boolean;
  /** The sample services' port on every cloud address; demo default 8080. */
  servicePort?: number;
  /** Drills: { intervalMs: 1000, fastIntervalMs: 500, timeoutMs: 500, rise: 2, fall: 3 } (the schema defaults). */
  health?: Partial<HealthConfig>;
  /** Minimum time between two changes of the service's answer; default: the schema's (5 s). */
  dwellMs?: number;
  /** Service record TTL in seconds (default 5). */
  ttl?: number;
  /** The client load; `false` for none. Default 20 requests/s. */
  traffic?: false | { ratePerSecond?: number; maxDurationMs?: number };
  /** Controller API (and dashboard) port; demo default 4600. */
  apiPort?: number;
  log?: Logger;
  /**
   * Where the topology keeps its files (the Azure emulator's CA certificate,
   * under `emulators/`); the demo passes `.failover/`. Default: a fresh
   * temporary directory, removed on stop.
   */
  stateDir?: string;
  /** How often the poller asks each provider's nameserver (ms). Default 20 (drills want fine rto_ms). */
  pollIntervalMs?: number;
  /** The admin token for the controller API; default a fresh random one. */
  adminToken?: string;
  /** How long start-up waits for the first answer to be served by every provider. Default 20 s. */
  startupTimeoutMs?: number;
  /**
   * The controller's audit log (JSON lines; a relative path is taken from the
   * working directory). Opened before the controller starts, closed by stop().
   * Default: none (GET /audit answers 503).
   */
  auditLog?: string;
  /**
   * The dashboard's demo controls: chaos buttons for every cloud and DNS
   * provider (POST /demo/chaos, admin token needed), and drill buttons when
   * `runDrill` is given. Default: none.
   */
  demoControls?: boolean | { readonly drills: readonly UiDrill[]; runDrill(scenario: string): Promise<unknown> };
}

export interface TopologyCloud extends DrillTopologyCloud {
  readonly service: SampleService;
}

/** The running topology: what drills read (DrillTopology) plus the apps behind it. */
export interface Topology extends DrillTopology {
  readonly clouds: Readonly<Record<Cloud, TopologyCloud>>;
  readonly traffic?: TrafficGenerator;
}

export type { TopologyNameserver };

export type TopologyComponent = 'service' | 'chaos-listener' | 'dependency' | 'api' | 'emulator' | 'publish';

/** A part of the topology could not start; names the part, the address and port, and why. */
export class TopologyStartError extends Error {
  override readonly name = 'TopologyStartError';
  constructor(
    readonly component: TopologyComponent,
    message: string,
    readonly detail: { readonly host?: string; readonly port?: number; readonly code?: string; readonly what?: string } = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  /** True when a port was already taken. */
  get portInUse(): boolean {
    return this.detail.code === 'EADDRINUSE';
  }
}

/** Local emulators answer in milliseconds: give up on a call sooner than in production. */
export const LOCAL_CALL_POLICY: Partial<CallPolicy> = { timeoutMs: 2_000, maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 };
export const LOCAL_PROVIDER_TIMEOUT_MS = 5_000;
/** Ctrl-C must not wait long for a publish to a dead API. */
export const LOCAL_STOP_TIMEOUT_MS = 3_000;
export const DEFAULT_TOPOLOGY_RATE = 20;
export const DEFAULT_STARTUP_TIMEOUT_MS = 20_000;
/** The longest a Node timer can wait: the topology's own observers run until stop(). */
const UNTIL_STOPPED_MS = 2 ** 31 - 1;

const codeOf = (err: unknown) => (err as NodeJS.ErrnoException | undefined)?.code;

function listenError(component: TopologyComponent, what: string, host: string, port: number, err: unknown): TopologyStartError {
  const code = codeOf(err);
  const why =
    code === 'EADDRINUSE'
      ? 'the port is already in use'
      : code === 'EADDRNOTAVAIL'
        ? 'the address is not available on this machine (Linux routes all of 127.0.0.0/8 to loopback; elsewhere add it as a loopback alias)'
        : (err as Error).message;
  return new TopologyStartError(
    component,
    `${what} cannot listen on ${host}:${port}: ${why}${code ? ` (${code})` : ''}`,
    { host, port, ...(code ? { code } : {}), what },
    { cause: err },
  );
}

/**
 * How a sample service resolves its dependency: like a client resolver in
 * front of a zone delegated to all three providers, it asks any of their
 * nameservers (a failing one last), so one provider's DNS outage does not
 * take the dependency away.
 */
function zoneResolver(nameservers: readonly TopologyNameserver[]): AddressResolver {
  const stub = new StubResolver({
    nameservers: nameservers.map((n) => ({ host: n.host, port: n.port, label: n.provider })),
    timeoutMs: 250,
  });
  return async (hostname, signal) => {
    const asked = stub.resolve(hostname);
    const aborted = new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    try {
      const r = await Promise.race([asked, aborted]);
      if (r.empty) throw new ResolveError(r.rcode === 'NXDOMAIN' ? 'ENOTFOUND' : 'ENODATA', hostname);
      return r.addresses;
    } catch (err) {
      if (err instanceof ResolutionFailed) throw new ResolveError(err.reason === 'timeout' ? 'ETIMEOUT' : 'ESERVFAIL', hostname);
      throw err;
    } finally {
      asked.catch(() => undefined);
    }
  };
}

/** Put the dependency's name into each emulator's zone, beside (not managed by) the controller's records. */
function seedDependency(emulators: RunningEmulators): void {
  for (const kind of TOPOLOGY_PROVIDERS) {
    const store = emulators[kind].store;
    const zone = store.zonesByName(emulators.zone)[0];
    if (!zone) throw new TopologyStartError('emulator', `the ${kind} emulator has no zone ${emulators.zone}`);
    store.transact(zone.id, (draft) => draft.put({ name: DEPENDENCY_NAME, type: 'A', ttl: DEPENDENCY_TTL, values: [DEPENDENCY_ADDRESS] }));
  }
}

interface ServicesStart {
  readonly port: number;
  readonly token: string;
  readonly dependencyUrl: string;
  readonly nameservers: readonly TopologyNameserver[];
  readonly log: Logger;
}

async function startService(cloud: Cloud, s: ServicesStart, port: number): Promise<SampleService> {
  const host = CLOUD_ADDRESSES[cloud];
  try {
    return await startSampleService(
      {
        cloud,
        region: CLOUD_REGIONS[cloud],
        instanceId: `${cloud}-local-1`,
        host,
        port,
        dependency: { url: s.dependencyUrl },
        chaos: { enabled: true, token: s.token, port: 0 },
        drainMs: 0,
      },
      { logger: s.log.child({ cloud }), resolver: zoneResolver(s.nameservers) },
    );
  } catch (err) {
    throw listenError('service', `the ${cloud} sample service`, host, port, err);
  }
}

/**
 * The three services on one port. With a free port, the one the OS gives the
 * first may be taken on another address: then all three try again.
 */
async function startServices(s: ServicesStart, freePort: boolean): Promise<Record<Cloud, SampleService>> {
  for (let attempt = 1; ; attempt++) {
    const first = await startService('aws', s, s.port);
    const rest = await Promise.allSettled([startService('azure', s, first.port), startService('gcp', s, first.port)]);
    const failed = rest.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (!failed) {
      const [azure, gcp] = rest.map((r) => (r as PromiseFulfilledResult<SampleService>).value) as [SampleService, SampleService];
      return { aws: first, azure, gcp };
    }
    await Promise.all(
      [first, ...rest.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))].map((svc) =>
        svc.stop({ drainMs: 0, shutdownDelayMs: 0 }),
      ),
    );
    if (!freePort || attempt >= 5 || !(failed.reason instanceof TopologyStartError && failed.reason.portInUse)) throw failed.reason;
  }
}

/**
 * Resolves once every provider's nameserver answers the service name with an
 * address: the controller's first publish has landed everywhere.
 */
async function firstAnswerEverywhere(nameservers: readonly TopologyNameserver[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answers = await Promise.all(nameservers.map((ns) => askNameserver(ns, SERVICE_NAME, 'A', 250)));
    if (answers.every((a) => a.ok && a.addresses.length > 0)) return;
    if (Date.now() >= deadline) {
      const seen = nameservers.map((ns, i) => {
        const a = answers[i] as ServingAnswer;
        return `${ns.provider}: ${a.ok ? `[${a.addresses.join(', ')}] ${a.rcode}` : a.error}`;
      });
      throw new TopologyStartError(
        'publish',
        `the controller did not get ${SERVICE_NAME} served by every provider within ${timeoutMs} ms (${seen.join('; ')}); see the controller's log`,
      );
    }
    await sleep(50);
  }
}

/**
 * Three services' access logs (every probe, every request, a stack trace per
 * 5xx while one is broken) would drown the controller's: only when debugging.
 */
function serviceLog(log: Logger): Logger {
  return log.child({ part: 'sample-service' }, { level: log.isLevelEnabled('debug') ? log.level : 'silent' });
}

/** Stops what has started, newest first, when a later part fails; then rethrows. */
class Teardown {
  readonly #steps: { what: string; run: () => Promise<unknown> }[] = [];
  constructor(private readonly log: Logger) {}
  add(what: string, run: () => Promise<unknown>): void {
    this.#steps.push({ what, run });
  }
  async run(): Promise<void> {
    for (const step of this.#steps.splice(0).reverse()) {
      try {
        await step.run();
      } catch (err) {
        this.log.warn({ err: (err as Error).message, what: step.what }, 'topology: stopping a part failed');
      }
    }
  }
}

/** Every fault injected now: a cloud's chaos mode, a provider's emulator faults (however they were set: dashboard, `failover chaos`, admin API). */
function injectedFaults(services: Readonly<Record<Cloud, SampleService>>, emulators: RunningEmulators): InjectedFault[] {
  const clouds = TOPOLOGY_CLOUDS.flatMap((cloud): InjectedFault[] => {
    const mode = services[cloud].chaos.mode;
    return mode === 'healthy' ? [] : [{ kind: 'cloud', target: cloud, fault: mode }];
  });
  const providers = TOPOLOGY_PROVIDERS.flatMap((provider): InjectedFault[] => {
    const faults = faultList(emulators[provider].faults.settings);
    return faults.length === 0 ? [] : [{ kind: 'provider', target: provider, fault: faults.join(', ') }];
  });
  return [...clouds, ...providers];
}

/** The dashboard's chaos (and drill) buttons over the topology's own chaos vocabulary. */
function demoHooks(controls: TopologyOptions['demoControls'], topology: () => Topology | undefined): DemoHooks | undefined {
  if (controls === undefined || controls === false) return undefined;
  const cloudActions = CLOUD_CHAOS_ACTIONS.filter((a) => a !== 'healthy');
  return {
    chaos: [
      ...TOPOLOGY_CLOUDS.map((cloud) => ({ target: cloud, cloud, actions: cloudActions })),
      ...TOPOLOGY_PROVIDERS.map((kind) => ({ target: PROVIDER_TARGET_NAMES[kind][0] as string, actions: PROVIDER_CHAOS_ACTIONS })),
    ],
    async applyChaos(target, action) {
      const t = topology();
      if (t === undefined) throw new Error('the local topology is still starting; try again in a moment');
      const command = parseChaosCommand(target, action);
      if (command.kind === 'cloud') await t.chaosCloud(command.cloud, command.mode);
      else await t.chaosProvider(command.provider, command.action);
    },
    ...(controls === true ? {} : { drills: controls.drills, runDrill: (scenario: string) => controls.runDrill(scenario) }),
  };
}

export async function startTopology(options: TopologyOptions = {}): Promise<Topology> {
  const log = options.log ?? silentLogger();
  const free = options.freePorts === true;
  const servicePortWanted = options.servicePort ?? (free ? 0 : DEMO_PORTS.service);
  const apiPortWanted = options.apiPort ?? (free ? 0 : DEMO_PORTS.api);
  const chaosToken = generateToken();
  const adminToken = options.adminToken ?? generateToken();
  const teardown = new Teardown(log);

  try {
    // Emulators and their nameservers first: everything else points at them.
    let emulators: RunningEmulators;
    try {
      emulators = await startEmulators({
        freePorts: free,
        ...(options.stateDir !== undefined ? { stateDir: join(resolve(options.stateDir), 'emulators') } : {}),
      });
    } catch (err) {
      if (err instanceof EmulatorStartError) {
        const [kind, part] = err.component.split('.') as [EmulatorKind | 'admin', 'api' | 'dns' | undefined];
        const what =
          kind === 'admin' ? 'the emulators’ admin API' : `the ${PROVIDER_LABELS[kind]} ${part === 'dns' ? 'nameserver' : 'API emulator'}`;
        throw listenError('emulator', what, '127.0.0.1', err.port, err.cause ?? err);
      }
      throw err;
    }
    teardown.add('emulators', () => emulators.stop());
    seedDependency(emulators);
    const nameservers: TopologyNameserver[] = TOPOLOGY_PROVIDERS.map((provider) => ({
      provider,
      host: emulators[provider].dns.host,
      port: emulators[provider].dns.port,
    }));

    let dependency: RunningDependency;
    try {
      dependency = await startDependencyServer(DEPENDENCY_ADDRESS);
    } catch (err) {
      throw listenError('dependency', 'the dependency server', DEPENDENCY_ADDRESS, 0, err);
    }
    teardown.add('dependency', () => dependency.close());
    const dependencyUrl = `http://${DEPENDENCY_NAME.replace(/\.$/, '')}:${dependency.port}/health`;

    const services = await startServices(
      { port: servicePortWanted, token: chaosToken, dependencyUrl, nameservers, log: serviceLog(log) },
      servicePortWanted === 0,
    );
    teardown.add('services', () => Promise.all(TOPOLOGY_CLOUDS.map((c) => services[c].stop({ drainMs: 0, shutdownDelayMs: 0 }))));
    const servicePort = services.aws.port;

    const config = topologyConfig({
      endpoints: emulators.endpoints(),
      serviceUrls: { aws: services.aws.url, azure: services.azure.url, gcp: services.gcp.url },
      apiPort: apiPortWanted,
      ...(options.ttl !== undefined ? { ttl: options.ttl } : {}),
      ...(options.dwellMs !== undefined ? { dwellMs: options.dwellMs } : {}),
      ...(options.health ? { health: options.health } : {}),
    });

    const controllerLog = log.child({ part: 'controller' });
    // A copy: the AWS SDK writes into the credentials object it is given, and config must stay a valid config.
    const providers: DnsProvider[] = createProviders(structuredClone(config.providers), {
      zone: config.zone,
      policy: LOCAL_CALL_POLICY,
      log: controllerLog,
    });
    teardown.add('providers', () => closeProviders(providers));
    const vantagePoints = config.health.vantagePoints.map((v) => new VantagePoint({ id: v.id }));
    const controller = assembleController(config, {
      providers,
      logger: controllerLog,
      vantagePoints,
      providerTimeoutMs: LOCAL_PROVIDER_TIMEOUT_MS,
      stopTimeoutMs: LOCAL_STOP_TIMEOUT_MS,
    });

    let audit: AuditLog | undefined;
    if (options.auditLog !== undefined) {
      const opened = AuditLog.open(resolve(options.auditLog), { logger: controllerLog });
      audit = opened;
      teardown.add('audit log', async () => opened.close());
    }
    // The demo's chaos buttons act on the topology, which exists once start-up is through.
    const started: { topology?: Topology } = {};
    const demo = demoHooks(options.demoControls, () => started.topology);
    // The dashboard's client-impact panel: the traffic generator's requests and the faults injected, through the controller's API.
    const clientImpact = new ClientImpactFeed({
      source: 'the local traffic generator (resolves through the three nameservers, honours TTL)',
    });
    clientImpact.faultSource = () => injectedFaults(services, emulators);

    let api: RunningControllerApi;
    try {
      api = await startControllerApi({
        controller,
        logger: controllerLog.child({ part: 'api' }),
        adminToken,
        host: config.api.host,
        port: config.api.port,
        // Per-probe metrics (failover_probes_total, failover_probe_duration_seconds) come from the monitor's own events.
        monitor: controller.healthMonitor,
        ...(audit ? { auditLog: audit } : {}),
        ...(demo ? { demo } : {}),
        clientImpact,
      });
    } catch (err) {
      throw listenError('api', 'the controller API', config.api.host, config.api.port, err);
    }
    teardown.add('api', () => api.close());

    teardown.add('controller', () => controller.stop());
    await controller.start();
    await firstAnswerEverywhere(nameservers, options.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS);

    // Observers start only now: before the first publish the name is empty
    // everywhere, which is no incident, and clients would cache that emptiness.
    const poller = new DnsPoller({
      servers: nameservers,
      name: SERVICE_NAME,
      intervalMs: options.pollIntervalMs ?? 20,
      maxDurationMs: UNTIL_STOPPED_MS,
    });
    poller.start();
    teardown.add('poller', () => poller.stop());
    let traffic: TrafficGenerator | undefined;
    if (options.traffic !== false) {
      const rate = options.traffic?.ratePerSecond ?? DEFAULT_TOPOLOGY_RATE;
      const maxDurationMs = options.traffic?.maxDurationMs ?? UNTIL_STOPPED_MS;
      traffic = new TrafficGenerator({
        name: SERVICE_NAME,
        nameservers: nameservers.map((n) => ({ host: n.host, port: n.port, label: n.provider })),
        port: servicePort,
        ratePerSecond: rate,
        maxDurationMs,
        maxRequests: Math.max(1, Math.ceil((rate * Math.min(maxDurationMs, UNTIL_STOPPED_MS)) / 1000)),
        onOutcome: (o) =>
          clientImpact.record(o.ok ? { at: o.endedAt, ok: true, cloud: o.cloud } : { at: o.endedAt, ok: false, error: o.error }),
      });
      traffic.start();
      const t = traffic;
      teardown.add('traffic', () => t.stop());
    }

    const cloudOf = (cloud: Cloud): TopologyCloud => {
      const service = services[cloud];
      return {
        cloud,
        address: CLOUD_ADDRESSES[cloud],
        url: service.url,
        chaosUrl: service.adminUrl as string,
        chaosToken,
        service,
        async setChaos(mode, opts = {}) {
          const m = cloudMode(mode);
          if (m === undefined) throw new RangeError(`unknown chaos mode '${mode}' for ${cloud}`);
          await service.setChaos(m, opts);
        },
      };
    };
    const clouds = { aws: cloudOf('aws'), azure: cloudOf('azure'), gcp: cloudOf('gcp') };

    let stopping: Promise<void> | undefined;
    const topology: Topology = {
      config,
      clouds,
      emulators,
      controller,
      api: { url: api.url, token: adminToken },
      vantagePoints,
      ...(traffic ? { traffic } : {}),
      poller,
      serviceName: SERVICE_NAME,
      servicePort,
      nameservers,
      dependency: { name: DEPENDENCY_NAME, url: dependencyUrl, port: dependency.port },
      chaosCloud: (cloud, mode, opts) => clouds[cloud].setChaos(mode, opts),
      async chaosProvider(kind, action) {
        const emulator = emulators[kind];
        if (action === 'heal') emulator.faults.heal();
        else emulator.faults.set(providerFault(action));
        await emulator.api.settled();
      },
      stop() {
        stopping ??= teardown.run();
        return stopping;
      },
    };
    log.info({ services: TOPOLOGY_CLOUDS.map((c) => services[c].url), api: api.url, nameservers }, 'local topology running');
    started.topology = topology;
    return topology;
  } catch (err) {
    await teardown.run();
    throw err;
  }
}
