/** The drill report's figures and common invariants, from synthetic recordings. */
import { describe, expect, it } from 'vitest';
import {
  apiCallTotals,
  buildReport,
  computeFigures,
  countersSince,
  detectionFloors,
  detectMs,
  historyFrom,
  movingWrite,
  publishMs,
  servedAfter,
  staleWritesFromEvents,
  staleWritesFromGenerations,
  within,
} from '../../src/drills/report.js';
import { acknowledged, AWS, AZURE, decision, log, observations, requests, span, verdict, write } from './drill-report-fixtures.js';

const F = 10_000; // fault injected

/** AWS fails at F: down verdict at F+1400, decision F+1410, write acknowledged, DNS follows. */
const outage = log(
  write(5_000, 1, [], [AWS]),
  verdict(F + 700, 'aws', 'up', 'unknown'),
  verdict(F + 1400, 'aws', 'unknown', 'down'),
  decision(F + 1410, [AZURE], { before: [AWS], urgent: true }),
  write(F + 1480, 2, [AWS], [AZURE], [acknowledged('route53', 60), acknowledged('azure', 70), acknowledged('clouddns', 55)]),
);
const answers = {
  route53: [span(5_000, F + 1470, [AWS]), span(F + 1475, F + 5000, [AZURE])],
  azure: [span(5_000, F + 1478, [AWS]), span(F + 1481, F + 5000, [AZURE])],
  clouddns: [span(5_000, F + 1465, [AWS]), span(F + 1469, F + 5000, [AZURE])],
};

describe('detection floors', () => {
  it('is interval + (fall−1) × fast interval + timeout, the one formula the probe schedule has', () => {
    expect(detectionFloors({ intervalMs: 1000, fastIntervalMs: 500, timeoutMs: 500, rise: 2, fall: 3 })).toEqual({ design: 2500 });
    expect(detectionFloors({ intervalMs: 2000, fastIntervalMs: 500, timeoutMs: 300, rise: 2, fall: 4 })).toEqual({ design: 3800 });
    // docs/examples/production.yaml and docs/deploy.md: 10 s + 2 × 2 s + 2 s.
    expect(detectionFloors({ intervalMs: 10_000, fastIntervalMs: 2_000, timeoutMs: 2_000, rise: 2, fall: 3 })).toEqual({ design: 16_000 });
  });
});

describe('detect_ms', () => {
  it('is fault → the first down verdict of the target at or after the fault', () => {
    expect(detectMs(outage, 'aws', F)).toBe(1400);
  });
  it('ignores other targets, verdicts before the fault, and is null when none came', () => {
    const events = log(verdict(F - 100, 'aws', 'up', 'down'), verdict(F + 300, 'azure', 'up', 'down'));
    expect(detectMs(events, 'aws', F)).toBeNull();
    expect(detectMs(events, 'azure', F)).toBe(300);
    expect(detectMs(outage, undefined, F)).toBeNull();
  });
});

describe('publish_ms', () => {
  it('takes each provider’s decision → acknowledged latency from the write that moved the answer', () => {
    const moved = movingWrite(outage, [AZURE], F);
    expect(moved?.generation).toBe(2);
    expect(publishMs(moved, ['route53', 'azure', 'clouddns'])).toEqual({ route53: 60, azure: 70, clouddns: 55 });
  });
  it('is null for a provider that did not take the write (API down) and skips writes that changed nothing', () => {
    const events = log(
      write(
        F + 100,
        2,
        [AWS],
        [AZURE],
        [
          { provider: 'route53', result: 'out-of-sync', apiCalls: 0, changes: 0 },
          { ...acknowledged('azure', 70), changes: 0 },
          { ...acknowledged('clouddns', 80), changes: 0 },
        ],
      ),
      write(
        F + 900,
        3,
        [AWS],
        [AZURE],
        [{ provider: 'route53', result: 'out-of-sync', apiCalls: 0, changes: 0 }, acknowledged('azure', 90), acknowledged('clouddns', 95)],
        'partial',
      ),
    );
    const moved = movingWrite(events, [AZURE], F);
    expect(moved?.generation).toBe(3);
    expect(publishMs(moved, ['route53', 'azure', 'clouddns'])).toEqual({ route53: null, azure: 90, clouddns: 95 });
    expect(publishMs(undefined, ['route53'])).toEqual({ route53: null });
  });
});

describe('rto_ms', () => {
  it('is fault → the moment the last provider serves the new answer', () => {
    expect(servedAfter(answers, [AZURE], F, ['route53', 'azure', 'clouddns'])).toBe(1481);
  });
  it('counts only the reachable providers when asked', () => {
    const lagging = { ...answers, route53: [span(5_000, F + 9000, [AWS])] };
    expect(servedAfter(lagging, [AZURE], F, ['route53', 'azure', 'clouddns'])).toBeNull();
    expect(servedAfter(lagging, [AZURE], F, ['azure', 'clouddns'])).toBe(1481);
  });
  it('rebuilds the poller’s history from its runs', () => {
    const h = historyFrom(answers);
    expect(h.answerAt('azure', F + 1479)?.addresses).toEqual([AWS]);
    expect(h.answerAt('azure', F + 1481)?.addresses).toEqual([AZURE]);
  });
});

