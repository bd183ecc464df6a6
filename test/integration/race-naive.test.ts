/**
 * The same generated races with the naive last-writer-wins writer (harness
 * only): it fails in a large share of them, with empty answers and stale plans
 * winning, and fast-check finds and shrinks such a race on its own. The numbers
 * printed here are the ones in docs/decisions/the-race.md (RACE_SEED replays).
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
    console.log(`${summaryLine('naive', section, performance.now() - started)}; with an empty answer: ${empty}, with a stale write: ${stale}`);

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
    console.log(`naive counterexample after ${result.numRuns} run(s) and ${result.numShrinks} shrink(s): ${JSON.stringify(scenario)}\n${String(scheduler)}`);
  }, 300_000);
});
