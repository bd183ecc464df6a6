/**
 * The race as a drill (for `failover drill race`): the incident replayed, then
 * `interleavings` seeded random races, each run once with the product's writers
 * (`controller`) and once with the naive last-writer-wins writer (`naive`),
 * against running emulators. Reproducible from the seed alone; no fast-check
 * at run time (the tests use fast-check to generate and shrink).
 */
import type { RunningEmulators } from '../../emulators/index.js';
import { replayIncident } from './incident-replay.js';
import { seededRandom, seededScheduler } from './interleaving.js';
import { openRaceFixture, RACE_PROVIDERS } from './race-fixture.js';
import { summarize, type RaceDrillReport } from './race-report.js';
import { runRace, type RaceRunReport, type WriterKind } from './race-run.js';
import { randomScenario } from './scenario.js';

export interface RaceDrillOptions {
  readonly emulators: RunningEmulators;
  /** Random races per writer kind (the incident replay comes on top). */
  readonly interleavings: number;
  readonly seed: number;
  /** Called after every race, e.g. to print progress. */
  readonly onRace?: (report: RaceRunReport) => void;
}

export interface RaceDrillResult extends RaceDrillReport {
  readonly seed: number;
  readonly elapsedMs: number;
}

export async function runRaceDrill(options: RaceDrillOptions): Promise<RaceDrillResult> {
  if (!Number.isInteger(options.interleavings) || options.interleavings < 0)
    throw new RangeError(`interleavings: expected a whole number >= 0, got ${options.interleavings}`);
  const started = Date.now();
  const fixture = openRaceFixture(options.emulators);
  let run = 0;
  const sections = new Map<WriterKind, RaceRunReport[]>();
  try {
    for (const kind of ['product', 'naive'] as const) {
      const reports: RaceRunReport[] = [];
      const record = (r: RaceRunReport) => {
        reports.push(r);
        options.onRace?.(r);
      };
      record(await replayIncident({ fixture, kind, run: run++ }));
      for (let i = 0; i < options.interleavings; i++) {
        // The same scenario and schedule seed for both kinds: the same race, two writers.
        const seed = (options.seed + i) >>> 0;
        record(
          await runRace(randomScenario(seededRandom(seed), RACE_PROVIDERS), {
            fixture,
            kind,
            run: run++,
            scheduler: seededScheduler(seed),
          }),
        );
      }
      sections.set(kind, reports);
    }
  } finally {
    await fixture.close();
  }
  return {
    controller: summarize(sections.get('product') ?? []),
    naive: summarize(sections.get('naive') ?? []),
    seed: options.seed,
    elapsedMs: Date.now() - started,
  };
}
