/**
 * Cloud DNS's failover engine, emulated: every external endpoint a routing
 * policy names is probed with its policy's Compute health check from each of
 * the check's 3 source regions (simulated: three independent probe loops on
 * this machine), and the DNS server asks `answer()` for the live decision.
 * No API call is involved in a failover, as on Cloud DNS.
 *
 * The one deviation: `intervalMs` (emulator option or admin API) probes faster
 * than the check's `checkIntervalSec` (≥ 30 s for real) for local drills; the
 * resources keep and report their real settings.
 */
import type { EmuRecordSet, ZoneStore } from '../../core/zone-store.js';
import type { HealthCheckResource } from '../health-checks/health-check.js';
import type { HealthCheckRegistry } from '../health-checks/registry.js';
import { decide, type Decision } from '../routing/decide.js';
import { POLICY_MODEL_METADATA_KEY, policyEndpoints, type HealthCheckRef, type RoutingPolicy } from '../routing/policy-model.js';
import { detectionBoundMs, endpointHealthy, FRESH, observe, type RegionHealth } from './endpoint-state.js';
import { probeEndpoint, type Probe } from './probe.js';

export interface HealthEngineOptions {
  store: ZoneStore;
  healthChecks: HealthCheckRegistry;
  probe?: Probe;
  /** Probe every this many ms instead of each check's `checkIntervalSec` (local drills only). */
  intervalMs?: number;
  /** The simulated querying client's region, for primaryBackup's geo backup items (default us-east1). */
  clientRegion?: string;
  random?: () => number;
}

export interface EngineSettings {
  /** undefined: the checks' own intervals, as on Cloud DNS. */
  intervalMs: number | undefined;
  clientRegion: string;
}

export interface TargetView {
  healthCheck: string;
  endpoint: string;
  healthy: boolean;
  regions: { region: string; healthy: boolean }[];
  probes: number;
  /** Worst case from the endpoint failing to the engine marking it down, at the current interval. */
  detectionBoundMs: number;
}

interface Target {
  readonly ref: HealthCheckRef;
  readonly endpoint: string;
  check: HealthCheckResource;
  regions: RegionHealth[];
  timers: (NodeJS.Timeout | undefined)[];
  probes: number;
  generation: number;
}

const keyOf = (ref: HealthCheckRef, endpoint: string) => `${ref.project}/${ref.name}|${endpoint}`;

export class HealthEngine {
  private readonly targets = new Map<string, Target>();
  private readonly probe: Probe;
  private readonly random: () => number;
  private intervalMs: number | undefined;
  private clientRegion: string;
  private running = false;
  private readonly onChange = () => this.sync();
  /** Probes sent since start, and verdict changes of endpoints. */
  readonly counters = { probes: 0, transitions: 0, decisions: 0 };

  constructor(private readonly options: HealthEngineOptions) {
    this.probe = options.probe ?? probeEndpoint;
    this.random = options.random ?? Math.random;
    this.intervalMs = options.intervalMs;
    this.clientRegion = options.clientRegion ?? 'us-east1';
    if (this.intervalMs !== undefined) checkInterval(this.intervalMs);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.options.store.on('change', this.onChange);
    this.options.healthChecks.on('change', this.onChange);
    this.sync();
  }

  stop(): void {
    this.running = false;
    this.options.store.off('change', this.onChange);
    this.options.healthChecks.off('change', this.onChange);
    for (const t of this.targets.values()) this.halt(t);
    this.targets.clear();
  }

  get settings(): EngineSettings {
    return { intervalMs: this.intervalMs, clientRegion: this.clientRegion };
  }

  /** Change the probe interval (undefined: back to the checks' own) and restart every loop at it. */
  configure(patch: Partial<EngineSettings>): EngineSettings {
    if (patch.intervalMs !== undefined) checkInterval(patch.intervalMs);
    if ('intervalMs' in patch) this.intervalMs = patch.intervalMs;
    if (patch.clientRegion !== undefined) this.clientRegion = patch.clientRegion;
    for (const t of this.targets.values()) this.schedule(t);
    return this.settings;
  }

  healthy(ref: HealthCheckRef, endpoint: string): boolean {
    const t = this.targets.get(keyOf(ref, endpoint));
    return t === undefined || endpointHealthy(t.regions);
  }

