/**
 * The same generated races with unsafe writers, to show the checks bite:
 * - the naive last-writer-wins writer (harness only) fails in a large share of
 *   them, with empty answers and stale plans winning, and fast-check finds and
 *   shrinks such a race on its own;
 * - the product's writer with its fence writes taken out (a mutation) lets a
 *   stale plan win when the newest plan keeps an answer, and fast-check finds
 *   that too.
 * The numbers printed here are the ones in docs/decisions/the-race.md
 * (RACE_SEED replays a run).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type RunningEmulators } from '../../src/emulators/index.js';
import { openRaceFixture, type RaceFixture } from '../../src/drills/race/race-fixture.js';
import { runRace, type RaceRunReport } from '../../src/drills/race/race-run.js';
import { raceFailure, summarize, summaryLine } from '../../src/drills/race/race-report.js';
import { raceScenario, seedFromEnv } from './race-scenarios.js';

const INTERLEAVINGS = 300;

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

describe('the race with the naive last-writer-wins writer', () => {
  it(`fails in a large share of ${INTERLEAVINGS} generated interleavings: empty answers and stale plans winning`, async () => {
    const reports: RaceRunReport[] = [];
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(raceScenario, fc.scheduler(), async (scenario, scheduler) => {
        reports.push(await runRace(scenario, { fixture, kind: 'naive', run: run++, scheduler }));
      }),
      { numRuns: INTERLEAVINGS, ...seedFromEnv() },
    );
    const section = summarize(reports);
    const empty = reports.filter((r) => r.commits.emptyStates > 0 || r.emptyAnswers > 0).length;
    const stale = reports.filter((r) => r.commits.staleWritesApplied > 0).length;
    console.log(
      `${summaryLine('naive', section, performance.now() - started)}; with an empty answer: ${empty}, with a stale write: ${stale}`,
    );

    expect(section.interleavings).toBe(INTERLEAVINGS);
    expect(section.failed_interleavings).toBe(reports.filter((r) => raceFailure(r) !== undefined).length);
    // Not an accident of one scenario: both failure kinds, in a sizeable share of the interleavings.
    expect(empty).toBeGreaterThan(0);
    expect(stale).toBeGreaterThan(0);
    expect(section.failed_interleavings / section.interleavings).toBeGreaterThan(0.05);
    expect(section.empty_states).toBeGreaterThanOrEqual(empty);
    expect(section.stale_writes_applied).toBeGreaterThanOrEqual(stale);
  }, 300_000);

  it('fast-check finds a race where the naive writer empties the name or lets a stale plan win, and shrinks it', async () => {
    const result = await fc.check(
      fc.asyncProperty(raceScenario, fc.scheduler(), async (scenario, scheduler) => {
        const report = await runRace(scenario, { fixture, kind: 'naive', run: run++, scheduler });
        return raceFailure(report) === undefined;
      }),
      { numRuns: INTERLEAVINGS, ...seedFromEnv() },
    );
    expect(result.failed).toBe(true);
    const [scenario, scheduler] = result.counterexample ?? [];
    expect(scenario?.writers.length).toBeGreaterThanOrEqual(2);
    console.log(
      `naive counterexample after ${result.numRuns} run(s) and ${result.numShrinks} shrink(s): ${JSON.stringify(scenario)}\n${String(scheduler)}`,
    );
  }, 300_000);
});

describe('the race with the product writer, fence writes taken out (a mutation)', () => {
  it('fast-check finds a race where a stale plan wins over a newer plan that kept the published answer', async () => {
    let last: RaceRunReport | undefined;
    const result = await fc.check(
      fc.asyncProperty(raceScenario, fc.scheduler(), async (scenario, scheduler) => {
        last = await runRace(scenario, { fixture, kind: 'product', run: run++, scheduler, fenceWrites: false });
        return raceFailure(last) === undefined;
      }),
      { numRuns: INTERLEAVINGS, ...seedFromEnv() },
    );
    expect(result.failed).toBe(true);
    const [scenario] = result.counterexample ?? [];
    // Only a plan that repeats an older answer can be written as "nothing to do" and then lose to an older writer.
    expect(scenario?.plans.some((p) => p.names.some((d) => d !== 'fresh'))).toBe(true);
    console.log(
      `without fence writes: failed after ${result.numRuns} run(s), ${result.numShrinks} shrink(s): ${JSON.stringify(scenario)}; ${String(result.errorInstance ?? '')}`,
    );
  }, 300_000);
});
