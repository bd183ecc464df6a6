/** Each scenario's judge, from synthetic recordings that keep or break its invariants. */
import { describe, expect, it } from 'vitest';
import type { ControllerEvent } from '../../src/observability/events.js';
import { computeFigures, type DrillObservations } from '../../src/drills/report.js';
import { allDown } from '../../src/drills/scenarios/all-down.js';
import { answersOtherThan, clientsOn, decisionOf, verdictBefore } from '../../src/drills/scenarios/checks.js';
import { cloudOutage } from '../../src/drills/scenarios/cloud-outage.js';
import { controlPlaneOutage } from '../../src/drills/scenarios/control-plane-outage.js';
import { dependencyDnsEmpty } from '../../src/drills/scenarios/dependency-dns-empty.js';
import { classifyWrites, flapBounds, flapping } from '../../src/drills/scenarios/flapping.js';
import { partition } from '../../src/drills/scenarios/partition.js';
import { recovery } from '../../src/drills/scenarios/recovery.js';
import type { ScenarioRun, TopologyScenario } from '../../src/drills/scenarios/scenario.js';
import {
  acknowledged,
  ADDRESSES,
  AWS,
  AZURE,
  decision,
  log,
  observations,
  requests,
  SETTINGS,
  span,
  verdict,
  write,
} from './drill-report-fixtures.js';

const F = 10_000;
const ALL = ['route53', 'azure', 'clouddns'] as const;

function judge(scenario: TopologyScenario, obs: DrillObservations, run: Partial<ScenarioRun> = {}) {
  const r: ScenarioRun = { faultAt: obs.faultAt, ...run };
  return scenario.judge({ obs, figures: computeFigures(obs), run: r, settings: SETTINGS, addresses: ADDRESSES });
}

const failed = (v: { invariants: readonly { name: string; ok: boolean }[] }) => v.invariants.filter((i) => !i.ok).map((i) => i.name);
const servedEverywhere = (runs: [number, number, string[]][]) =>
  Object.fromEntries(ALL.map((p) => [p, runs.map(([a, b, addr]) => span(a, b, addr))]));

// ---- the outage family -------------------------------------------------------

const outageEvents = log(
  write(5_000, 1, [], [AWS]),
  verdict(F + 1400, 'aws', 'up', 'down'),
  decision(F + 1410, [AZURE], { before: [AWS], urgent: true }),
  write(F + 1480, 2, [AWS], [AZURE], [acknowledged('route53', 60), acknowledged('azure', 70), acknowledged('clouddns', 55)]),
);
const outageObs = observations({
  faultAt: F,
  endedAt: F + 5000,
  faultTarget: 'aws',
  expectedAnswer: [AZURE],
  events: outageEvents,
  answers: servedEverywhere([
    [5_000, F + 1470, [AWS]],
    [F + 1490, F + 5000, [AZURE]],
  ]),
  traffic: [...requests(F - 1000, 20, 'aws'), ...requests(F, 30, '!connect-refused', 21), ...requests(F + 1600, 20, 'azure', 51)],
});

describe('cloud-outage', () => {
  it('passes when detected within the worst case, published everywhere, served everywhere, clients on azure', () => {
    const v = judge(cloudOutage, outageObs, { faultTarget: 'aws', expectedAnswer: [AZURE] });
    expect(failed(v)).toEqual([]);
    expect(v.invariants.map((i) => i.name)).toEqual([
      'detected',
      'detected within the worst case',
      'published everywhere',
      'moved (rto)',
      'clients on azure',
    ]);
    expect(v.details).toMatchObject({ moved_to: 'azure', client_errors_by_kind: { 'connect-refused': 30 }, clients_recovered: true });
  });

  it('fails a detection slower than the worst case, and a move that never happened', () => {
    const slow = log(write(5_000, 1, [], [AWS]), verdict(F + 2600, 'aws', 'up', 'down'));
    const v = judge(cloudOutage, { ...outageObs, events: slow, answers: servedEverywhere([[5_000, F + 5000, [AWS]]]) });
    expect(failed(v)).toEqual(['detected within the worst case', 'published everywhere', 'moved (rto)']);
  });

  it('fails when the clients are not on azure at the end', () => {
    const v = judge(cloudOutage, { ...outageObs, traffic: [...(outageObs.traffic ?? []), ...requests(F + 3000, 3, '!timeout', 100)] });
    expect(failed(v)).toEqual(['clients on azure']);
  });
});

