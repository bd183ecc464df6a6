/**
 * Prometheus metrics for the controller (prom-client, text exposition format).
 *
 * Names follow the Prometheus conventions: a `failover_` prefix, base units
 * (seconds), `_total` on counters, and states as *state sets* (one series per
 * possible state, value 1 for the current one, 0 for the others), the
 * kube-state-metrics way, so `failover_target_state{state="down"} == 1` is an
 * alert rule and a missing series never means "healthy".
 *
 * Everything is fed from events, never polled: `bindControllerMetrics` maps the
 * controller's event stream (decisions, writes, drift, fail-open, sync) and
 * `bindHealthMetrics` the health monitor's (every probe, breaker changes).
 * docs/operations.md lists every metric.
 */
import type { EventEmitter } from 'node:events';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ControllerEvent, ProviderWriteOutcome } from './events.js';
import type { HealthMonitorEvents, MonitorSnapshot } from '../health/monitor-events.js';
import { sameAddresses, type RoutedService } from '../routing/answer.js';
import { shouldPublish, type Decision } from '../routing/decision.js';

export const TARGET_STATES = ['up', 'down', 'unknown'] as const;
export const VANTAGE_STATES = ['unknown', 'up', 'suspect', 'down'] as const;
export const BREAKER_STATES = ['closed', 'open', 'halfOpen'] as const;
export const WRITE_OUTCOMES = ['ok', 'conflict', 'throttled', 'error'] as const;
export type WriteOutcome = (typeof WRITE_OUTCOMES)[number];

/** Probes time out at hundreds of milliseconds; buckets resolve the interesting part. */
const PROBE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** A DNS API write takes from milliseconds (emulator) to tens of seconds (Route 53 with retries). */
const WRITE_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface MetricsOptions {
  /** A registry to register on; a new one by default (never the global one, so tests and several controllers stay apart). */
  readonly registry?: Registry;
  /** The product version for failover_build_info. */
  readonly version?: string;
  /** Add prom-client's default process metrics (CPU, memory, event loop lag). */
  readonly processMetrics?: boolean;
  /** Providers to report as in sync (0) before any event, so the series exist from the first scrape. */
  readonly providers?: readonly string[];
  /** Services to report as not failing open (0) before any event. */
  readonly services?: readonly string[];
}

/** All the controller's metrics on one registry. */
export class ControllerMetrics {
  readonly registry: Registry;
  readonly probes: Counter<'target' | 'vantage' | 'result'>;
  readonly probeDuration: Histogram<'target' | 'vantage'>;
  readonly targetUp: Gauge<'target' | 'cloud'>;
  readonly targetState: Gauge<'target' | 'cloud' | 'state'>;
  readonly vantageState: Gauge<'target' | 'vantage' | 'state'>;
  readonly breakerState: Gauge<'target' | 'vantage' | 'state'>;
  readonly decisions: Counter<'service' | 'kind'>;
  readonly dnsWrites: Counter<'provider' | 'outcome'>;
  readonly dnsWriteDuration: Histogram<'provider'>;
  readonly providerOutOfSync: Gauge<'provider'>;
  readonly drift: Counter<'provider'>;
  readonly failOpen: Gauge<'service'>;
  readonly publishedGeneration: Gauge<'service'>;
  readonly conflicts: Counter<'service' | 'kind'>;
  readonly overrides: Counter<'action'>;
  readonly buildInfo: Gauge<'version' | 'node'>;
  readonly publishPending: Gauge<'service'>;

