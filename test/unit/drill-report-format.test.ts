/** Drill reports as text: the per-drill block (figures, bounds, invariants) and the `drill all` table. */
import { describe, expect, it } from 'vitest';
import type { DrillReport } from '../../src/drills/report.js';
import { formatReport, formatTable } from '../../src/drills/report-format.js';
import type { RaceSection } from '../../src/drills/race/race-report.js';
import { raceReport } from '../../src/drills/scenarios/race.js';

const section = (s: Partial<RaceSection>): RaceSection => ({
  interleavings: 21,
  failed_interleavings: 0,
  empty_answers: 0,
  empty_states: 0,
  stale_writes_applied: 0,
  acknowledged_plans_lost: 0,
  not_converged: 0,
  writes: 12,
  conflicts: 0,
  crashed_writers: 0,
  outages: 0,
  steps: 100,
  ...s,
});

const outage: DrillReport = {
  scenario: 'cloud-outage',
  ok: true,
  started_at: '2026-01-01T00:00:00.000Z',
  duration_ms: 3567,
  detect_ms: 1361,
  publish_ms: { route53: 65, azure: 72, clouddns: 63 },
  rto_ms: 1432,
  client_error_window_ms: 1474,
  client_errors: 29,
  empty_answers: 0,
  stale_writes_applied: 0,
  api_calls: { route53: 2, azure: 3, clouddns: 2 },
  detection_floor_ms: 2500,
  writes: 1,
  invariants: [
    { name: 'never-empty (I1)', ok: true, detail: '0 empty answers polled' },
    { name: 'detected within the floor', ok: true, detail: '1361 ms ≤ 2500 ms' },
  ],
  details: { moved_to: 'azure', client_errors_by_kind: { 'connect-refused': 29 }, settings: { dwellMs: 3000 } },
};

const partitionFailed: DrillReport = {
  ...outage,
  scenario: 'partition',
  ok: false,
  detect_ms: null,
  publish_ms: { route53: null, azure: null, clouddns: null },
  rto_ms: null,
  client_error_window_ms: 0,
  client_errors: 0,
  writes: 0,
  invariants: [{ name: 'no failover', ok: false, detail: '1 publish(es)' }],
  details: {},
};

describe('formatReport', () => {
  it('prints every figure with its bound, each invariant, and the details except the settings', () => {
    const text = formatReport(outage);
    expect(text.split('\n')[0]).toBe('drill cloud-outage: PASS (3.6 s)');
    expect(text).toMatch(/detect_ms\s+1361\s+worst case 2500 = interval \+ \(fall−1\) × fast interval \+ timeout$/m);
    expect(text).toMatch(/publish_ms\s+route53 65, azure 72, clouddns 63/);
    expect(text).toMatch(/rto_ms\s+1432/);
    expect(text).toMatch(/client_error_window_ms\s+1474\s+client_errors 29/);
    expect(text).toMatch(/empty_answers\s+0\s+must be 0/);
    expect(text).toMatch(/stale_writes_applied\s+0\s+must be 0/);
    expect(text).toMatch(/api_calls\s+route53 2, azure 3, clouddns 2\s+1 publish\(es\) took effect/);
    expect(text).toContain('ok   detected within the floor: 1361 ms ≤ 2500 ms');
    expect(text).toMatch(/client_errors_by_kind\s+\{"connect-refused":29\}/);
    expect(text).not.toContain('settings');
  });

  it('shows missing figures as a dash and failed invariants as FAIL', () => {
    const text = formatReport(partitionFailed);
    expect(text.split('\n')[0]).toBe('drill partition: FAIL (3.6 s)');
    expect(text).toMatch(/detect_ms\s+—/);
    expect(text).toMatch(/publish_ms\s+route53 —, azure —, clouddns —/);
    expect(text).toContain('FAIL no failover: 1 publish(es)');
  });

  it('prints the race’s two sides next to each other', () => {
    const race = raceReport(
      { controller: section({ conflicts: 5 }), naive: section({ empty_answers: 7, stale_writes_applied: 3, failed_interleavings: 4 }) },
      0,
      2000,
    );
    const lines = formatReport(race).split('\n');
    expect(lines[0]).toBe('drill race: PASS (2.0 s)');
    expect(lines[1]).toMatch(/^\s+controller\s+naive$/);
    expect(lines).toContainEqual(expect.stringMatching(/^\s+empty_answers\s+0\s+7$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\s+stale_writes_applied\s+0\s+3$/));
  });
});

describe('formatTable', () => {
  it('has one row per drill, failed invariants named, and a count of passes', () => {
    const race = raceReport({ controller: section({}), naive: section({ empty_answers: 7, stale_writes_applied: 3 }) }, 0, 2000);
    const lines = formatTable([outage, race, partitionFailed]).split('\n');
    expect(lines[0]).toMatch(
      /^drill\s+result\s+detect_ms\s+publish_ms \(r53\/azure\/gcp\)\s+rto_ms\s+client errors \(window ms\)\s+empty\s+stale\s+api_calls\s+failed invariants$/,
    );
    expect(lines[1]).toMatch(/^cloud-outage\s+PASS\s+1361\s+65\/72\/63\s+1432\s+29 \(1474\)\s+0\s+0\s+7\s+—$/);
    expect(lines[2]).toMatch(/^race\s+PASS\s+—\s+—\s+—\s+—\s+0 \(naive 7\)\s+0 \(naive 3\)\s+0\s+—$/);
    expect(lines[3]).toMatch(/^partition\s+FAIL\s+—\s+—\/—\/—\s+—\s+0 \(0\)\s+0\s+0\s+7\s+no failover$/);
    expect(lines.at(-1)).toBe('2 of 3 drills passed');
  });
});

describe('raceReport', () => {
  it('passes only when the product side has no empty answer or state, no stale write, and converged', () => {
    const good = raceReport(
      { controller: section({}), naive: section({ empty_answers: 4, stale_writes_applied: 1, not_converged: 2 }) },
      0,
      1,
      { apiCalls: { route53: 10 } },
    );
    expect(good.ok).toBe(true);
    expect(good).toMatchObject({
      scenario: 'race',
      empty_answers: 0,
      stale_writes_applied: 0,
      writes: 12,
      api_calls: { route53: 10 },
      detect_ms: null,
    });
    const bad = raceReport(
      {
        controller: section({ empty_answers: 1, stale_writes_applied: 2, not_converged: 1 }),
        naive: section({ empty_answers: 4, stale_writes_applied: 1 }),
      },
      0,
      1,
    );
    expect(bad.ok).toBe(false);
    expect(bad.invariants).toEqual([
      { name: 'never-empty (I1)', ok: false, detail: 'controller 1 empty answers, 0 empty states; naive 4, 0' },
      { name: 'no-stale-write (I2)', ok: false, detail: 'controller 2 stale writes applied; naive 1' },
      {
        name: 'converged (I4)',
        ok: false,
        detail: 'controller: 20 of 21 races ended with every provider on the newest plan; naive 21 of 21',
      },
    ]);
    expect(bad).toMatchObject({
      empty_answers: 1,
      stale_writes_applied: 2,
      controller: { empty_answers: 1 },
      naive: { stale_writes_applied: 1 },
    });
    expect(raceReport({ controller: section({ empty_states: 1 }), naive: section({}) }, 0, 1).ok).toBe(false);
  });
});
