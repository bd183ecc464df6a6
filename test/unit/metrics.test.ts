import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { metricsHandler } from '../../apps/controller/observability-routes.js';
import { EventLog } from '../../src/observability/events.js';
import type { HealthMonitorEvents } from '../../src/health/monitor-events.js';
import { bindControllerMetrics, bindHealthMetrics, ControllerMetrics, seedFromSnapshot } from '../../src/observability/metrics.js';

/** prom2json-shaped output of parse-prometheus-text-format (it ships no types). */
interface Family {
  name: string;
  help: string;
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  metrics: { value?: string; labels?: Record<string, string>; buckets?: Record<string, string>; count?: string; sum?: string }[];
}
const parseExposition = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => Family[];

async function scrape(metrics: ControllerMetrics): Promise<Map<string, Family>> {
  const families = parseExposition(await metrics.registry.metrics());
  return new Map(families.map((f) => [f.name, f]));
}

function sample(families: Map<string, Family>, name: string, labels: Record<string, string>): Family['metrics'][number] | undefined {
  const family = families.get(name);
  if (family === undefined) throw new Error(`no metric family ${name} in the exposition`);
  return family.metrics.find(
    (m) =>
      Object.entries(labels).every(([k, v]) => m.labels?.[k] === v) && Object.keys(m.labels ?? {}).length === Object.keys(labels).length,
  );
}

/**
 * Histogram series by labels, from prom-client itself: parse-prometheus-text-format
 * folds every series of a labelled histogram into one and drops the labels, so
 * it validates the exposition but cannot read labelled histograms back.
 */
async function histogram(
  h: ControllerMetrics['probeDuration'] | ControllerMetrics['dnsWriteDuration'],
  name: string,
  labels: Record<string, string>,
) {
  const { values } = await h.get();
  const matches = (l: Record<string, unknown>) => Object.entries(labels).every(([k, v]) => l[k] === v);
  const of = (suffix: string) => values.filter((v) => v.metricName === `${name}${suffix}` && matches(v.labels));
  return {
    count: of('_count')[0]?.value,
    sum: of('_sum')[0]?.value,
    bucket: (le: number) => of('_bucket').find((v) => (v.labels as Record<string, unknown>).le === le)?.value,
  };
}

function value(families: Map<string, Family>, name: string, labels: Record<string, string>): number | undefined {
  const s = sample(families, name, labels);
  return s?.value === undefined ? undefined : Number(s.value);
}

function setup() {
  let now = Date.parse('2025-10-20T07:00:00Z');
  const log = new EventLog({ clock: { now: () => now } });
  const metrics = new ControllerMetrics({ version: '9.9.9', providers: ['route53', 'azure', 'clouddns'], services: ['app.example.test.'] });
  const cloudOf = (id: string) => ({ aws: 'aws', azure: 'azure', gcp: 'gcp' })[id];
  bindControllerMetrics(log, metrics, { cloudOf });
  const monitor = new EventEmitter<HealthMonitorEvents>();
  bindHealthMetrics(monitor, metrics, { cloudOf });
  return { log, metrics, monitor, tick: (ms: number) => (now += ms) };
}