  constructor(options: MetricsOptions = {}) {
    const registers = [(this.registry = options.registry ?? new Registry())];
    this.probes = new Counter({
      name: 'failover_probes_total',
      help: 'Health probes sent (or refused by an open breaker), by target, vantage point and result (ok, error, timeout, circuit_open).',
      labelNames: ['target', 'vantage', 'result'],
      registers,
    });
    this.probeDuration = new Histogram({
      name: 'failover_probe_duration_seconds',
      help: 'Health probe latency in seconds, by target and vantage point (probes an open breaker did not send are not observed).',
      labelNames: ['target', 'vantage'],
      buckets: PROBE_BUCKETS,
      registers,
    });
    this.targetUp = new Gauge({
      name: 'failover_target_up',
      help: 'Whether the quorum verdict for a target is up (1) or not (0: down or unknown; see failover_target_state).',
      labelNames: ['target', 'cloud'],
      registers,
    });
    this.targetState = new Gauge({
      name: 'failover_target_state',
      help: 'Quorum verdict of a target as a state set: 1 for the current state (up, down, unknown), 0 for the others.',
      labelNames: ['target', 'cloud', 'state'],
      registers,
    });
    this.vantageState = new Gauge({
      name: 'failover_vantage_state',
      help: 'Rise/fall state of a target seen from one vantage point as a state set (unknown, up, suspect, down).',
      labelNames: ['target', 'vantage', 'state'],
      registers,
    });
    this.breakerState = new Gauge({
      name: 'failover_breaker_state',
      help: 'Circuit breaker of a (target, vantage point) probe as a state set (closed, open, halfOpen).',
      labelNames: ['target', 'vantage', 'state'],
      registers,
    });
    this.decisions = new Counter({
      name: 'failover_decisions_total',
      help: "Routing decisions that changed a service's decision, by kind (keep, change, hold, fail-open, paused).",
      labelNames: ['service', 'kind'],
      registers,
    });
    this.dnsWrites = new Counter({
      name: 'failover_dns_writes_total',
      help: 'Conditional DNS writes per provider by outcome (ok, conflict, throttled, error).',
      labelNames: ['provider', 'outcome'],
      registers,
    });
    this.dnsWriteDuration = new Histogram({
      name: 'failover_dns_write_duration_seconds',
      help: 'Decision to write acknowledged by the provider, in seconds.',
      labelNames: ['provider'],
      buckets: WRITE_BUCKETS,
      registers,
    });
    this.providerOutOfSync = new Gauge({
      name: 'failover_provider_out_of_sync',
      help: '1 while a provider does not serve the published answers (unreachable, conflicts persisting), else 0.',
      labelNames: ['provider'],
      registers,
    });
    this.drift = new Counter({
      name: 'failover_drift_total',
      help: 'Managed records found changed outside the controller, per provider.',
      labelNames: ['provider'],
      registers,
    });
    this.failOpen = new Gauge({
      name: 'failover_fail_open',
      help: '1 while a service fails open (no usable target; the last answer is kept), else 0.',
      labelNames: ['service'],
      registers,
    });
    this.publishedGeneration = new Gauge({
      name: 'failover_published_generation',
      help: 'Highest plan generation published for a service to at least one provider.',
      labelNames: ['service'],
      registers,
    });
    this.conflicts = new Counter({
      name: 'failover_conflicts_total',
      help: 'Writes that lost a compare-and-swap, were superseded by a newer generation, or were refused by a safety check.',
      labelNames: ['service', 'kind'],
      registers,
    });
    this.overrides = new Counter({
      name: 'failover_overrides_total',
      help: 'Operator overrides applied through the admin API, by action.',
      labelNames: ['action'],
      registers,
    });
    this.buildInfo = new Gauge({
      name: 'failover_build_info',
      help: 'Always 1; labels carry the controller version and the Node.js version.',
      labelNames: ['version', 'node'],
      registers,
    });
    this.buildInfo.set({ version: options.version ?? 'unknown', node: process.version }, 1);
    for (const provider of options.providers ?? []) this.providerOutOfSync.set({ provider }, 0);
    for (const service of options.services ?? []) this.failOpen.set({ service }, 0);
    this.publishPending = new Gauge({
      name: 'failover_publish_pending',
      help: "1 while a service's decided answer is not yet published to any provider (a publish waiting on every provider, or refused), else 0.",
      labelNames: ['service'],
      registers,
    });
    for (const service of options.services ?? []) this.publishPending.set({ service }, 0);
    if (options.processMetrics) {
      collectDefaultMetrics({ register: this.registry, prefix: 'failover_' });
      // prom-client exposes these three totals as gauges, which the naming conventions (promtool check metrics) reserve
      // for counters; each is the sum of its per-type gauge (failover_nodejs_active_handles{type}, ...).
      for (const name of ['active_handles_total', 'active_requests_total', 'active_resources_total'])
        this.registry.removeSingleMetric(`failover_nodejs_${name}`);
    }
  }

  // Gauges cannot be read back synchronously, so the state behind two of them is kept here.
  readonly #generations = new Map<string, number>();
  readonly #outOfSync = new Map<string, Set<string>>();

