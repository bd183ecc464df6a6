/**
 * Drill reports as text: one block per drill (every figure, the bounds they
 * are compared with, each invariant), and one table for `failover drill all`.
 * Pure: a report in, lines out.
 */
import type { DrillReport } from './report.js';

const ms = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : `${v}`);

function perProvider(values: Readonly<Record<string, number | null>>): string {
  const entries = Object.entries(values);
  return entries.length === 0 ? '—' : entries.map(([p, v]) => `${p} ${ms(v)}`).join(', ');
}

/** A race report carries both sides; the others do not. */
interface RaceSides {
  readonly controller: Readonly<Record<string, unknown>>;
  readonly naive: Readonly<Record<string, unknown>>;
}

const isRace = (r: DrillReport): r is DrillReport & RaceSides =>
  typeof (r as Partial<RaceSides>).controller === 'object' && typeof (r as Partial<RaceSides>).naive === 'object';

function table(rows: readonly (readonly string[])[], indent = ''): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map(
    (r) =>
      indent +
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
  );
}

function detailValue(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(detailValue).join('; ');
  return JSON.stringify(v);
}

/** The block printed after one drill. */
export function formatReport(r: DrillReport): string {
  const lines = [`drill ${r.scenario}: ${r.ok ? 'PASS' : 'FAIL'} (${(r.duration_ms / 1000).toFixed(1)} s)`];
  if (isRace(r)) {
    const keys = [...new Set([...Object.keys(r.controller), ...Object.keys(r.naive)])].filter(
      (k) => typeof r.controller[k] === 'number' || typeof r.naive[k] === 'number',
    );
    lines.push(
      ...table([['', 'controller', 'naive'], ...keys.map((k) => [k, detailValue(r.controller[k]), detailValue(r.naive[k])])], '  '),
    );
  } else {
    lines.push(
      ...table(
        [
          ['detect_ms', ms(r.detect_ms), `worst case ${r.detection_floor_ms} = interval + (fall−1) × fast interval + timeout`],
          ['publish_ms', perProvider(r.publish_ms), 'decision → write acknowledged'],
          ['rto_ms', ms(r.rto_ms), 'fault → every reachable provider answers the new target'],
          ['client_error_window_ms', ms(r.client_error_window_ms), `client_errors ${ms(r.client_errors)}`],
          ['empty_answers', String(r.empty_answers), 'must be 0'],
          ['stale_writes_applied', String(r.stale_writes_applied), 'must be 0'],
          ['api_calls', perProvider(r.api_calls), `${r.writes} publish(es) took effect`],
        ],
        '  ',
      ),
    );
  }
  lines.push('  invariants:');
  for (const i of r.invariants) lines.push(`    ${i.ok ? 'ok  ' : 'FAIL'} ${i.name}: ${i.detail}`);
  const details = Object.entries(r.details).filter(([k]) => k !== 'settings');
  if (details.length > 0) {
    lines.push('  details:');
    lines.push(
      ...table(
        details.map(([k, v]) => [k, detailValue(v)]),
        '    ',
      ),
    );
  }
  return lines.join('\n');
}

/** The one table `failover drill all` ends with. */
export function formatTable(reports: readonly DrillReport[]): string {
  const header = [
    'drill',
    'result',
    'detect_ms',
    'publish_ms (r53/azure/gcp)',
    'rto_ms',
    'client errors (window ms)',
    'empty',
    'stale',
    'api_calls',
    'failed invariants',
  ];
  const rows = reports.map((r) => {
    const p = r.publish_ms;
    const publish = Object.keys(p).length === 0 ? '—' : [p.route53, p.azure, p.clouddns].map(ms).join('/');
    const failed = r.invariants.filter((i) => !i.ok).map((i) => i.name);
    const calls = Object.values(r.api_calls).reduce((a, b) => a + b, 0);
    const empty = isRace(r) ? `${r.empty_answers} (naive ${detailValue(r.naive.empty_answers)})` : String(r.empty_answers);
    const stale = isRace(r)
      ? `${r.stale_writes_applied} (naive ${detailValue(r.naive.stale_writes_applied)})`
      : String(r.stale_writes_applied);
    return [
      r.scenario,
      r.ok ? 'PASS' : 'FAIL',
      ms(r.detect_ms),
      publish,
      ms(r.rto_ms),
      r.client_errors === null ? '—' : `${r.client_errors} (${ms(r.client_error_window_ms)})`,
      empty,
      stale,
      String(calls),
      failed.join(', ') || '—',
    ];
  });
  const passed = reports.filter((r) => r.ok).length;
  return [...table([header, ...rows]), '', `${passed} of ${reports.length} drills passed`].join('\n');
}