  /** The live answer of a routed set; undefined for a plain set (answered from its rrdatas). */
  decide(rs: Pick<EmuRecordSet, 'metadata'>): Decision | undefined {
    const raw = rs.metadata?.[POLICY_MODEL_METADATA_KEY];
    if (raw === undefined) return undefined;
    const policy = JSON.parse(raw) as RoutingPolicy;
    const ref = policy.healthCheck;
    this.counters.decisions += 1;
    return decide(policy, {
      healthy: (endpoint) => (ref === undefined ? true : this.healthy(ref, endpoint)),
      draw: this.random(),
      clientRegion: this.clientRegion,
    });
  }

  /** The hook the DNS server calls: the addresses to answer for a set, or undefined to answer its stored values. */
  readonly answer = (rs: Pick<EmuRecordSet, 'metadata'>): readonly string[] | undefined => this.decide(rs)?.addresses;

  view(): TargetView[] {
    return [...this.targets.values()].map((t) => ({
      healthCheck: `projects/${t.ref.project}/global/healthChecks/${t.ref.name}`,
      endpoint: t.endpoint,
      healthy: endpointHealthy(t.regions),
      regions: t.regions.map((r, i) => ({ region: t.check.sourceRegions?.[i] ?? `region-${i}`, healthy: r.healthy })),
      probes: t.probes,
      detectionBoundMs: detectionBoundMs(this.periodMs(t.check), this.timeoutMs(t.check), t.check.unhealthyThreshold),
    }));
  }

  private periodMs(check: HealthCheckResource): number {
    return this.intervalMs ?? check.checkIntervalSec * 1000;
  }

  private timeoutMs(check: HealthCheckResource): number {
    return Math.min(check.timeoutSec * 1000, this.periodMs(check));
  }

  /** Probe exactly what the stored policies name, with the current version of each check. */
  private sync(): void {
    if (!this.running) return;
    const wanted = new Map<string, { ref: HealthCheckRef; endpoint: string; check: HealthCheckResource }>();
    for (const zone of this.options.store.listZones()) {
      for (const rs of zone.records.values()) {
        const raw = rs.metadata?.[POLICY_MODEL_METADATA_KEY];
        if (raw === undefined) continue;
        const policy = JSON.parse(raw) as RoutingPolicy;
        const ref = policy.healthCheck;
        const check = ref && this.options.healthChecks.get(ref);
        if (!ref || !check) continue;
        for (const endpoint of policyEndpoints(policy)) wanted.set(keyOf(ref, endpoint), { ref, endpoint, check });
      }
    }
    for (const [key, t] of this.targets) {
      if (!wanted.has(key)) {
        this.halt(t);
        this.targets.delete(key);
      }
    }
    for (const [key, w] of wanted) {
      const t = this.targets.get(key);
      if (!t) {
        const regions = (w.check.sourceRegions ?? ['local']).map(() => FRESH);
        const fresh: Target = { ...w, regions, timers: [], probes: 0, generation: 0 };
        this.targets.set(key, fresh);
        this.schedule(fresh);
      } else if (t.check !== w.check) {
        t.check = w.check;
        this.schedule(t);
      }
    }
  }

  private halt(t: Target): void {
    t.generation += 1;
    for (const timer of t.timers) clearTimeout(timer);
    t.timers = [];
  }

  /** One loop per source region, staggered across the interval as independent probers are. */
  private schedule(t: Target): void {
    this.halt(t);
    const generation = t.generation;
    const period = this.periodMs(t.check);
    t.regions.forEach((_, i) => {
      const tick = () => {
        if (t.generation !== generation || !this.running) return;
        const started = Date.now();
        this.counters.probes += 1;
        t.probes += 1;
        void this.probe({ address: t.endpoint, check: t.check, timeoutMs: this.timeoutMs(t.check) }).then((ok) => {
          if (t.generation !== generation) return;
          const was = endpointHealthy(t.regions);
          const region = t.regions[i] ?? FRESH;
          t.regions[i] = observe(region, ok, t.check);
          if (endpointHealthy(t.regions) !== was) this.counters.transitions += 1;
          t.timers[i] = setTimeout(tick, Math.max(0, period - (Date.now() - started))).unref();
        });
      };
      t.timers[i] = setTimeout(tick, Math.round((period * i) / t.regions.length)).unref();
    });
  }
}

function checkInterval(ms: number): void {
  if (!Number.isInteger(ms) || ms < 50 || ms > 300_000) {
    throw new RangeError(`healthCheckIntervalMs must be an integer between 50 and 300000 ms, got ${ms}`);
  }
}
