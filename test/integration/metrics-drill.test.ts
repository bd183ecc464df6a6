/**
 * /metrics of the real controller while a failover runs: the local topology
 * (emulators, sample services, the controller over the official SDKs and its
 * API), scraped over HTTP before and after an AWS outage. Both scrapes must
 * parse as Prometheus text exposition (parse-prometheus-text-format throws on
 * any line it cannot read), and the counters must have moved: a conditional
 * write acknowledged by every provider, a changed decision, AWS down.
 */
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUD_ADDRESSES, TOPOLOGY_PROVIDERS } from '../../src/drills/topology-config.js';
import { startTopology, type Topology } from '../../apps/topology/topology.js';

/** prom2json-shaped output of parse-prometheus-text-format (it ships no types). */
interface Family {
  name: string;
  help: string;
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  metrics: { value?: string; labels?: Record<string, string>; buckets?: Record<string, string>; count?: string }[];
}
const parseExposition = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => Family[];

let topo: Topology;

beforeAll(async () => {
  topo = await startTopology({
    freePorts: true,
    health: { intervalMs: 400, fastIntervalMs: 200, timeoutMs: 200, rise: 2, fall: 3 },
    dwellMs: 300,
    ttl: 1,
    traffic: false,
  });
});

afterAll(async () => {
  await topo?.stop();
});

interface Scrape {
  readonly families: Map<string, Family>;
  /** The sample with exactly these labels; 0 when the series does not exist (yet). */
  value(name: string, labels?: Record<string, string>): number;
  /** Every sample of a family summed (e.g. all decision kinds). */
  total(name: string): number;
}

async function scrape(): Promise<Scrape> {
  const res = await fetch(`${topo.api.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const families = new Map(parseExposition(await res.text()).map((f) => [f.name, f]));
  const family = (name: string) => {
    const f = families.get(name);
    if (f === undefined) throw new Error(`no metric family ${name} in the exposition; families: ${[...families.keys()].join(', ')}`);
    return f;
  };
  return {
    families,
    value(name, labels = {}) {
      const m = family(name).metrics.find(
        (s) =>
          Object.keys(s.labels ?? {}).length === Object.keys(labels).length &&
          Object.entries(labels).every(([k, v]) => s.labels?.[k] === v),
      );
      return m?.value === undefined ? 0 : Number(m.value);
    },
    total: (name) => family(name).metrics.reduce((n, s) => n + Number(s.value ?? 0), 0),
  };
}

describe('/metrics during a failover', () => {
  it('parses as Prometheus exposition before and after, and the write, decision and health series move', async () => {
    // The first publish is on every provider (startTopology waits for it); let its write event land too.
    await topo.controller.idle();
    const service = topo.serviceName;
    const before = await scrape();

    // Every family is typed and documented; names follow the conventions the docs promise.
    for (const f of before.families.values()) {
      expect(f.help, f.name).not.toBe('');
      expect(['COUNTER', 'GAUGE', 'HISTOGRAM', 'SUMMARY'], f.name).toContain(f.type);
      if (f.type === 'COUNTER') expect(f.name, 'counters end in _total').toMatch(/_total$/);
      expect(f.name).toMatch(/^failover_/);
    }
    expect(before.families.get('failover_dns_writes_total')?.type).toBe('COUNTER');
    expect(before.families.get('failover_dns_write_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(before.value('failover_build_info', { version: 'unknown', node: process.version })).toBe(1);
    for (const provider of TOPOLOGY_PROVIDERS) {
      expect(before.value('failover_dns_writes_total', { provider, outcome: 'ok' }), provider).toBeGreaterThanOrEqual(1);
      expect(before.value('failover_provider_out_of_sync', { provider })).toBe(0);
    }
    expect(before.value('failover_target_state', { target: 'aws', cloud: 'aws', state: 'up' })).toBe(1);
    expect(before.value('failover_target_up', { target: 'aws', cloud: 'aws' })).toBe(1);
    expect(before.value('failover_fail_open', { service })).toBe(0);
    const firstGeneration = before.value('failover_published_generation', { service });
    expect(firstGeneration).toBeGreaterThanOrEqual(1);

    const faultAt = Date.now();
    await topo.chaosCloud('aws', 'down');
    while (topo.poller.firstTimeAllServe([CLOUD_ADDRESSES.azure], faultAt) === undefined) {
      expect(Date.now() - faultAt, 'every provider should answer Azure').toBeLessThan(10_000);
      await sleep(20);
    }
    await topo.controller.idle();
    const after = await scrape();

    for (const provider of TOPOLOGY_PROVIDERS) {
      expect(after.value('failover_dns_writes_total', { provider, outcome: 'ok' }), provider).toBe(
        before.value('failover_dns_writes_total', { provider, outcome: 'ok' }) + 1,
      );
      for (const outcome of ['conflict', 'throttled', 'error'])
        expect(after.value('failover_dns_writes_total', { provider, outcome }), `${provider} ${outcome}`).toBe(0);
      expect(after.value('failover_provider_out_of_sync', { provider })).toBe(0);
    }
    expect(after.value('failover_decisions_total', { service, kind: 'change' })).toBeGreaterThan(
      before.value('failover_decisions_total', { service, kind: 'change' }),
    );
    expect(after.total('failover_decisions_total')).toBeGreaterThan(before.total('failover_decisions_total'));
    expect(after.value('failover_published_generation', { service })).toBe(topo.controller.events.ofType('write').at(-1)?.generation);
    expect(after.value('failover_published_generation', { service })).toBeGreaterThan(firstGeneration);

    // AWS's verdict and every vantage point's view of it, as state sets.
    expect(after.value('failover_target_state', { target: 'aws', cloud: 'aws', state: 'down' })).toBe(1);
    expect(after.value('failover_target_state', { target: 'aws', cloud: 'aws', state: 'up' })).toBe(0);
    expect(after.value('failover_target_up', { target: 'aws', cloud: 'aws' })).toBe(0);
    expect(after.value('failover_target_up', { target: 'azure', cloud: 'azure' })).toBe(1);
    // Vantage points probe at spread phases: a quorum brought AWS down, the last one follows within its own cycle.
    let views = after;
    const allDown = (m: typeof after) =>
      topo.config.health.vantagePoints.every(
        (v) => m.value('failover_vantage_state', { target: 'aws', vantage: v.id, state: 'down' }) === 1,
      );
    while (!allDown(views) && Date.now() - faultAt < 30_000) {
      await sleep(50);
      views = await scrape();
    }
    for (const v of topo.config.health.vantagePoints) {
      expect(views.value('failover_vantage_state', { target: 'aws', vantage: v.id, state: 'down' }), v.id).toBe(1);
      expect(views.value('failover_vantage_state', { target: 'aws', vantage: v.id, state: 'up' }), v.id).toBe(0);
    }
    expect(after.value('failover_fail_open', { service })).toBe(0);
  });
});