describe('dependency-dns-empty', () => {
  it('also requires the process alive (/healthz 200) and not ready (/readyz 503)', () => {
    expect(failed(judge(dependencyDnsEmpty, outageObs, { facts: { healthz: 200, readyz: 503 } }))).toEqual([]);
    const dead = judge(dependencyDnsEmpty, outageObs, { facts: { healthz: 'ECONNREFUSED', readyz: 'ECONNREFUSED' } });
    expect(failed(dead)).toEqual(['process alive, not ready']);
    expect(dead.details).toMatchObject({ aws_healthz: 'ECONNREFUSED' });
  });

  it('counts the client errors before failover and fails when clients felt nothing; same detection bound as cloud-outage', () => {
    const v = judge(dependencyDnsEmpty, outageObs, { facts: { healthz: 200, readyz: 503 } });
    // 30 errors from F to F + 1450; every provider answers azure at F + 1490.
    expect(v.details).toMatchObject({ client_errors_before_failover: 30 });
    const outage = judge(cloudOutage, outageObs);
    expect(v.invariants.find((i) => i.name === 'detected within the worst case')).toEqual(
      outage.invariants.find((i) => i.name === 'detected within the worst case'),
    );
    const unfelt = { ...outageObs, traffic: [...requests(F - 1000, 20, 'aws'), ...requests(F + 1600, 20, 'azure', 51)] };
    expect(failed(judge(dependencyDnsEmpty, unfelt, { facts: { healthz: 200, readyz: 503 } }))).toEqual(['clients felt the incident']);
  });
});

describe('control-plane-outage', () => {
  const heal = F + 4000;
  const events = log(
    write(5_000, 1, [], [AWS]),
    verdict(F + 1300, 'aws', 'up', 'down'),
    decision(F + 1310, [AZURE], { before: [AWS], urgent: true }),
    write(
      F + 1400,
      2,
      [AWS],
      [AZURE],
      [
        { provider: 'route53', result: 'out-of-sync', apiCalls: 0, changes: 0, detail: 'unavailable: ECONNREFUSED' },
        acknowledged('azure', 80),
        acknowledged('clouddns', 70),
      ],
      'partial',
    ),
    {
      type: 'provider-sync',
      at: heal + 1500,
      provider: 'route53',
      before: 'out-of-sync',
      after: 'in-sync',
      generation: 2,
      reason: 'converged',
    },
  );
  const obs = observations({
    faultAt: F,
    endedAt: heal + 3000,
    faultTarget: 'aws',
    expectedAnswer: [AZURE],
    reachableProviders: ['azure', 'clouddns'],
    events,
    answers: {
      route53: [span(5_000, heal + 1490, [AWS]), span(heal + 1510, heal + 3000, [AZURE])],
      azure: [span(5_000, F + 1390, [AWS]), span(F + 1410, heal + 3000, [AZURE])],
      clouddns: [span(5_000, F + 1395, [AWS]), span(F + 1405, heal + 3000, [AZURE])],
    },
    traffic: [...requests(F - 500, 10, 'aws'), ...requests(F, 10, '!connect-refused', 11), ...requests(F + 1500, 80, 'azure', 21)],
  });

  it('passes: moved through Azure DNS and Cloud DNS alone, Route 53 reconciled after its API returned', () => {
    const v = judge(controlPlaneOutage, obs, {
      marks: { healAt: heal },
      expectedAnswer: [AZURE],
      reachableProviders: ['azure', 'clouddns'],
    });
    expect(failed(v)).toEqual([]);
    const f = computeFigures(obs);
    expect(f.rto_ms).toBe(1410);
    expect(f.publish_ms).toEqual({ route53: null, azure: 80, clouddns: 70 });
    expect(v.details).toMatchObject({
      route53_reconcile_ms: 1510,
      route53_in_sync_event_ms: 1500,
      route53_old_answer_ms: heal + 1490 - (F + 1410),
      route53_write_result: 'out-of-sync',
    });
  });

  it("counts client errors in the headline until Route 53's nameserver serves Azure too, and agrees with the details", () => {
    // Clients whose resolver asks Route 53 fail until it is reconciled (heal + 1510), however many others succeed meanwhile.
    const lagging = [
      ...requests(F - 500, 10, 'aws'),
      ...requests(F, 10, '!connect-refused', 11),
      ...requests(F + 1500, 40, 'azure', 21),
      ...requests(F + 3500, 5, '!connect-refused', 61),
      ...requests(heal + 1600, 40, 'azure', 66),
    ];
    const o = { ...obs, traffic: lagging };
    const f = computeFigures(o);
    const v = judge(controlPlaneOutage, o, { marks: { healAt: heal }, expectedAnswer: [AZURE], reachableProviders: ['azure', 'clouddns'] });
    expect(f.client_errors).toBe(15);
    expect(v.details?.client_errors_until_reconciled).toBe(f.client_errors);
  });

  it('fails I5 when Route 53 took the write (its API was not down) and I4 when it is never reconciled', () => {
    const tookIt = log(write(5_000, 1, [], [AWS]), verdict(F + 1300, 'aws', 'up', 'down'), write(F + 1400, 2, [AWS], [AZURE]));
    const stuck = { ...obs.answers, route53: [span(5_000, heal + 3000, [AWS])] };
    const v = judge(controlPlaneOutage, { ...obs, events: tookIt, answers: stuck }, { marks: { healAt: heal } });
    expect(failed(v)).toEqual(['failover without Route 53 (I5)', 'Route 53 reconciled (I4)']);
  });
});

