/**
 * What a drill needs from a running local topology, as an interface: the
 * topology itself (emulators, sample services, the controller and its API) is a
 * composition root and lives in apps/topology; the CLI passes its
 * `startTopology` to `runDrill`. Drills depend on this shape only, so src/
 * never imports apps/.
 */
import type { FailoverConfig, HealthConfig } from '../config/schema.js';
import type { Controller } from '../controller/controller.js';
import type { EmulatorKind, RunningEmulators } from '../emulators/index.js';
import type { VantagePoint } from '../health/vantage-point.js';
import type { Logger } from '../observability/logger.js';
import type { ProviderId } from '../providers/provider.js';
import type { Cloud } from '../routing/answer.js';
import type { CloudChaosMode, ProviderChaosAction } from './chaos.js';
import type { DnsPoller } from './dns-poller.js';
import type { RequestOutcome } from './traffic-timeline.js';

export interface DrillTopologyCloud {
  readonly cloud: Cloud;
  readonly address: string;
  /** The sample service, e.g. http://127.0.0.11:8080 */
  readonly url: string;
  /** The service's chaos listener (stays up while the service is `down`). */
  readonly chaosUrl: string;
  readonly chaosToken: string;
  setChaos(mode: CloudChaosMode | 'heal', opts?: { delayMs?: number }): Promise<void>;
}

export interface TopologyNameserver {
  readonly provider: ProviderId;
  readonly host: string;
  readonly port: number;
}

/** The client load as a drill reads it. */
export interface DrillTraffic {
  timeline(): readonly RequestOutcome[];
  stats(): { readonly emptyAnswers: number };
}

export interface DrillTopology {
  /** The generated controller config (valid per configSchema). */
  readonly config: FailoverConfig;
  readonly clouds: Readonly<Record<Cloud, DrillTopologyCloud>>;
  /** Faults per provider: emulators.route53.faults, ... */
  readonly emulators: RunningEmulators;
  readonly controller: Controller;
  /** Controller HTTP API + admin token. */
  readonly api: { readonly url: string; readonly token: string };
  /** partition(targetId)/heal(targetId): targets are `aws`, `azure`, `gcp`. */
  readonly vantagePoints: readonly VantagePoint[];
  readonly traffic?: DrillTraffic;
  /** All three providers' data planes, asked for the service name. */
  readonly poller: DnsPoller;
  /** app.example.test. */
  readonly serviceName: string;
  /** The port every sample service listens on. */
  readonly servicePort: number;
  /** The providers' nameservers, in the order Route 53, Azure DNS, Cloud DNS. */
  readonly nameservers: readonly TopologyNameserver[];
  /** The dependency the services' readiness checks, e.g. http://db.example.test:41234/health. */
  readonly dependency: { readonly name: string; readonly url: string; readonly port: number };
  /** healthy|down|blackhole|slow|error|dependency-dns-empty (and `heal` for healthy). */
  chaosCloud(cloud: Cloud, mode: CloudChaosMode | 'heal', opts?: { delayMs?: number }): Promise<void>;
  /** api-down|dns-down|throttle|heal, in-process on the emulator's fault injector. */
  chaosProvider(kind: EmulatorKind, action: ProviderChaosAction): Promise<void>;
  /** Idempotent; stops everything and frees every port. */
  stop(): Promise<void>;
}

/** How a drill asks for its topology: free ports, the drill's timings, its load. */
export interface DrillTopologyOptions {
  readonly freePorts: true;
  readonly health: Partial<HealthConfig>;
  readonly dwellMs: number;
  readonly ttl: number;
  readonly traffic: { readonly ratePerSecond: number };
  readonly log?: Logger;
}

/** Starts a fresh topology for one drill (apps/topology's startTopology). */
export type StartDrillTopology<T extends DrillTopology = DrillTopology> = (options: DrillTopologyOptions) => Promise<T>;
