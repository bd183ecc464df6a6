/**
 * The race, generated: 1,000 interleavings chosen by fast-check (seeded,
 * shrinkable), each a scenario of two or three product writers holding plans
 * of different generations, delayed between their check and their write,
 * crashing between providers, cleaning up, with API outages; and the order of
 * every provider call decided by `fc.scheduler()`. Against the three emulators
 * through the official SDKs, watched at every committed zone state and over DNS.
 *
 * Every interleaving must: never publish an empty answer (no committed state,
 * no DNS answer), never publish an older generation over a newer one or values
 * that are not the published generation's, and after the final reconcile serve
 * the newest plan on all three providers. RACE_SEED=<seed> replays a run.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type RunningEmulators } from '../../src/emulators/index.js';
import { openRaceFixture, type RaceFixture } from '../../src/drills/race/race-fixture.js';
import { runRace, type RaceRunReport } from '../../src/drills/race/race-run.js';
import { raceFailure, summarize, summaryLine } from '../../src/drills/race/race-report.js';
import { raceScenario, seedFromEnv } from './race-scenarios.js';

const INTERLEAVINGS = 1_000;

let emulators: RunningEmulators;
let fixture: RaceFixture;

beforeAll(async () => {
  emulators = await startEmulators({ freePorts: true });
  fixture = openRaceFixture(emulators);
});

afterAll(async () => {
  await fixture?.close();
  await emulators?.stop();
});

/** What a person needs to see of a failing race. */
function describeRace(r: RaceRunReport): string {
  return JSON.stringify({
    names: r.names,
    newest: r.newest,
    writers: r.writers,
    outages: r.outages,
    violations: r.violations.slice(0, 6),
    emptyAnswers: r.emptyAnswersBy,
    final: r.final,
    finalGeneration: r.finalGeneration,
    reconcile: r.reconcile.map((o) => ({ status: o.status, providers: o.providers.map((p) => p.status) })),
  });
}

describe('the race: the product writers under 1,000 generated interleavings', () => {
  it('never publish an empty answer or an older generation over a newer one, and converge on the newest plan', async () => {
    const reports: RaceRunReport[] = [];
    let run = 0;
    const started = performance.now();
    const result = await fc.check(
      fc.asyncProperty(raceScenario, fc.scheduler(), async (scenario, scheduler) => {
        const report = await runRace(scenario, { fixture, kind: 'product', run: run++, scheduler });
        reports.push(report);
        const failure = raceFailure(report);
        if (failure !== undefined) throw new Error(`${failure}: ${describeRace(report)}`);
      }),
      { numRuns: INTERLEAVINGS, ...seedFromEnv() },
    );
    const section = summarize(reports.slice(0, INTERLEAVINGS));
    console.log(
      summaryLine('product', section, performance.now() - started) +
        (result.failed ? `; FAILED (seed ${result.seed}, path ${result.counterexamplePath}): ${String(result.errorInstance)}` : ''),
    );

    expect(result.failed, result.failed ? fc.defaultReportMessage(result) : '').toBe(false);
    expect(result.numRuns).toBe(INTERLEAVINGS);
    expect(section.interleavings).toBe(INTERLEAVINGS);
    expect(section.empty_answers).toBe(0);
    expect(section.empty_states).toBe(0);
    expect(section.stale_writes_applied).toBe(0);
    expect(section.acknowledged_plans_lost).toBe(0);
    expect(section.not_converged).toBe(0);
    // The interleavings did what they claim: writers raced into conflicts, crashed between providers, met outages.
    expect(section.conflicts).toBeGreaterThan(0);
    expect(section.crashed_writers).toBeGreaterThan(0);
    expect(section.outages).toBeGreaterThan(0);
    expect(reports.some((r) => r.writers.some((w) => w.status.startsWith('superseded')))).toBe(true);
    expect(reports.some((r) => r.writers.some((w) => w.status.includes('partial')))).toBe(true);
    expect(reports.some((r) => r.reconcile.length > 0)).toBe(true);
    // Every race was watched over DNS too.
    expect(reports.every((r) => r.polls > 0)).toBe(true);
  }, 600_000);
});
