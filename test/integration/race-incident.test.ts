/**
 * The incident's interleaving, replayed exactly against the three emulators
 * through the official SDKs, watched commit by commit and over DNS:
 * a delayed Enactor checks, waits, then writes an old plan after the newest one
 * was applied; the other Enactor then cleans up.
 * - the naive last-writer-wins writer (harness only) publishes the stale plan
 *   over the newest one and then deletes it: the name is empty on all three;
 * - the product's writers (applyEverywhere) refuse: the delayed write loses its
 *   compare-and-swap on every provider and stops; nothing is ever empty or stale.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type RunningEmulators } from '../../src/emulators/index.js';
import { replayIncident } from '../../src/drills/race/incident-replay.js';
import { planAddress } from '../../src/drills/race/incident.js';
import { openRaceFixture, RACE_PROVIDERS, type RaceFixture } from '../../src/drills/race/race-fixture.js';
import type { RaceRunReport } from '../../src/drills/race/race-run.js';
import { raceFailure, summaryLine } from '../../src/drills/race/race-report.js';
import { runRaceDrill } from '../../src/drills/race/race-drill.js';

let emulators: RunningEmulators;
let fixture: RaceFixture;
let run = 0;

beforeAll(async () => {
  emulators = await startEmulators({ freePorts: true });
  fixture = openRaceFixture(emulators);
});

afterAll(async () => {
  await fixture?.close();
  await emulators?.stop();
});

const V1 = planAddress(0, 1);
const V2 = planAddress(0, 2);
const V3 = planAddress(0, 3);

/** Distinct answers each provider's name server gave, in order ('empty' for an empty answer). */
function dnsSequence(report: RaceRunReport): Record<string, string[]> {
  const [name] = report.names as [string];
  const byProvider = report.dnsHistory.get(name);
  return Object.fromEntries(
    RACE_PROVIDERS.map((p) => [p, (byProvider?.get(p) ?? []).map((s) => (s.outcome === 'answer' ? s.addresses.join(' ') : s.outcome))]),
  );
}

describe('the incident replayed with the naive last-writer-wins writer', () => {
  it('publishes the stale plan over the newest one, then deletes the live answer: empty on all three data planes', async () => {
    const r = await replayIncident({ fixture, kind: 'naive', run: run++ });

    expect(r.writers.map((w) => [w.writer, w.status])).toEqual([
      ['w1/g2', 'applied'],
      ['w2/g3', 'applied'],
    ]);
    // Over DNS, on every provider: generation 1, the newest plan (3), the stale plan (2) winning, then nothing.
    const sequence = [V1, V3, V2, 'empty'];
    expect(dnsSequence(r)).toEqual({ route53: sequence, azure: sequence, clouddns: sequence });
    for (const p of RACE_PROVIDERS) expect(r.emptyAnswersBy[p]).toBeGreaterThan(0);
    // In the zones, commit by commit: one stale write and one emptied name per provider.
    expect(r.commits.staleWritesApplied).toBe(3);
    expect(r.commits.emptyStates).toBe(3);
    const [name] = r.names as [string];
    expect(r.violations.filter((v) => v.kind === 'generation-regressed')).toEqual(
      RACE_PROVIDERS.map((provider) => expect.objectContaining({ provider, name, from: 3, to: 2 })),
    );
    expect(r.violations.filter((v) => v.kind === 'empty').map((v) => v.provider)).toEqual([...RACE_PROVIDERS]);
    expect(r.final.map((f) => f.values)).toEqual([[], [], []]);
    // Each provider had acknowledged the newest plan (3) and ends serving nothing.
    expect(r.commits.acknowledgedPlansLost).toBe(3);
    expect(r.violations.filter((v) => v.kind === 'acknowledged-plan-lost')).toEqual(
      RACE_PROVIDERS.map((provider) => expect.objectContaining({ provider, acknowledged: 3, serving: undefined })),
    );
    expect(r.converged).toBe(false);
    expect(raceFailure(r)).toMatch(/empty answer.*stale write/);
  });
});

describe('the incident replayed with the product writer (applyEverywhere)', () => {
  it('the delayed writer loses its compare-and-swap everywhere, re-reads and stops; the newest plan stays, never empty', async () => {
    const r = await replayIncident({ fixture, kind: 'product', run: run++ });

    expect(r.writers.map((w) => [w.writer, w.status])).toEqual([
      ['w1/g2', 'superseded'],
      ['w2/g3', 'in-sync → in-sync'],
    ]);
    // One conflict per provider: the delayed writer's three conditional writes were refused.
    expect(r.conflicts).toBe(3);
    expect(dnsSequence(r)).toEqual({ route53: [V1, V3], azure: [V1, V3], clouddns: [V1, V3] });
    expect(r.emptyAnswers).toBe(0);
    expect(r.violations).toEqual([]);
    expect(r.commits.emptyStates).toBe(0);
    expect(r.commits.staleWritesApplied).toBe(0);
    expect(r.commits.acknowledgedPlansLost).toBe(0);
    expect(r.final.map((f) => [f.provider, f.values, f.generation])).toEqual(RACE_PROVIDERS.map((p) => [p, [V3], 3]));
    expect(r.reconcile).toEqual([]);
    expect(r.converged).toBe(true);
    expect(raceFailure(r)).toBeUndefined();
  });

  it('when the newest plan keeps the published answer, its fence write still makes the delayed writer lose', async () => {
    const r = await replayIncident({ fixture, kind: 'product', run: run++, newestKeeps: true });

    expect(r.writers.map((w) => w.status)).toEqual(['superseded', 'in-sync → in-sync']);
    expect(r.conflicts).toBe(3);
    // The answer never changed; only the ownership records moved to generation 3.
    expect(dnsSequence(r)).toEqual({ route53: [V1], azure: [V1], clouddns: [V1] });
    expect(r.final.map((f) => [f.provider, f.values, f.generation])).toEqual(RACE_PROVIDERS.map((p) => [p, [V1], 3]));
    expect(r.violations).toEqual([]);
    expect(r.emptyAnswers).toBe(0);
    expect(r.converged).toBe(true);
  });
});

describe('the race as a drill', () => {
  it('reports controller and naive sections, each with empty_answers and stale_writes_applied, from a seed', async () => {
    const seen: string[] = [];
    const report = await runRaceDrill({ emulators, interleavings: 4, seed: 20251020, onRace: (r) => seen.push(`${r.kind}:${r.run}`) });

    // The incident replay plus four seeded races, per writer kind.
    expect(seen).toHaveLength(10);
    expect(report.controller.interleavings).toBe(5);
    expect(report.naive.interleavings).toBe(5);
    expect(report.controller).toMatchObject({
      empty_answers: 0,
      empty_states: 0,
      stale_writes_applied: 0,
      acknowledged_plans_lost: 0,
      not_converged: 0,
      failed_interleavings: 0,
    });
    // The naive section includes the replayed incident: an empty answer and a stale write at least.
    expect(report.naive.empty_answers).toBeGreaterThan(0);
    expect(report.naive.stale_writes_applied).toBeGreaterThan(0);
    expect(report.naive.failed_interleavings).toBeGreaterThanOrEqual(1);
    expect(report.seed).toBe(20251020);
    expect(summaryLine('product', report.controller, report.elapsedMs)).toMatch(
      /^race controller: 5 interleavings in [\d.]+ s, \d+ writes, \d+ conflicts,/,
    );
  });
});