// ---- flapping ------------------------------------------------------------------

describe('flapping', () => {
  const events = (returnAt: number, returnUrgent = false, awsDown = true): ControllerEvent[] =>
    log(
      write(5_000, 1, [], [AWS]),
      ...(awsDown ? [verdict(F + 1200, 'aws', 'up', 'down')] : []),
      decision(F + 1210, [AZURE], { before: [AWS], urgent: true }),
      write(F + 1300, 2, [AWS], [AZURE]),
      verdict(F + 2200, 'aws', 'down', 'up'),
      decision(F + 2210, [AZURE], { kind: 'hold', held: true, before: [AZURE] }),
      decision(returnAt - 50, [AWS], { before: [AZURE], urgent: returnUrgent }),
      write(returnAt, 3, [AZURE], [AWS]),
    );
  const obs = (e: ControllerEvent[]) =>
    observations({
      faultAt: F,
      endedAt: F + 24_000,
      faultTarget: 'aws',
      events: e,
      answers: servedEverywhere([[5_000, F + 24_000, [AWS]]]),
    });

  it('classifies each change as urgent or not, with its spacing and the down targets it dropped', () => {
    const writes = classifyWrites(events(F + 4400), F, F + 24_000, ADDRESSES);
    expect(writes.map((w) => ({ urgent: w.urgent, since: w.sincePreviousMs, dropped: w.droppedDown }))).toEqual([
      { urgent: true, since: F + 1300 - 5_000, dropped: ['aws'] },
      { urgent: false, since: 3100, dropped: [] },
    ]);
    expect(flapBounds(events(F + 4400), F, F + 24_000, 3000)).toEqual({
      windowMs: 24_000,
      nonUrgentBound: 9,
      downVerdicts: 1,
    });
    expect(flapBounds([], F, F + 20_500, 3000)).toMatchObject({ nonUrgentBound: 7 });
  });

  it('passes when the return waited the dwell', () => {
    const v = judge(flapping, obs(events(F + 4400)), { facts: { toggles: 14 } });
    expect(failed(v)).toEqual([]);
    expect(v.details).toMatchObject({
      toggles: 14,
      changes: 2,
      urgent_changes: 1,
      non_urgent_changes: 1,
      non_urgent_bound: 9,
      total_bound: 10,
    });
  });

  it('fails a non-urgent change inside the dwell', () => {
    expect(failed(judge(flapping, obs(events(F + 3000))))).toEqual(['dwell between non-urgent changes (I6)']);
  });

  it('fails an urgent change that dropped no target down by quorum', () => {
    expect(failed(judge(flapping, obs(events(F + 4400, true))))).toEqual(['urgent changes only leave a down target']);
    expect(failed(judge(flapping, obs(events(F + 4400, false, false))))).toEqual(['urgent changes only leave a down target']);
  });

  it('fails more non-urgent changes than ⌊T/dwell⌋+1 (which only a change inside the dwell can cause)', () => {
    const spaced = log(
      write(0, 1, [], [AWS]),
      ...Array.from({ length: 4 }, (_, i) => write(F + i * 3000, i + 2, [i % 2 ? AZURE : AWS], [i % 2 ? AWS : AZURE])),
    );
    expect(failed(judge(flapping, observations({ faultAt: F, endedAt: F + 9000, events: spaced, answers: {} })))).toEqual([]);
    const many = log(
      write(0, 1, [], [AWS]),
      ...Array.from({ length: 7 }, (_, i) => write(F + i * 1000, i + 2, [i % 2 ? AZURE : AWS], [i % 2 ? AWS : AZURE])),
    );
    const v = judge(flapping, observations({ faultAt: F, endedAt: F + 6000, events: many, answers: {} }));
    expect(failed(v)).toEqual(['dwell between non-urgent changes (I6)', 'non-urgent changes ≤ ⌊T/dwell⌋+1']);
    expect(v.details).toMatchObject({ non_urgent_changes: 7, non_urgent_bound: 3 });
  });
});

