/**
 * Per-probe metrics on the real controller API: the local topology hands the
 * controller's health monitor to startControllerApi, so every probe of every
 * target from every vantage point is counted (failover_probes_total) and timed
 * (failover_probe_duration_seconds). Scraped over HTTP and parsed with
 * parse-prometheus-text-format; the counters must move between scrapes, and a
 * cloud taken down shows up as failed probes.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPOLOGY_CLOUDS } from '../../src/drills/topology-config.js';
import { startTopology, type Topology } from '../../apps/topology/topology.js';

/** prom2json-shaped output of parse-prometheus-text-format (it ships no types). */
interface Family {
  name: string;
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  metrics: { value?: string; labels?: Record<string, string> }[];
}
const parseExposition = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => Family[];

let topo: Topology;

beforeAll(async () => {
  topo = await startTopology({
    freePorts: true,
    health: { intervalMs: 300, fastIntervalMs: 150, timeoutMs: 150, rise: 2, fall: 3 },
    dwellMs: 300,
    traffic: false,
  });
});

afterAll(async () => {
  await topo?.stop();
});

/** Probes per "target vantage" (all results summed), probes per "target vantage result", and histogram counts per "target vantage". */
async function scrape() {
  const res = await fetch(`${topo.api.url}/metrics`);
  expect(res.status).toBe(200);
  const text = await res.text();
  const families = new Map(parseExposition(text).map((f) => [f.name, f]));
  const probes = families.get('failover_probes_total');
  const durations = families.get('failover_probe_duration_seconds');
  expect(probes?.type).toBe('COUNTER');
  expect(durations?.type).toBe('HISTOGRAM');
  const byPair = new Map<string, number>();
  const byResult = new Map<string, number>();
  for (const m of probes?.metrics ?? []) {
    const l = m.labels ?? {};
    const pair = `${l.target} ${l.vantage}`;
    byPair.set(pair, (byPair.get(pair) ?? 0) + Number(m.value));
    byResult.set(`${pair} ${l.result}`, Number(m.value));
  }
  // The parser loses a histogram's labels when `le` comes first, as prom-client writes it: its _count lines are read directly.
  const observed = new Map(
    [...text.matchAll(/^failover_probe_duration_seconds_count\{target="([^"]+)",vantage="([^"]+)"\} (\d+)$/gm)].map((m) => [
      `${m[1]} ${m[2]}`,
      Number(m[3]),
    ]),
  );
  return { byPair, byResult, observed };
}

async function eventually<T>(what: string, check: () => Promise<T | undefined>, withinMs = 10_000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const got = await check();
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('probe metrics of the local topology', () => {
  it('counts and times every probe per target × vantage point, and the counters move', async () => {
    const targets = topo.controller.monitorSnapshot().targets.map((t) => t.targetId);
    const vantages = topo.config.health.vantagePoints.map((v) => v.id);
    expect(targets).toHaveLength(TOPOLOGY_CLOUDS.length);
    expect(vantages).toHaveLength(3);
    const pairs = targets.flatMap((t) => vantages.map((v) => `${t} ${v}`));

    // Probes start spread over the fast interval (no synchronized burst), so wait until every pair has answered once.
    const first = await eventually('an ok probe from every pair', async () => {
      const s = await scrape();
      return pairs.every((p) => (s.byResult.get(`${p} ok`) ?? 0) > 0) ? s : undefined;
    });
    expect([...first.byPair.keys()].sort()).toEqual([...pairs].sort());
    for (const pair of pairs) {
      expect(first.byResult.get(`${pair} ok`), pair).toBeGreaterThan(0);
      expect(first.observed.get(pair), pair).toBeGreaterThan(0);
    }

    // Every pair keeps being probed: each counter (and histogram count) grows.
    await eventually('every probe counter to grow', async () => {
      const next = await scrape();
      return pairs.every(
        (p) => (next.byPair.get(p) ?? 0) > (first.byPair.get(p) ?? 0) && (next.observed.get(p) ?? 0) > (first.observed.get(p) ?? 0),
      )
        ? next
        : undefined;
    });

    // A cloud that refuses connections: its probes fail from every vantage point, the others stay ok.
    const gcp = targets.find((t) => t.startsWith('gcp')) as string;
    await topo.chaosCloud('gcp', 'down');
    const failing = await eventually('failed probes of gcp from every vantage point', async () => {
      const next = await scrape();
      return vantages.every((v) => (next.byResult.get(`${gcp} ${v} error`) ?? 0) + (next.byResult.get(`${gcp} ${v} circuit_open`) ?? 0) > 0)
        ? next
        : undefined;
    });
    for (const t of targets.filter((x) => x !== gcp))
      for (const v of vantages) expect(failing.byResult.get(`${t} ${v} error`) ?? 0, `${t} ${v}`).toBe(0);
    await topo.chaosCloud('gcp', 'heal');
  });
});