describe('stale_writes_applied', () => {
  it('counts publishes that took effect below a generation already published', () => {
    const events = log(write(1, 3, [], [AWS]), write(2, 2, [AWS], [AZURE]), write(3, 4, [AZURE], [AWS]), write(4, 4, [AWS], [AWS]));
    expect(staleWritesFromEvents(events)).toEqual({ count: 1, generations: [2] });
  });
  it('ignores publishes nobody took (refused, failed, nothing changed)', () => {
    const events = log(
      write(1, 3, [], [AWS]),
      write(2, 2, [AWS], [AZURE], undefined, 'refused'),
      write(3, 1, [AWS], [AZURE], [{ ...acknowledged('azure', 5), changes: 0 }]),
    );
    expect(staleWritesFromEvents(events).count).toBe(0);
  });
  it('counts an emulator’s ownership generation going below one held anywhere, once per change', () => {
    const applied = [
      { provider: 'route53', at: 1, generation: 1 },
      { provider: 'azure', at: 1, generation: 1 },
      { provider: 'route53', at: 5, generation: 3 },
      // Azure's record write before its ownership write: same generation seen again, not a change.
      { provider: 'azure', at: 6, generation: 1 },
      { provider: 'azure', at: 7, generation: 3 },
      { provider: 'clouddns', at: 8, generation: 2 },
      { provider: 'clouddns', at: 9, generation: 2 },
    ];
    expect(staleWritesFromGenerations(applied)).toEqual({ count: 1, samples: [{ provider: 'clouddns', at: 8, generation: 2 }] });
  });
});

describe('api_calls', () => {
  it('sums every operation per provider, counted since the drill’s baseline', () => {
    const zero = { total: 0, ok: 0, client_error: 0, server_error: 0, throttled: 0, injected_error: 0 };
    const before = { ListResourceRecordSets: { ...zero, total: 4, ok: 4 } };
    const after = {
      ListResourceRecordSets: { ...zero, total: 6, ok: 6 },
      ChangeResourceRecordSets: { ...zero, total: 1, ok: 1 },
      GetChange: { ...zero, total: 0 },
    };
    const since = countersSince(before, after);
    expect(since).toEqual({ ListResourceRecordSets: { ...zero, total: 2, ok: 2 }, ChangeResourceRecordSets: { ...zero, total: 1, ok: 1 } });
    expect(apiCallTotals({ route53: since, azure: {} })).toEqual({ route53: 3, azure: 0 });
  });
});

describe('the whole report', () => {
  const traffic = [...requests(F - 1000, 20, 'aws'), ...requests(F, 30, '!connect-refused', 21), ...requests(F + 1500, 20, 'azure', 51)];
  const obs = observations({
    faultAt: F,
    endedAt: F + 5000,
    faultTarget: 'aws',
    expectedAnswer: [AZURE],
    events: outage,
    answers,
    traffic,
    trafficEmptyAnswers: 0,
  });

  it('computes every figure of the report', () => {
    const f = computeFigures(obs);
    expect(f).toMatchObject({
      detect_ms: 1400,
      publish_ms: { route53: 60, azure: 70, clouddns: 55 },
      rto_ms: 1481,
      client_errors: 30,
      client_error_window_ms: 29 * 50,
      empty_answers: 0,
      stale_writes_applied: 0,
      detection_floor_ms: 2500,
      writes: 1,
    });
  });

  it('passes I1 and I2 on a clean recording, and fails them on empty answers or a stale write', () => {
    expect(buildReport(obs, { invariants: [] }, F - 2000)).toMatchObject({ ok: true, scenario: 'synthetic', duration_ms: 7000 });
    const empty = buildReport({ ...obs, emptyAnswers: { route53: 0, azure: 2, clouddns: 0 } }, { invariants: [] }, F);
    expect(empty.ok).toBe(false);
    expect(empty.invariants[0]).toEqual({
      name: 'never-empty (I1)',
      ok: false,
      detail: '2 empty answers polled (azure 2), 0 seen by clients',
    });
    const clientEmpty = buildReport({ ...obs, trafficEmptyAnswers: 1 }, { invariants: [] }, F);
    expect(clientEmpty.invariants[0]?.ok).toBe(false);
    const stale = buildReport(
      {
        ...obs,
        generations: [
          { provider: 'route53', at: 1, generation: 2 },
          { provider: 'azure', at: 2, generation: 1 },
        ],
      },
      { invariants: [] },
      F,
    );
    expect(stale.stale_writes_applied).toBe(1);
    expect(stale.invariants[1]).toMatchObject({ name: 'no-stale-write (I2)', ok: false });
  });

  it('fails the whole report when any scenario invariant fails', () => {
    const r = buildReport(obs, { invariants: [within('detected within the floor', 2600, 2500, 'floor')] }, F);
    expect(r.ok).toBe(false);
    expect(r.invariants.at(-1)).toEqual({ name: 'detected within the floor', ok: false, detail: '2600 ms > floor 2500 ms' });
  });

  it('has no client figures without traffic, and only null-or-number timings', () => {
    const f = computeFigures({ ...obs, traffic: undefined, expectedAnswer: undefined, faultTarget: undefined });
    expect(f.client_errors).toBeNull();
    expect(f.client_error_window_ms).toBeNull();
    expect(f.rto_ms).toBeNull();
    expect(f.detect_ms).toBeNull();
    expect(f.publish_ms).toEqual({ route53: null, azure: null, clouddns: null });
  });
});