// ---- all-down, partition -------------------------------------------------------

describe('all-down', () => {
  const backups = F - 1500;
  const base = log(
    write(5_000, 1, [], [AWS]),
    verdict(backups + 1200, 'azure', 'up', 'down'),
    verdict(backups + 1300, 'gcp', 'up', 'down'),
    verdict(F + 1500, 'aws', 'up', 'down'),
    decision(F + 1510, [AWS], { kind: 'fail-open', failOpen: true, before: [AWS] }),
    { type: 'fail-open', at: F + 1510, service: 'app.example.test.', addresses: [AWS], active: true, reason: 'no usable target' },
  );
  const obs = observations({
    faultAt: F,
    endedAt: F + 6000,
    faultTarget: 'aws',
    events: base,
    answers: servedEverywhere([[5_000, F + 6000, [AWS]]]),
  });

  it('passes: alert raised, nothing written, every provider kept answering aws', () => {
    const v = judge(allDown, obs, { marks: { backupsDownAt: backups } });
    expect(failed(v)).toEqual([]);
    expect(v.details).toEqual({ fail_open_ms: 1510, backups_down_before_ms: 1500 });
  });

  it('fails without the alert, with a write, or with another answer served', () => {
    const noAlert = judge(allDown, { ...obs, events: base.filter((e) => e.type !== 'fail-open') }, { marks: { backupsDownAt: backups } });
    expect(failed(noAlert)).toEqual(['fail-open alert raised']);
    const moved = log(...base.map(({ id: _id, time: _t, ...e }) => e as never), write(F + 800, 2, [AWS], [AZURE]));
    const answers = { ...obs.answers, azure: [span(5_000, F + 790, [AWS]), span(F + 810, F + 6000, [AZURE])] };
    expect(failed(judge(allDown, { ...obs, events: moved, answers }, { marks: { backupsDownAt: backups } }))).toEqual([
      'nothing written',
      'answer unchanged',
    ]);
  });
});

describe('partition', () => {
  const seen = {
    type: 'probe-state' as const,
    at: F + 1900,
    targetId: 'aws',
    vantageId: 'vp-1',
    before: 'suspect' as const,
    after: 'down' as const,
    reason: 'vp-1 sees aws down',
  };
  const obs = observations({
    faultAt: F,
    endedAt: F + 5000,
    faultTarget: 'aws',
    events: log(write(5_000, 1, [], [AWS]), seen),
    answers: servedEverywhere([[5_000, F + 5000, [AWS]]]),
    traffic: requests(F, 90, 'aws'),
  });

  it('passes: the vantage point saw aws down, the quorum did not, nothing moved', () => {
    const v = judge(partition, obs, { facts: { vantage: 'vp-1' } });
    expect(failed(v)).toEqual([]);
    expect(computeFigures(obs).detect_ms).toBeNull();
    expect(v.details).toEqual({ vantage: 'vp-1', vantage_down_ms: 1900 });
  });

  it('fails when the quorum declared aws down and the answer moved', () => {
    const events = log(write(5_000, 1, [], [AWS]), seen, verdict(F + 2000, 'aws', 'up', 'down'), write(F + 2100, 2, [AWS], [AZURE]));
    expect(failed(judge(partition, { ...obs, events }, { facts: { vantage: 'vp-1' } }))).toEqual([
      'no down verdict (quorum not met)',
      'no failover',
    ]);
    expect(failed(judge(partition, obs, { facts: { vantage: 'vp-2' } }))).toEqual(['partition took effect']);
  });
});

// ---- recovery --------------------------------------------------------------------