describe('controller metrics', () => {
  it('exposes every family with conventional types, valid for a Prometheus parser, before any event', async () => {
    const { metrics } = setup();
    const families = await scrape(metrics);
    const types = Object.fromEntries([...families.values()].map((f) => [f.name, f.type]));
    expect(types).toMatchObject({
      failover_probes_total: 'COUNTER',
      failover_probe_duration_seconds: 'HISTOGRAM',
      failover_target_up: 'GAUGE',
      failover_target_state: 'GAUGE',
      failover_vantage_state: 'GAUGE',
      failover_breaker_state: 'GAUGE',
      failover_decisions_total: 'COUNTER',
      failover_dns_writes_total: 'COUNTER',
      failover_dns_write_duration_seconds: 'HISTOGRAM',
      failover_provider_out_of_sync: 'GAUGE',
      failover_drift_total: 'COUNTER',
      failover_fail_open: 'GAUGE',
      failover_published_generation: 'GAUGE',
      failover_build_info: 'GAUGE',
    });
    expect(value(families, 'failover_build_info', { version: '9.9.9', node: process.version })).toBe(1);
    for (const provider of ['route53', 'azure', 'clouddns']) expect(value(families, 'failover_provider_out_of_sync', { provider })).toBe(0);
    expect(value(families, 'failover_fail_open', { service: 'app.example.test.' })).toBe(0);
    for (const f of families.values()) expect(f.help.length, `${f.name} has help text`).toBeGreaterThan(10);
  });

  it('counts probes by result and observes their latency in seconds', async () => {
    const { metrics, monitor } = setup();
    monitor.emit('probe', { targetId: 'aws', vantageId: 'vp-1', state: 'up', result: { ok: true, at: 1, latencyMs: 12, status: 200 } });
    monitor.emit('probe', {
      targetId: 'aws',
      vantageId: 'vp-1',
      state: 'suspect',
      result: { ok: false, at: 2, latencyMs: 500, code: 'ETIMEDOUT', error: 'timeout after 500 ms' },
    });
    monitor.emit('probe', {
      targetId: 'aws',
      vantageId: 'vp-1',
      state: 'down',
      result: { ok: false, at: 3, latencyMs: 0, code: 'EOPENBREAKER', error: 'circuit open' },
    });
    monitor.emit('probe', {
      targetId: 'aws',
      vantageId: 'vp-2',
      state: 'suspect',
      result: { ok: false, at: 4, latencyMs: 3, status: 503, code: 'EBADSTATUS', error: 'status 503' },
    });
    const families = await scrape(metrics);
    expect(value(families, 'failover_probes_total', { target: 'aws', vantage: 'vp-1', result: 'ok' })).toBe(1);
    expect(value(families, 'failover_probes_total', { target: 'aws', vantage: 'vp-1', result: 'timeout' })).toBe(1);
    expect(value(families, 'failover_probes_total', { target: 'aws', vantage: 'vp-1', result: 'circuit_open' })).toBe(1);
    expect(value(families, 'failover_probes_total', { target: 'aws', vantage: 'vp-2', result: 'error' })).toBe(1);
    // The probe an open breaker never sent has no latency to observe.
    expect(families.get('failover_probe_duration_seconds')?.type).toBe('HISTOGRAM');
    const vp1 = await histogram(metrics.probeDuration, 'failover_probe_duration_seconds', { target: 'aws', vantage: 'vp-1' });
    expect(vp1.count).toBe(2);
    expect(vp1.sum).toBeCloseTo(0.512, 6);
    expect(vp1.bucket(0.025)).toBe(1);
    expect(vp1.bucket(0.5)).toBe(2);
    expect((await histogram(metrics.probeDuration, 'failover_probe_duration_seconds', { target: 'aws', vantage: 'vp-2' })).count).toBe(1);
  });

  it('keeps target, vantage and breaker states as state sets (exactly one state is 1)', async () => {
    const { log, metrics, monitor } = setup();
    log.record({ type: 'probe-state', targetId: 'aws', vantageId: 'vp-1', before: 'up', after: 'suspect', reason: 'one failure' });
    log.record({ type: 'probe-state', targetId: 'aws', vantageId: 'vp-1', before: 'suspect', after: 'down', reason: 'fall reached' });
    log.record({ type: 'verdict', targetId: 'aws', before: 'up', after: 'down', reason: '2 of 3 vantage points say down' });
    monitor.emit('breaker', { targetId: 'aws', vantageId: 'vp-1', from: 'closed', to: 'open', at: 5 });
    const families = await scrape(metrics);
    expect(value(families, 'failover_target_up', { target: 'aws', cloud: 'aws' })).toBe(0);
    expect(
      ['up', 'down', 'unknown'].map((state) => value(families, 'failover_target_state', { target: 'aws', cloud: 'aws', state })),
    ).toEqual([0, 1, 0]);
    expect(
      ['unknown', 'up', 'suspect', 'down'].map((state) =>
        value(families, 'failover_vantage_state', { target: 'aws', vantage: 'vp-1', state }),
      ),
    ).toEqual([0, 0, 0, 1]);
    expect(
      ['closed', 'open', 'halfOpen'].map((state) => value(families, 'failover_breaker_state', { target: 'aws', vantage: 'vp-1', state })),
    ).toEqual([0, 1, 0]);

    log.record({ type: 'verdict', targetId: 'aws', before: 'down', after: 'up', reason: 'recovered' });
    monitor.emit('breaker', { targetId: 'aws', vantageId: 'vp-1', from: 'open', to: 'halfOpen', at: 6 });
    const after = await scrape(metrics);
    expect(value(after, 'failover_target_up', { target: 'aws', cloud: 'aws' })).toBe(1);
    expect(
      ['closed', 'open', 'halfOpen'].map((state) => value(after, 'failover_breaker_state', { target: 'aws', vantage: 'vp-1', state })),
    ).toEqual([0, 0, 1]);
  });

  it('seeds state gauges from a monitor snapshot', async () => {
    const metrics = new ControllerMetrics();
    seedFromSnapshot(
      metrics,
      {
        at: 0,
        running: true,
        targets: [
          {
            targetId: 'gcp',
            verdict: 'up',
            verdictSince: 0,
            reason: 'all up',
            vantages: [
              {
                vantageId: 'vp-3',
                state: 'up',
                breaker: 'closed',
                partitioned: false,
                inFlight: false,
                consecutiveSuccesses: 3,
                consecutiveFailures: 0,
                probes: 3,
                failedProbes: 0,
              },
            ],
          },
        ],
      },
      { cloudOf: () => 'gcp' },
    );
    const families = await scrape(metrics);
    expect(value(families, 'failover_target_state', { target: 'gcp', cloud: 'gcp', state: 'up' })).toBe(1);
    expect(value(families, 'failover_breaker_state', { target: 'gcp', vantage: 'vp-3', state: 'closed' })).toBe(1);
    expect(value(families, 'failover_vantage_state', { target: 'gcp', vantage: 'vp-3', state: 'up' })).toBe(1);
  });

  it('counts decisions and DNS writes per provider by outcome, with latency, and tracks the published generation', async () => {
    const { log, metrics } = setup();
    const service = 'app.example.test.';
    log.record({
      type: 'decision',
      service,
      kind: 'change',
      before: ['192.0.2.1'],
      after: ['192.0.2.2'],
      basedOnGeneration: 4,
      held: false,
      failOpen: false,
      paused: false,
      urgent: true,
      reason: 'aws down',
    });
    log.record({
      type: 'write',
      service,
      generation: 5,
      status: 'partial',
      before: ['192.0.2.1'],
      after: ['192.0.2.2'],
      providers: [
        { provider: 'route53', result: 'out-of-sync', apiCalls: 6, changes: 0, detail: 'unavailable: 503' },
        { provider: 'azure', result: 'ok', latencyMs: 40, apiCalls: 2, changes: 2 },
        { provider: 'clouddns', result: 'conflict', apiCalls: 4, changes: 0 },
      ],
      reason: 'partial',
    });
    log.record({
      type: 'write',
      service,
      generation: 6,
      status: 'in-sync',
      before: ['192.0.2.2'],
      after: ['192.0.2.2'],
      providers: [
        { provider: 'route53', result: 'throttled', apiCalls: 6, changes: 0 },
        { provider: 'azure', result: 'ok', apiCalls: 0, changes: 0 },
        { provider: 'clouddns', result: 'held', apiCalls: 0, changes: 0 },
      ],
      reason: 'in-sync',
    });
    // An older generation arriving late never lowers the gauge.
    log.record({
      type: 'write',
      service,
      generation: 3,
      status: 'in-sync',
      before: [],
      after: ['192.0.2.1'],
      providers: [],
      reason: 'late',
    });
    const families = await scrape(metrics);
    expect(value(families, 'failover_decisions_total', { service, kind: 'change' })).toBe(1);
    expect(value(families, 'failover_dns_writes_total', { provider: 'route53', outcome: 'error' })).toBe(1);
    expect(value(families, 'failover_dns_writes_total', { provider: 'route53', outcome: 'throttled' })).toBe(1);
    expect(value(families, 'failover_dns_writes_total', { provider: 'azure', outcome: 'ok' })).toBe(1);
    expect(value(families, 'failover_dns_writes_total', { provider: 'clouddns', outcome: 'conflict' })).toBe(1);
    // Nothing to write (azure, gen 6) and held (clouddns) are not writes.
    expect(sample(families, 'failover_dns_writes_total', { provider: 'clouddns', outcome: 'ok' })).toBeUndefined();
    const azure = await histogram(metrics.dnsWriteDuration, 'failover_dns_write_duration_seconds', { provider: 'azure' });
    expect(azure.count).toBe(1);
    expect(azure.sum).toBeCloseTo(0.04, 6);
    expect(
      (await histogram(metrics.dnsWriteDuration, 'failover_dns_write_duration_seconds', { provider: 'route53' })).count,
    ).toBeUndefined();
    expect(value(families, 'failover_published_generation', { service })).toBe(6);
  });

  it('tracks sync, drift, fail-open, conflicts and overrides', async () => {
    const { log, metrics } = setup();
    const service = 'app.example.test.';
    log.record({ type: 'provider-sync', provider: 'route53', service, before: 'in-sync', after: 'out-of-sync', reason: 'unreachable' });
    log.record({
      type: 'provider-sync',
      provider: 'route53',
      service: 'other.example.test.',
      before: 'in-sync',
      after: 'out-of-sync',
      reason: 'unreachable',
    });
    log.record({
      type: 'drift',
      provider: 'azure',
      service,
      name: service,
      expected: ['192.0.2.2'],
      found: ['203.0.113.9'],
      repaired: false,
      reason: 'hand edit',
    });
    log.record({ type: 'fail-open', service, addresses: ['192.0.2.1'], active: true, reason: 'nothing usable' });
    log.record({ type: 'conflict', service, generation: 7, provider: 'clouddns', kind: 'cas', names: [service], reason: 'lost CAS' });
    log.record({ type: 'override', action: 'drain', operator: 'alice', cloud: 'aws', reason: 'maintenance' });
    let families = await scrape(metrics);
    expect(value(families, 'failover_provider_out_of_sync', { provider: 'route53' })).toBe(1);
    expect(value(families, 'failover_provider_out_of_sync', { provider: 'azure' })).toBe(0);
    expect(value(families, 'failover_drift_total', { provider: 'azure' })).toBe(1);
    expect(value(families, 'failover_fail_open', { service })).toBe(1);
    expect(value(families, 'failover_conflicts_total', { service, kind: 'cas' })).toBe(1);
    expect(value(families, 'failover_overrides_total', { action: 'drain' })).toBe(1);

    // Still out of sync while one of its services is; back to 0 when both are in sync.
    log.record({ type: 'provider-sync', provider: 'route53', service, before: 'out-of-sync', after: 'in-sync', reason: 'converged' });
    families = await scrape(metrics);
    expect(value(families, 'failover_provider_out_of_sync', { provider: 'route53' })).toBe(1);
    log.record({
      type: 'provider-sync',
      provider: 'route53',
      service: 'other.example.test.',
      before: 'out-of-sync',
      after: 'in-sync',
      reason: 'converged',
    });
    log.record({ type: 'fail-open', service, addresses: ['192.0.2.2'], active: false, reason: 'over' });
    families = await scrape(metrics);
    expect(value(families, 'failover_provider_out_of_sync', { provider: 'route53' })).toBe(0);
    expect(value(families, 'failover_fail_open', { service })).toBe(0);
  });

  it('adds process metrics under the failover_ prefix on request, still a valid exposition', async () => {
    const metrics = new ControllerMetrics({ processMetrics: true });
    const families = await scrape(metrics);
    expect(families.get('failover_process_cpu_seconds_total')?.type).toBe('COUNTER');
    expect(families.get('failover_nodejs_eventloop_lag_seconds')?.type).toBe('GAUGE');
  });

  it('serves GET /metrics in the Prometheus text format', async () => {
    const { log, metrics } = setup();
    log.record({ type: 'override', action: 'pause', operator: 'bob', service: 'app.example.test.', reason: 'investigating' });
    const app = express();
    app.get('/metrics', metricsHandler(metrics));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const families = new Map(parseExposition(await res.text()).map((f) => [f.name, f]));
      expect(value(families, 'failover_overrides_total', { action: 'pause' })).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
