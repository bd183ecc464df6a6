/**
 * Start and stop one instance of the sample service: the programmatic API the CLI,
 * the local demo and the drills use.
 */
import { createServer, type Server } from 'node:http';
import { createLogger, type Logger } from '../../src/observability/logger.js';
import { createAdminApp, createApp } from './app.js';
import { ChaosSwitch, type ChaosMode, type ChaosState } from './chaos.js';
import type { ChaosControl } from './chaos-routes.js';
import { parseServiceConfig, type ServiceConfig, type ServiceConfigInput } from './config.js';
import { DrainState, type Phase } from './drain.js';
import { ServiceListener } from './listener.js';
import { createReadinessCheck, type ReadinessResult } from './readiness.js';
import { dnsServerResolver, emptyAnswerResolver, systemResolver, type AddressResolver } from './resolver.js';

export interface SampleServiceDeps {
  /** Defaults to JSON logs on stdout; tests pass silentLogger(). */
  logger?: Logger;
  /** Resolves the dependency's host name; defaults to dependency.dnsServer if set, else the system resolver. */
  resolver?: AddressResolver;
}

export interface StopOptions {
  /** Overrides config.drainMs. */
  drainMs?: number;
  /** Overrides config.shutdownDelayMs. */
  shutdownDelayMs?: number;
}

export interface SampleService {
  readonly config: ServiceConfig;
  readonly host: string;
  readonly port: number;
  /** e.g. http://127.0.0.11:8080 */
  readonly url: string;
  /** The chaos admin listener, when chaos.port is set. */
  readonly adminUrl: string | undefined;
  readonly adminPort: number | undefined;
  readonly phase: Phase;
  /** Requests received and not yet answered. */
  readonly inFlight: number;
  readonly chaos: ChaosState;
  /**
   * Break (or heal) this instance in-process. Works whether or not the chaos HTTP routes
   * are enabled: nothing is exposed on the network by calling it.
   */
  setChaos(mode: ChaosMode, opts?: { delayMs?: number }): Promise<ChaosState>;
  /** The same check GET /readyz runs. */
  checkReadiness(): Promise<ReadinessResult>;
  /**
   * Graceful shutdown: /readyz turns 503 `draining`; after shutdownDelayMs the listener
   * closes (new connections refused); in-flight requests get drainMs to finish, then the
   * remaining connections are cut. With shutdownDelayMs 0 the listener is already closed
   * when stop() returns its promise. Resolves `{ forced }` once everything is closed.
   */
  stop(opts?: StopOptions): Promise<{ forced: boolean }>;
}

function urlOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function chooseResolver(config: ServiceConfig, injected: AddressResolver | undefined): AddressResolver {
  if (injected) return injected;
  const dep = config.dependency;
  return dep?.dnsServer !== undefined ? dnsServerResolver(dep.dnsServer, dep.timeoutMs) : systemResolver;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function startSampleService(input: ServiceConfigInput | ServiceConfig, deps: SampleServiceDeps = {}): Promise<SampleService> {
  const config = parseServiceConfig(input);
  const logger =
    deps.logger ??
    createLogger({ name: 'sample-service', base: { cloud: config.cloud, region: config.region, instanceId: config.instanceId } });
  const chaos = new ChaosSwitch({ hasDependency: config.dependency !== undefined });
  const drain = new DrainState();
  const resolver = chooseResolver(config, deps.resolver);
  const readiness = createReadinessCheck(config.dependency, () => (chaos.mode === 'dependency-dns-empty' ? emptyAnswerResolver : resolver));

  // The server exists before its app, so the chaos control can steer its listener.
  const server: Server = createServer();
  const listener = new ServiceListener(server, config.host, config.port);
  const control: ChaosControl = {
    state: () => chaos.state,
    update: (mode, opts) => {
      const state = chaos.set(mode, opts);
      logger.warn({ chaos: state }, `chaos mode ${state.mode}`);
      return state;
    },
    settle: async () => {
      try {
        await listener.follow(chaos.mode === 'down');
      } catch (err) {
        logger.error({ err }, 'chaos: could not reopen the listener');
        throw err;
      }
    },
  };
  const chaosToken = config.chaos.enabled ? config.chaos.token : undefined;
  const chaosControl = chaosToken !== undefined ? { control, token: chaosToken } : undefined;

  server.on('request', createApp({ config, chaos, drain, readiness, logger, chaosControl }));
  drain.onIdleWhileDraining = () => server.closeIdleConnections();
  await listener.listen();

  let admin: ServiceListener | undefined;
  if (chaosControl && config.chaos.port !== undefined) {
    admin = new ServiceListener(
      createServer(createAdminApp(control, chaosControl.token, logger.child({ listener: 'chaos-admin' }))),
      config.host,
      config.chaos.port,
    );
    try {
      await admin.listen();
    } catch (err) {
      await listener.drain(0);
      throw err;
    }
  }

  const url = urlOf(config.host, listener.port);
  logger.info(
    { url, adminUrl: admin ? urlOf(config.host, admin.port) : undefined, chaos: config.chaos.enabled },
    'sample service listening',
  );

  let stopping: Promise<{ forced: boolean }> | undefined;
  const stop = (opts: StopOptions = {}): Promise<{ forced: boolean }> => {
    if (stopping) return stopping;
    const drainMs = opts.drainMs ?? config.drainMs;
    const shutdownDelayMs = opts.shutdownDelayMs ?? config.shutdownDelayMs;
    drain.begin();
    logger.info({ shutdownDelayMs, drainMs, inFlight: drain.inFlight }, 'draining: /readyz now answers 503');
    if (shutdownDelayMs === 0) listener.stopAccepting();
    stopping = (async () => {
      if (shutdownDelayMs > 0) await delay(shutdownDelayMs);
      const [forced] = await Promise.all([listener.drain(drainMs), admin?.drain(drainMs)]);
      drain.finish();
      logger.info({ forced }, forced ? 'stopped: cut connections still open at the drain deadline' : 'stopped');
      return { forced };
    })();
    return stopping;
  };

  return {
    config,
    host: config.host,
    port: listener.port,
    url,
    adminUrl: admin ? urlOf(config.host, admin.port) : undefined,
    adminPort: admin?.port,
    get phase() {
      return drain.phase;
    },
    get inFlight() {
      return drain.inFlight;
    },
    get chaos() {
      return chaos.state;
    },
    setChaos: async (mode, opts = {}) => {
      const state = control.update(mode, opts);
      await control.settle();
      return state;
    },
    checkReadiness: () => readiness(),
    stop,
  };
}
