/**
 * The incident's interleaving, replayed exactly (no randomness):
 *
 *   1. the delayed Enactor (generation 2) reads every provider and checks that
 *      its plan is newer than what is published (generation 1): it is;
 *   2. it is delayed before writing;
 *   3. the other Enactor reads, checks and applies the newest plan (generation 3);
 *   4. the delayed Enactor wakes up and writes its plan;
 *   5. the other Enactor runs its clean-up.
 *
 * The naive writer ends with the live record deleted on all three providers
 * (step 5 removes generation 2, which step 4 made live). The product's delayed
 * writer loses its compare-and-swap at step 4 on every provider, re-reads, finds
 * generation 3 and stops (superseded); the clean-up changes nothing.
 */
import { fifoScheduler } from './interleaving.js';
import { RaceRun, type RaceRunReport, type WriterKind } from './race-run.js';
import type { RaceFixture } from './race-fixture.js';
import { incidentScenario } from './scenario.js';

export interface IncidentReplayOptions {
  readonly fixture: RaceFixture;
  readonly kind: WriterKind;
  readonly run: number;
  /** The newest plan keeps the published answer: the case fence writes exist for. */
  readonly newestKeeps?: boolean;
  readonly pollIntervalMs?: number;
}

function signal(): { readonly fired: Promise<void>; fire(): void } {
  let fire!: () => void;
  const fired = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { fired, fire };
}

export async function replayIncident(options: IncidentReplayOptions): Promise<RaceRunReport> {
  const scenario = incidentScenario(options.newestKeeps ?? false);
  const race = new RaceRun(
    {
      fixture: options.fixture,
      kind: options.kind,
      run: options.run,
      scheduler: fifoScheduler(),
      pollIntervalMs: options.pollIntervalMs,
      finalPolls: 2,
    },
    scenario,
  );
  const [name] = race.names as [string];
  const answerOf = (generation: number) => race.book.plan(generation)?.answers.get(name) ?? [];
  const newestApplied = signal();
  const delayedDone = signal();
  // Each stage is held until every name server answers it, so the DNS pollers see what clients would have.
  const delayed = race.launch({
    generation: 2,
    holdBeforeFirstWrite: async () => {
      await newestApplied.fired;
      await race.seenEverywhere(name, answerOf(3));
    },
    cleanUp: false,
  });
  race.launch({
    generation: 3,
    // Starts once the delayed writer has checked and is about to write.
    startAfter: delayed.gate.readyToWrite,
    cleanUp: true,
    holdBeforeCleanUp: async () => {
      newestApplied.fire();
      await delayedDone.fired;
      // The naive writer's stale plan is live now: wait until DNS shows it before the clean-up deletes it.
      if (options.kind === 'naive') await race.seenEverywhere(name, answerOf(2));
    },
  });
  void delayed.done.then(() => delayedDone.fire());
  return race.finish();
}
