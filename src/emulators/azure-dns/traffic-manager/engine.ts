/**
 * The Traffic Manager engine: probes every Enabled endpoint of every Enabled
 * profile from several simulated probing locations, keeps each location's
 * health (monitor-state.ts) and answers with the routing decision (decision.ts)
 * on demand, so the DNS server always sees the live state.
 *
 * Timing: each profile is probed every `monitorConfig.intervalInSeconds` (30 or
 * 10 s, as in Azure). `probeIntervalMs` replaces that interval for every profile
 * (the one deviation from Azure, for local drills); the probe timeout is then
 * capped at the interval.
 */
import { EventEmitter } from 'node:events';
import { decide, type Decision, type EndpointMonitorStatus } from './decision.js';
import { afterProbe, monitorStatus, type LocationHealth } from './monitor-state.js';
import { probeEndpoint, type Prober } from './probe.js';
import type { ExternalEndpoint, TrafficManagerProfile, TrafficManagerStore } from './profile-model.js';
import { idKey } from './profile-model.js';

/** Simulated probing locations (Azure probes from many regions; three make a majority meaningful). */
export const DEFAULT_PROBE_LOCATIONS: readonly string[] = ['East US', 'West Europe', 'Southeast Asia'];
/** Fastest interval the speed-up accepts: below this the probes themselves dominate. */
export const MIN_PROBE_INTERVAL_MS = 50;

export interface TrafficManagerEngineOptions {
  /** Overrides every profile's `intervalInSeconds`; null/undefined keeps Azure's (30 s or 10 s). */
  probeIntervalMs?: number | null;
  locations?: readonly string[];
  prober?: Prober;
}

export interface EngineSettings {
  /** null: each profile's own monitorConfig.intervalInSeconds, as in Azure. */
  probeIntervalMs: number | null;
  locations: readonly string[];
}

export interface StatusChange {
  profileId: string;
  endpoint: string;
  from: EndpointMonitorStatus;
  to: EndpointMonitorStatus;
  /** Probe rounds of this profile completed when the change was seen. */
  round: number;
  at: number;
}

export interface TrafficManagerEngineEvents {
  round: [profileId: string, round: number];
  status: [change: StatusChange];
}

interface Loop {
  timer?: NodeJS.Timeout;
  running: boolean;
  rounds: number;
  stopped: boolean;
}

export function checkProbeInterval(ms: number | null): void {
  if (ms === null) return;
  if (!Number.isInteger(ms) || ms < MIN_PROBE_INTERVAL_MS || ms > 30_000) {
    throw new RangeError(
      `probeIntervalMs must be an integer from ${MIN_PROBE_INTERVAL_MS} to 30000 (or null for Azure's own intervals), got ${ms}`,
    );
  }
}

const endpointKey = (e: ExternalEndpoint) => `${e.name.toLowerCase()}|${e.target.toLowerCase()}`;

export class TrafficManagerEngine extends EventEmitter<TrafficManagerEngineEvents> {
  private readonly health = new Map<string, Map<string, Map<string, LocationHealth>>>();
  private readonly loops = new Map<string, Loop>();
  private readonly prober: Prober;
  private current: EngineSettings;
  private started = false;
  private readonly onChange = () => this.sync();

  constructor(
    private readonly store: TrafficManagerStore,
    options: TrafficManagerEngineOptions = {},
  ) {
    super();
    const interval = options.probeIntervalMs ?? null;
    checkProbeInterval(interval);
    this.current = { probeIntervalMs: interval, locations: [...(options.locations ?? DEFAULT_PROBE_LOCATIONS)] };
    if (this.current.locations.length === 0) throw new RangeError('at least one probing location is needed');
    this.prober = options.prober ?? probeEndpoint;
  }

  get settings(): EngineSettings {
    return { ...this.current, locations: [...this.current.locations] };
  }

  /** Change the probe interval at run time (the admin API's knob); the next round of every profile follows it. */
  set(patch: { probeIntervalMs?: number | null }): EngineSettings {
    if (patch.probeIntervalMs !== undefined) {
      checkProbeInterval(patch.probeIntervalMs);
      this.current = { ...this.current, probeIntervalMs: patch.probeIntervalMs };
      for (const [key, loop] of this.loops) {
        if (loop.running) continue;
        clearTimeout(loop.timer);
        const p = this.store.get(key);
        if (p) loop.timer = this.schedule(p.id, loop, this.intervalMs(p));
      }
    }
    return this.settings;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.store.on('change', this.onChange);
    this.sync();
  }

  stop(): void {
    this.started = false;
    this.store.off('change', this.onChange);
    for (const loop of this.loops.values()) {
      loop.stopped = true;
      clearTimeout(loop.timer);
    }
    this.loops.clear();
  }

  intervalMs(p: TrafficManagerProfile): number {
    return this.current.probeIntervalMs ?? p.monitorConfig.intervalInSeconds * 1000;
  }

