/**
 * race: the incident's race between Enactors as a drill. The harness in
 * src/drills/race/ replays the incident, then runs seeded random interleavings
 * of delayed, crashing and retrying writers, each twice — once with the
 * product's conditional writer (`controller`), once with naive
 * last-writer-wins writers (`naive`) — against the three emulators, and counts
 * what a DNS client would have seen. The drill passes when the product's side
 * has no empty answer and no stale write; the naive side is printed beside it
 * (it is expected to show both).
 */
import { startEmulators } from '../../emulators/index.js';
import { runRaceDrill } from '../race/race-drill.js';
import type { RaceDrillReport, RaceSection } from '../race/race-report.js';
import { detectionFloors, type DrillReport, type Invariant } from '../report.js';
import { DRILL_DEFAULTS, DrillAborted, type StandaloneScenario } from './scenario.js';

/** Random interleavings per writer (the incident replay comes on top); about 0.2 s each. */
export const RACE_INTERLEAVINGS = 50;
/** Fixed, so a drill run is reproducible; the report names it. */
export const RACE_SEED = 20251020;

/** A progress line every this many races. */
const PROGRESS_EVERY = 5;

export type RaceDrillSummary = DrillReport & { readonly controller: RaceSection; readonly naive: RaceSection };

/** The race's report: the product's figures at top level, both sides under `controller` and `naive`. */
export function raceReport(
  outcome: RaceDrillReport,
  startedAt: number,
  endedAt: number,
  extra: { apiCalls?: Record<string, number>; details?: Record<string, unknown> } = {},
): RaceDrillSummary {
  const c = outcome.controller;
  const n = outcome.naive;
  const invariants: Invariant[] = [
    {
      name: 'never-empty (I1)',
      ok: c.empty_answers === 0 && c.empty_states === 0,
      detail: `controller ${c.empty_answers} empty answers, ${c.empty_states} empty states; naive ${n.empty_answers}, ${n.empty_states}`,
    },
    {
      name: 'no-stale-write (I2)',
      ok: c.stale_writes_applied === 0,
      detail: `controller ${c.stale_writes_applied} stale writes applied; naive ${n.stale_writes_applied}`,
    },
    {
      name: 'converged (I4)',
      ok: c.not_converged === 0,
      detail: `controller: ${c.interleavings - c.not_converged} of ${c.interleavings} races ended with every provider on the newest plan; naive ${n.interleavings - n.not_converged} of ${n.interleavings}`,
    },
  ];
  // No probes in the race; the floors are those of the drill defaults, for the table's sake.
  const floors = detectionFloors(DRILL_DEFAULTS.health);
  return {
    scenario: 'race',
    ok: invariants.every((i) => i.ok),
    started_at: new Date(startedAt).toISOString(),
    duration_ms: endedAt - startedAt,
    detect_ms: null,
    publish_ms: {},
    rto_ms: null,
    client_error_window_ms: null,
    client_errors: null,
    empty_answers: c.empty_answers,
    stale_writes_applied: c.stale_writes_applied,
    api_calls: extra.apiCalls ?? {},
    detection_floor_ms: floors.design,
    writes: c.writes,
    invariants,
    details: { naive_expected: 'empty answers and stale writes > 0: the failure the product prevents', ...extra.details },
    controller: c,
    naive: n,
  };
}

export const race: StandaloneScenario = {
  kind: 'standalone',
  name: 'race',
  summary: 'delayed Enactors race: naive last-writer-wins vs the product’s conditional writes, same interleavings',
  proves: 'I1 never empty and I2 no stale wins under the incident’s race; naive writers shown failing side by side',
  async execute({ signal, progress }) {
    const startedAt = Date.now();
    progress(
      `race: the incident replayed, then ${RACE_INTERLEAVINGS} seeded interleavings (seed ${RACE_SEED}), each with the product's writer and with naive writers`,
    );
    const emulators = await startEmulators({ freePorts: true });
    let done = 0;
    try {
      const outcome = await runRaceDrill({
        emulators,
        interleavings: RACE_INTERLEAVINGS,
        seed: RACE_SEED,
        onRace: (r) => {
          done += 1;
          if (done % PROGRESS_EVERY === 0)
            progress(`race: ${done} of ${2 * (RACE_INTERLEAVINGS + 1)} races (${r.kind === 'product' ? 'controller' : 'naive'})`);
          // Stops between races; runRaceDrill closes its clients on the way out.
          if (signal.aborted) throw new DrillAborted('race interrupted');
        },
      });
      const apiCalls = Object.fromEntries((['route53', 'azure', 'clouddns'] as const).map((p) => [p, emulators[p].faults.totalRequests()]));
      return raceReport(outcome, startedAt, Date.now(), {
        apiCalls,
        details: { seed: outcome.seed, interleavings: RACE_INTERLEAVINGS, api_calls_cover: 'both writers, every race' },
      });
    } finally {
      await emulators.stop();
    }
  },
};
