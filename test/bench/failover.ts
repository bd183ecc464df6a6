/**
 * The failover benchmark: runs the cloud-outage drill several times, each on a
 * fresh topology with the drill command's default timings and the fault
 * injected at a random phase of the probe cycle, prints each run's figures,
 * detection as a distribution (min, median, max) and the medians beside their
 * bounds:
 *
 *   detect_ms   ≤ interval + (fall − 1) × fast interval + timeout (the worst case: fault just after a good probe)
 *   publish_ms  < 300 for every provider
 *   rto_ms      ≤ detect_ms + 500
 *
 * Exits 1 when a median misses its bound or a run failed an invariant.
 *
 *   npm run bench:failover [-- --runs 5] [-- --json bench.json]
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { DrillReport } from '../../src/drills/report.js';

// As bin/failover.js does: the SDK's Node-version notice is noise here. Set before the SDKs load.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { DrillAborted, runDrill } = await import('../../src/drills/run-drill.js');
const { startTopology } = await import('../../apps/topology/topology.js');

export const PUBLISH_BOUND_MS = 300;
export const RTO_SLACK_MS = 500;
const MIN_RUNS = 5;
const PROVIDERS = ['route53', 'azure', 'clouddns'] as const;

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const numbers = (values: readonly (number | null)[]): number[] => values.filter((v): v is number => v !== null);
const cell = (v: number | null | undefined) => (v === null || v === undefined ? '—' : String(v));

interface Check {
  readonly figure: string;
  readonly median: number | null;
  readonly bound: string;
  readonly ok: boolean;
}

function checks(reports: readonly DrillReport[]): Check[] {
  const floor = reports[0]?.detection_floor_ms ?? 0;
  const detect = median(numbers(reports.map((r) => r.detect_ms)));
  const rto = median(numbers(reports.map((r) => r.rto_ms)));
  const out: Check[] = [
    {
      figure: 'detect_ms',
      median: detect,
      bound: `≤ ${floor} (worst case: interval + (fall−1) × fast interval + timeout)`,
      ok: detect !== null && detect <= floor,
    },
  ];
  for (const p of PROVIDERS) {
    const m = median(numbers(reports.map((r) => r.publish_ms[p] ?? null)));
    out.push({ figure: `publish_ms ${p}`, median: m, bound: `< ${PUBLISH_BOUND_MS}`, ok: m !== null && m < PUBLISH_BOUND_MS });
  }
  out.push({
    figure: 'rto_ms',
    median: rto,
    bound: detect === null ? 'detect_ms + 500' : `≤ ${detect + RTO_SLACK_MS} (median detect_ms + ${RTO_SLACK_MS})`,
    ok: rto !== null && detect !== null && rto <= detect + RTO_SLACK_MS,
  });
  return out;
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function main(): Promise<number> {
  let runs: number;
  let json: string | undefined;
  try {
    const { values } = parseArgs({ options: { runs: { type: 'string', default: String(MIN_RUNS) }, json: { type: 'string' } } });
    runs = Number(values.runs);
    json = values.json;
    if (!Number.isInteger(runs) || runs < MIN_RUNS)
      throw new Error(`--runs: expected a whole number of at least ${MIN_RUNS} (medians of fewer mean little), got '${values.runs}'`);
  } catch (err) {
    process.stderr.write(`bench:failover: ${(err as Error).message}\n`);
    return 2;
  }

  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  const reports: DrillReport[] = [];
  for (let i = 1; i <= runs; i++) {
    process.stderr.write(`run ${i}/${runs}: cloud-outage on a fresh topology\n`);
    try {
      reports.push(await runDrill('cloud-outage', { startTopology, signal: abort.signal }));
    } catch (err) {
      if (err instanceof DrillAborted) {
        process.stderr.write('interrupted; the topology was stopped\n');
        return 130;
      }
      throw err;
    }
  }

  const first = reports[0] as DrillReport;
  const s = first.details.settings as { health: Record<string, number>; dwellMs: number; ttl: number } | undefined;
  if (s)
    process.stdout.write(
      `timings: interval ${s.health.intervalMs} ms, fast ${s.health.fastIntervalMs} ms, timeout ${s.health.timeoutMs} ms, fall ${s.health.fall}, rise ${s.health.rise}, dwell ${s.dwellMs} ms, TTL ${s.ttl} s\n\n`,
    );
  process.stdout.write(
    `${table([
      [
        'run',
        'phase_ms',
        'detect_ms',
        'publish route53',
        'publish azure',
        'publish clouddns',
        'rto_ms',
        'client_errors',
        'window_ms',
        'invariants',
      ],
      ...reports.map((r, i) => [
        String(i + 1),
        cell(r.details.injection_delay_ms as number | undefined),
        cell(r.detect_ms),
        ...PROVIDERS.map((p) => cell(r.publish_ms[p])),
        cell(r.rto_ms),
        cell(r.client_errors),
        cell(r.client_error_window_ms),
        r.ok
          ? 'ok'
          : `FAIL: ${r.invariants
              .filter((x) => !x.ok)
              .map((x) => x.name)
              .join(', ')}`,
      ]),
    ])}\n\n`,
  );
  const detects = numbers(reports.map((r) => r.detect_ms)).sort((a, b) => a - b);
  if (detects.length > 0)
    process.stdout.write(
      `detect_ms over ${detects.length} runs, fault at a random phase of the probe cycle: min ${detects[0]}, median ${median(detects)}, max ${detects.at(-1)} (worst case ${first.detection_floor_ms})\n\n`,
    );
  const results = checks(reports);
  process.stdout.write(
    `${table([['median of', 'value', 'bound', ''], ...results.map((c) => [c.figure, cell(c.median), c.bound, c.ok ? 'ok' : 'MISSED'])])}\n`,
  );
  const failedRuns = reports.filter((r) => !r.ok).length;
  const ok = results.every((c) => c.ok) && failedRuns === 0;
  process.stdout.write(
    `\n${ok ? 'every median within its bound' : `${results.filter((c) => !c.ok).length} median(s) missed, ${failedRuns} run(s) failed an invariant`}\n`,
  );
  if (json !== undefined) await writeFile(json, `${JSON.stringify({ ok, medians: results, runs: reports }, null, 2)}\n`);
  return ok ? 0 : 1;
}

process.exitCode = await main();