  timeoutMs(p: TrafficManagerProfile): number {
    return Math.min(p.monitorConfig.timeoutInSeconds * 1000, this.intervalMs(p));
  }

  /** Probe rounds completed for a profile since it was created (or the engine started). */
  rounds(profileId: string): number {
    return this.loops.get(idKey(profileId))?.rounds ?? 0;
  }

  statusOf = (p: TrafficManagerProfile, e: ExternalEndpoint): EndpointMonitorStatus => {
    const locations = this.health.get(idKey(p.id))?.get(endpointKey(e));
    return monitorStatus({
      profileEnabled: p.profileStatus === 'Enabled',
      endpointEnabled: e.endpointStatus === 'Enabled',
      locations: locations ? [...locations.values()] : [],
    });
  };

  /** Per-location health of each endpoint, for the admin API. */
  detail(p: TrafficManagerProfile): Record<string, { status: EndpointMonitorStatus; locations: Record<string, LocationHealth> }> {
    const out: Record<string, { status: EndpointMonitorStatus; locations: Record<string, LocationHealth> }> = {};
    for (const e of p.endpoints) {
      const locations = this.health.get(idKey(p.id))?.get(endpointKey(e));
      out[e.name] = { status: this.statusOf(p, e), locations: Object.fromEntries(locations ?? []) };
    }
    return out;
  }

  decision(profileId: string): Decision | undefined {
    const p = this.store.get(profileId);
    if (!p) return undefined;
    return decide({
      routingMethod: p.trafficRoutingMethod,
      profileEnabled: p.profileStatus === 'Enabled',
      maxReturn: p.maxReturn,
      endpoints: p.endpoints.map((e) => ({
        name: e.name,
        target: e.target,
        enabled: e.endpointStatus === 'Enabled',
        priority: e.priority,
        monitorStatus: this.statusOf(p, e),
      })),
    });
  }

  private sync(): void {
    if (!this.started) return;
    const live = new Set(this.store.list().map((p) => idKey(p.id)));
    for (const [key, loop] of this.loops) {
      if (live.has(key)) continue;
      loop.stopped = true;
      clearTimeout(loop.timer);
      this.loops.delete(key);
      this.health.delete(key);
    }
    for (const p of this.store.list()) {
      const key = idKey(p.id);
      if (this.loops.has(key)) continue;
      const loop: Loop = { running: false, rounds: 0, stopped: false };
      this.loops.set(key, loop);
      loop.timer = this.schedule(p.id, loop, 0);
    }
  }

  private schedule(profileId: string, loop: Loop, delayMs: number): NodeJS.Timeout {
    const t = setTimeout(() => void this.round(profileId, loop), Math.max(0, delayMs));
    t.unref();
    return t;
  }

  private async round(profileId: string, loop: Loop): Promise<void> {
    const started = Date.now();
    const p = this.store.get(profileId);
    if (!p || loop.stopped) return;
    loop.running = true;
    const key = idKey(p.id);
    const byEndpoint = this.health.get(key) ?? new Map<string, Map<string, LocationHealth>>();
    this.health.set(key, byEndpoint);
    const before = new Map(p.endpoints.map((e) => [e.name, this.statusOf(p, e)]));
    const probed = p.profileStatus === 'Enabled' ? p.endpoints.filter((e) => e.endpointStatus === 'Enabled') : [];
    const timeoutMs = this.timeoutMs(p);
    const results = await Promise.all(
      probed.flatMap((e) =>
        this.current.locations.map(async (location) => ({
          e,
          location,
          result: await this.prober({ target: e.target, monitor: p.monitorConfig, timeoutMs, location }),
        })),
      ),
    );
    loop.running = false;
    if (loop.stopped) return;
    // Endpoints removed or re-targeted since: their old health goes.
    const keep = new Set(p.endpoints.map(endpointKey));
    for (const k of byEndpoint.keys()) if (!keep.has(k)) byEndpoint.delete(k);
    for (const { e, location, result } of results) {
      const locations = byEndpoint.get(endpointKey(e)) ?? new Map<string, LocationHealth>();
      byEndpoint.set(endpointKey(e), locations);
      locations.set(location, afterProbe(locations.get(location), result, p.monitorConfig.toleratedNumberOfFailures));
    }
    loop.rounds += 1;
    const latest = this.store.get(profileId) ?? p;
    for (const e of latest.endpoints) {
      const from = before.get(e.name) ?? 'CheckingEndpoint';
      const to = this.statusOf(latest, e);
      if (from !== to) this.emit('status', { profileId: p.id, endpoint: e.name, from, to, round: loop.rounds, at: Date.now() });
    }
    this.emit('round', p.id, loop.rounds);
    loop.timer = this.schedule(profileId, loop, this.intervalMs(latest) - (Date.now() - started));
  }
}