describe('recovery', () => {
  const heal = F + 2000;
  const events = (returnAt: number, urgent = false) =>
    log(
      write(5_000, 1, [], [AWS]),
      verdict(F + 1300, 'aws', 'up', 'down'),
      decision(F + 1310, [AZURE], { before: [AWS], urgent: true }),
      write(F + 1400, 2, [AWS], [AZURE]),
      verdict(heal + 900, 'aws', 'down', 'up'),
      decision(returnAt - 60, [AWS], { before: [AZURE], urgent }),
      write(returnAt, 3, [AZURE], [AWS]),
    );
  const obs = (returnAt: number, extraTraffic: ReturnType<typeof requests> = []) =>
    observations({
      faultAt: F,
      endedAt: returnAt + 2000,
      faultTarget: 'aws',
      expectedAnswer: [AZURE],
      events: events(returnAt),
      answers: servedEverywhere([
        [5_000, F + 1390, [AWS]],
        [F + 1410, returnAt - 10, [AZURE]],
        [returnAt + 10, returnAt + 2000, [AWS]],
      ]),
      traffic: [
        ...requests(F, 30, '!connect-refused'),
        ...requests(F + 1500, Math.floor((returnAt - F - 1500) / 50), 'azure', 31),
        ...extraTraffic,
        ...requests(returnAt + 100, 20, 'aws', 200),
      ],
    });

  it('passes when the return came after rise and the dwell since the failover', () => {
    const returnAt = F + 1400 + 3000 + 80;
    const v = judge(recovery, obs(returnAt), { marks: { healAt: heal }, expectedAnswer: [AZURE] });
    expect(failed(v)).toEqual([]);
    expect(v.details).toMatchObject({
      return_decided_ms: returnAt - 60 - heal,
      return_published_ms: returnAt - heal,
      return_bound_ms: 2400,
      rise_floor_ms: 500,
      dwell_left_at_heal_ms: 2400,
    });
  });

  it('fails a return inside the dwell, a return before the quorum saw aws up, and clients on aws too early', () => {
    const early = F + 2800; // decided 740 ms after the heal: inside the dwell, before the up verdict
    expect(failed(judge(recovery, obs(early), { marks: { healAt: heal } }))).toEqual([
      'waited for rise and dwell',
      'quorum saw aws up first',
    ]);
    const sneaky = requests(heal + 100, 2, 'aws', 150);
    expect(failed(judge(recovery, obs(F + 4480, sneaky), { marks: { healAt: heal } }))).toEqual(['no client on aws before the return']);
  });

  it('fails an urgent return', () => {
    const o = obs(F + 4480);
    expect(failed(judge(recovery, { ...o, events: events(F + 4480, true) }, { marks: { healAt: heal } }))).toEqual(['return not urgent']);
  });
});

// ---- shared checks ---------------------------------------------------------------

describe('checks', () => {
  it('clientsOn looks at the last requests by end time', () => {
    expect(clientsOn(requests(0, 10, 'azure'), 'azure')).toBe(true);
    expect(clientsOn(requests(0, 9, 'azure'), 'azure')).toBe(false);
    expect(clientsOn([...requests(0, 10, 'azure'), ...requests(600, 1, '!timeout', 11)], 'azure')).toBe(false);
    expect(clientsOn([...requests(0, 10, 'azure'), ...requests(600, 1, '!timeout', 11)], 'azure', 10, 500)).toBe(true);
  });

  it('answersOtherThan lists every run that differs in the window', () => {
    const answers = { route53: [span(0, 100, [AWS]), span(120, 200, [], 'empty'), span(220, 300, [AWS])], azure: [span(0, 300, [AWS])] };
    expect(answersOtherThan(answers, [AWS], 0)).toEqual([`route53 empty 5× from 120`]);
    expect(answersOtherThan(answers, [AWS], 210)).toEqual([]);
  });

  it('verdictBefore and decisionOf read the log in order', () => {
    const events = log(
      verdict(10, 'aws', 'up', 'down'),
      decision(20, [AZURE], { urgent: true }),
      write(30, 2, [AWS], [AZURE]),
      verdict(40, 'aws', 'down', 'up'),
    );
    expect(verdictBefore(events, 'aws', 5)).toBe('unknown');
    expect(verdictBefore(events, 'aws', 35)).toBe('down');
    expect(verdictBefore(events, 'aws', 45)).toBe('up');
    const w = events[2];
    expect(w?.type === 'write' && decisionOf(events, w)?.urgent).toBe(true);
  });
});
