/**
 * Put a controller together from a validated config and the provider
 * adapters: the health monitor over every distinct probe target, the
 * reconciler over the providers, and the DNS verifier over the providers'
 * nameservers (`providers.<x>.dns` in the config).
 */
import type { FailoverConfig } from '../config/schema.js';
import type { Clock } from '../time/clock.js';
import { HealthMonitor } from '../health/monitor.js';
import type { VantagePoint } from '../health/vantage-point.js';
import type { DnsProvider } from '../providers/provider.js';
import { Controller, type ControllerOptions } from './controller.js';
import { probeTargets } from './probe-targets.js';
import { reconcilingPublisher } from './publisher.js';
import { Reconciler } from './reconcile.js';
import type { BackoffPolicy } from './backoff-state.js';
import { dnsVerifier, type ProviderNameserver, type VerifyTiming } from './verify.js';

/** The parts to build from, plus the controller's own settings (clock, logger, drift check, grace, stop timeout). */
export interface AssembleOptions extends Pick<ControllerOptions, 'clock' | 'logger' | 'driftCheckMs' | 'startupGraceMs' | 'stopTimeoutMs'> {
  readonly providers: readonly DnsProvider[];
  /** Probers; by default one HTTP vantage point per `health.vantagePoints` entry. */
  readonly vantagePoints?: readonly VantagePoint[];
  /** Circuit breakers around probes (default on; off needs no real time). */
  readonly breakers?: boolean;
  /** Deadline for one provider read or write, the adapter's retries included. Default 10 s. */
  readonly providerTimeoutMs?: number;
  /** Once one provider answered a read, how long the others are awaited before the reconciler takes them over. Default 500 ms. */
  readonly readGraceMs?: number;
  readonly backoff?: BackoffPolicy;
  readonly verifyTiming?: VerifyTiming;
}

export const DEFAULT_PROVIDER_TIMEOUT_MS = 10_000;
/**
 * A hanging provider API delays the others' writes by at most this much (I5),
 * instead of DEFAULT_PROVIDER_TIMEOUT_MS. Long enough that a healthy but slower
 * API (a zone listed in several pages) is normally written in the same round;
 * one slower than this is written by the reconciler's next retry, about a
 * second later (docs/decisions/multi-provider-writes.md, §2).
 */
export const DEFAULT_READ_GRACE_MS = 500;

/** The nameservers the config names, for the providers that are in use. */
export function configuredNameservers(config: FailoverConfig, providers: readonly DnsProvider[]): ProviderNameserver[] {
  return providers.flatMap((p) => {
    const dns = config.providers[p.id]?.dns;
    return dns ? [{ provider: p.id, host: dns.host, port: dns.port }] : [];
  });
}

export function assembleController(config: FailoverConfig, options: AssembleOptions): Controller {
  const targets = probeTargets(config.services);
  const monitor = new HealthMonitor({
    health: config.health,
    targets: targets.targets,
    ...(options.vantagePoints ? { vantagePoints: options.vantagePoints } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.breakers !== undefined ? { breakers: options.breakers } : {}),
  });
  const now = options.clock ? () => (options.clock as Clock).now() : Date.now;
  const providerTimeoutMs = options.providerTimeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS;
  const readGraceMs = options.readGraceMs ?? DEFAULT_READ_GRACE_MS;
  const reconciler = new Reconciler({
    providers: options.providers,
    owner: config.owner,
    safety: { maxChangeShare: config.safety.maxChangeShare, minNamesForShareLimit: config.safety.minNamesForShareLimit, force: false },
    providerTimeoutMs,
    readGraceMs,
    now,
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.logger ? { log: options.logger } : {}),
  });
  const nameservers = configuredNameservers(config, options.providers);
  const controllerOptions: ControllerOptions = {
    config,
    publisher: reconcilingPublisher(options.providers, reconciler, providerTimeoutMs, readGraceMs),
    monitor,
    probeTargets: targets,
    ...(nameservers.length > 0 ? { verifier: dnsVerifier(nameservers, now, options.verifyTiming) } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.driftCheckMs !== undefined ? { driftCheckMs: options.driftCheckMs } : {}),
    ...(options.startupGraceMs !== undefined ? { startupGraceMs: options.startupGraceMs } : {}),
    ...(options.stopTimeoutMs !== undefined ? { stopTimeoutMs: options.stopTimeoutMs } : {}),
  };
  return new Controller(controllerOptions);
}
