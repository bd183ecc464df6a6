/**
 * The controller's /metrics as Prometheus tooling sees it, on the real local
 * topology: `promtool check metrics` (the naming conventions: `_total` only on
 * counters, base units, no unit-less durations) finds nothing on a real scrape;
 * every metric the alerting rules, the Grafana dashboard and docs/operations.md
 * name exists in that scrape; the dashboard's queries parse as PromQL (promtool
 * checks them as recording rules); and failover_publish_pending, the input of
 * the "not publishing" alert, goes to 1 while a decided answer reaches no
 * provider and back to 0 once one takes it.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTopology, type Topology } from '../../apps/topology/topology.js';

const ROOT = join(import.meta.dirname, '..', '..');
const OBS = join(ROOT, 'infra', 'observability');
const run = promisify(execFile);
let topo: Topology;

beforeAll(async () => {
  topo = await startTopology({ freePorts: true, traffic: false, dwellMs: 0 });
}, 60_000);

afterAll(async () => {
  await topo?.stop();
});

async function scrapeText(): Promise<string> {
  const res = await fetch(`${topo.api.url}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

/** `promtool check metrics` reads the exposition on stdin; it exits 0 and prints nothing when every name is fine. */
function checkMetrics(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.on('error', (err) =>
      reject(
        (err as NodeJS.ErrnoException).code === 'ENOENT' ? new Error("promtool is not installed: Debian's 'prometheus' package") : err,
      ),
    );
    child.on('exit', (code) => resolve({ code, output }));
    child.stdin.end(text);
  });
}

/** Metric families a PromQL expression or a doc names (histogram series map to their family). */
function metricNames(text: string): Set<string> {
  return new Set([...text.matchAll(/\bfailover_[a-z0-9_]*[a-z0-9]/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, '')));
}

function familiesOf(exposition: string): Set<string> {
  return new Set([...exposition.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
}

interface Dashboard {
  panels: { title: string; targets?: { expr: string }[] }[];
  annotations: { list: { expr?: string }[] };
}

const dashboard = JSON.parse(readFileSync(join(OBS, 'grafana-dashboard.json'), 'utf8')) as Dashboard;
const dashboardExprs = [
  ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
  ...dashboard.annotations.list.flatMap((a) => (a.expr !== undefined ? [a.expr] : [])),
];
const alertExprs = (parse(readFileSync(join(OBS, 'alerts.yml'), 'utf8')) as { groups: { rules: { expr: string }[] }[] }).groups.flatMap(
  (g) => g.rules.map((r) => r.expr),
);

describe('/metrics and its consumers', () => {
  it('passes promtool check metrics on a real scrape, and every metric the alerts, the dashboard and the docs name exists', async () => {
    await topo.controller.idle();
    const text = await scrapeText();
    const lint = await checkMetrics(text);
    expect(lint.output).toBe('');
    expect(lint.code).toBe(0);

    const families = familiesOf(text);
    const docs = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8');
    const named = new Map<string, Set<string>>([
      ['alerts.yml', metricNames(alertExprs.join('\n'))],
      ['grafana-dashboard.json', metricNames(dashboardExprs.join('\n'))],
      // The metrics table of docs/operations.md (the process metrics are a prefix there, not names).
      ['docs/operations.md', new Set([...metricNames(docs)].filter((n) => !/^failover_(process|nodejs)$/.test(n)))],
    ]);
    for (const [where, names] of named) {
      expect(names.size, where).toBeGreaterThan(3);
      for (const name of names) expect(families.has(name), `${where} names ${name}, which /metrics does not have`).toBe(true);
    }
    // Every metric of our own is documented, used by the dashboard, or both.
    for (const family of families) {
      if (/^failover_(process|nodejs)_/.test(family)) continue;
      expect(named.get('docs/operations.md')!.has(family), `${family} is not in docs/operations.md`).toBe(true);
    }
  }, 60_000);

  it("the dashboard's queries are valid PromQL (promtool checks them as recording rules)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dashboard-rules-'));
    try {
      const rules = dashboardExprs.map((expr, i) => ({
        record: `dashboard:query_${i}`,
        // Grafana's variables, as Grafana substitutes them.
        expr: expr.replaceAll('$__rate_interval', '2m').replaceAll('$job', '.*'),
      }));
      writeFileSync(join(dir, 'dashboard.rules.yml'), JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
      const { stdout } = await run('promtool', ['check', 'rules', 'dashboard.rules.yml'], { cwd: dir });
      expect(stdout).toContain(`SUCCESS: ${rules.length} rules found`);
      expect(rules.length).toBeGreaterThanOrEqual(14);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('failover_publish_pending is 1 while a decided answer reaches no provider, 0 once one takes it', async () => {
    const pending = async () => {
      const m = /^failover_publish_pending\{service="app\.example\.test\."\} (\d+)$/m.exec(await scrapeText());
      expect(m, 'failover_publish_pending for the service').not.toBeNull();
      return Number(m![1]);
    };
    expect(await pending()).toBe(0);
    for (const provider of ['route53', 'azure', 'clouddns'] as const) await topo.chaosProvider(provider, 'api-down');
    await topo.controller.drain('aws', { operator: 'test', reason: 'every provider API is down' });
    const start = Date.now();
    while ((await pending()) !== 1) {
      expect(Date.now() - start, 'publish_pending should turn 1').toBeLessThan(15_000);
      await new Promise((r) => setTimeout(r, 100));
    }
    await topo.chaosProvider('azure', 'heal');
    while ((await pending()) !== 0) {
      expect(Date.now() - start, 'publish_pending should return to 0 once Azure DNS takes the write').toBeLessThan(60_000);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 90_000);
});