  /** A generation reached at least one provider; the gauge only ever rises. */
  notePublished(service: string, generation: number): void {
    if (generation <= (this.#generations.get(service) ?? -Infinity)) return;
    this.#generations.set(service, generation);
    this.publishedGeneration.set({ service }, generation);
  }

  /** A provider is out of sync while any of its services is; a report without a service speaks for all of them. */
  markProviderSync(provider: string, service: string | undefined, outOfSync: boolean): void {
    let services = this.#outOfSync.get(provider);
    if (services === undefined) this.#outOfSync.set(provider, (services = new Set()));
    if (outOfSync) services.add(service ?? '*');
    else if (service === undefined) services.clear();
    else services.delete(service);
    this.providerOutOfSync.set({ provider }, services.size > 0 ? 1 : 0);
  }
}

/** Set a state set: the current state's series to 1, every other state's to 0. */
function setStateSet<L extends string>(
  gauge: Gauge<L | 'state'>,
  labels: Record<L, string>,
  states: readonly string[],
  current: string,
): void {
  for (const state of states) gauge.set({ ...labels, state } as Record<L | 'state', string>, state === current ? 1 : 0);
}

export function setTargetState(metrics: ControllerMetrics, target: string, cloud: string, verdict: string): void {
  setStateSet(metrics.targetState, { target, cloud }, TARGET_STATES, verdict);
  metrics.targetUp.set({ target, cloud }, verdict === 'up' ? 1 : 0);
}

/**
 * A provider's write result as a metric outcome. `held` (planned, not written:
 * refused or superseded) and an in-sync provider that needed no API call are no
 * writes at all, so they are not counted.
 */
export function writeOutcomeOf(p: ProviderWriteOutcome): WriteOutcome | undefined {
  switch (p.result) {
    case 'ok':
      return p.apiCalls > 0 || p.latencyMs !== undefined ? 'ok' : undefined;
    case 'conflict':
      return 'conflict';
    case 'throttled':
      return 'throttled';
    case 'out-of-sync':
      return 'error';
    case 'held':
      return undefined;
  }
}

/** A probe result as a metric label: the common failure causes get their own value. */
export function probeResultLabel(result: { readonly ok: boolean; readonly code?: string }): string {
  if (result.ok) return 'ok';
  if (result.code === 'ETIMEDOUT') return 'timeout';
  if (result.code === 'EOPENBREAKER') return 'circuit_open';
  // The prober lagged, not the target (see src/health/probe.ts): no evidence either way.
  if (result.code === 'ELAG') return 'inconclusive';
  return 'error';
}

export interface BindOptions {
  /** The cloud a target id runs in, for the target gauges' `cloud` label. */
  readonly cloudOf?: (targetId: string) => string | undefined;
}

type EventSource = Pick<EventEmitter<{ event: [ControllerEvent] }>, 'on' | 'off'>;

/** Fold one controller event into the metrics. Pure apart from the metric updates, so tests feed synthetic events. */
export function recordControllerEvent(metrics: ControllerMetrics, event: ControllerEvent, options: BindOptions = {}): void {
  switch (event.type) {
    case 'probe-state':
      setStateSet(metrics.vantageState, { target: event.targetId, vantage: event.vantageId }, VANTAGE_STATES, event.after);
      return;
    case 'verdict':
      setTargetState(metrics, event.targetId, options.cloudOf?.(event.targetId) ?? 'unknown', event.after);
      return;
    case 'decision':
      metrics.decisions.inc({ service: event.service, kind: event.kind });
      return;
    case 'write':
      for (const p of event.providers) {
        const outcome = writeOutcomeOf(p);
        if (outcome === undefined) continue;
        metrics.dnsWrites.inc({ provider: p.provider, outcome });
        if (p.latencyMs !== undefined) metrics.dnsWriteDuration.observe({ provider: p.provider }, p.latencyMs / 1000);
      }
      if (event.status === 'in-sync' || event.status === 'partial') metrics.notePublished(event.service, event.generation);
      return;
    case 'provider-write':
      return; // counted once, from the publish's `write` event (which carries every provider's outcome)
    case 'conflict':
      metrics.conflicts.inc({ service: event.service, kind: event.kind });
      return;
    case 'fail-open':
      metrics.failOpen.set({ service: event.service }, event.active ? 1 : 0);
      return;
    case 'drift':
      metrics.drift.inc({ provider: event.provider });
      return;
    case 'provider-sync':
      metrics.markProviderSync(event.provider, event.service, event.after === 'out-of-sync');
      return;
    case 'override':
      metrics.overrides.inc({ action: event.action });
      return;
    case 'verify':
      return;
  }
}

/** Keep the metrics current with the controller's event stream; returns the unsubscribe function. */
export function bindControllerMetrics(events: EventSource, metrics: ControllerMetrics, options: BindOptions = {}): () => void {
  const listener = (event: ControllerEvent) => recordControllerEvent(metrics, event, options);
  events.on('event', listener);
  return () => events.off('event', listener);
}

type MonitorSource = Pick<EventEmitter<HealthMonitorEvents>, 'on' | 'off'>;

/**
 * Per-probe counters and latencies and breaker states come from the health
 * monitor itself: the controller's stream only carries state *changes*.
 */
export function bindHealthMetrics(monitor: MonitorSource, metrics: ControllerMetrics, options: BindOptions = {}): () => void {
  const onProbe = (e: HealthMonitorEvents['probe'][0]) => {
    const labels = { target: e.targetId, vantage: e.vantageId };
    metrics.probes.inc({ ...labels, result: probeResultLabel(e.result) });
    if (e.result.code !== 'EOPENBREAKER') metrics.probeDuration.observe(labels, e.result.latencyMs / 1000);
  };
  const onBreaker = (e: HealthMonitorEvents['breaker'][0]) => {
    setStateSet(metrics.breakerState, { target: e.targetId, vantage: e.vantageId }, BREAKER_STATES, e.to);
  };
  const onVantage = (e: HealthMonitorEvents['vantage-state'][0]) => {
    setStateSet(metrics.vantageState, { target: e.targetId, vantage: e.vantageId }, VANTAGE_STATES, e.to);
  };
  const onVerdict = (e: HealthMonitorEvents['verdict'][0]) => {
    setTargetState(metrics, e.targetId, options.cloudOf?.(e.targetId) ?? 'unknown', e.to);
  };
  monitor.on('probe', onProbe);
  monitor.on('breaker', onBreaker);
  monitor.on('vantage-state', onVantage);
  monitor.on('verdict', onVerdict);
  return () => {
    monitor.off('probe', onProbe);
    monitor.off('breaker', onBreaker);
    monitor.off('vantage-state', onVantage);
    monitor.off('verdict', onVerdict);
  };
}

/** Seed the state gauges from a monitor snapshot (at start-up, before any change event). */
export function seedFromSnapshot(metrics: ControllerMetrics, snapshot: MonitorSnapshot, options: BindOptions = {}): void {
  for (const t of snapshot.targets) {
    setTargetState(metrics, t.targetId, options.cloudOf?.(t.targetId) ?? 'unknown', t.verdict);
    for (const v of t.vantages) {
      const labels = { target: t.targetId, vantage: v.vantageId };
      setStateSet(metrics.vantageState, labels, VANTAGE_STATES, v.state);
      if (v.breaker !== 'disabled') setStateSet(metrics.breakerState, labels, BREAKER_STATES, v.breaker);
    }
  }
}

/** What the publish-pending gauge needs of a service (the controller's ServiceState fits). */
export interface PublishView {
  readonly name: string;
  readonly routed: RoutedService;
  readonly published: { readonly addresses: readonly string[] } | undefined;
  readonly wanted: { readonly addresses: readonly string[] } | undefined;
  readonly lastDecision: Decision | undefined;
}

/**
 * A service's decided answer is not published: a publish was handed to the
 * reconciler and no provider took it yet, or the last decision asks for a write
 * of an answer other than the published one. A hold (dwell), a pause and a kept
 * answer ask for nothing.
 */
export function publishPending(s: PublishView): boolean {
  if (s.wanted !== undefined) return true;
  const d = s.lastDecision;
  if (d === undefined || !shouldPublish(d)) return false;
  return s.published === undefined || !sameAddresses(s.routed, s.published.addresses, d.addresses);
}

/** Set failover_publish_pending for every service, at scrape time (the state, not an event, says it). */
export function seedPublishPending(metrics: ControllerMetrics, services: Iterable<PublishView>): void {
  for (const s of services) metrics.publishPending.set({ service: s.name }, publishPending(s) ? 1 : 0);
}
