/**
 * Many races summed up, one section per writer: `controller` (the product) and
 * `naive` (last-writer-wins), each with the drill report's `empty_answers` and
 * `stale_writes_applied`, so the two can be printed side by side.
 */
import type { RaceRunReport, WriterKind } from './race-run.js';

export interface RaceSection {
  readonly interleavings: number;
  /** Interleavings with an empty answer, a stale write, or (product) no convergence. */
  readonly failed_interleavings: number;
  /** Empty answers the DNS pollers got from the three name servers. */
  readonly empty_answers: number;
  /** Committed zone states in which a name had no address. */
  readonly empty_states: number;
  /** Committed writes that published an older generation over a newer one (or stale values under a generation). */
  readonly stale_writes_applied: number;
  /** Names that ended a race on an older plan than one their provider had acknowledged in sync. */
  readonly acknowledged_plans_lost: number;
  /** Interleavings that did not end with every provider serving the newest plan. */
  readonly not_converged: number;
  /** Provider write calls. */
  readonly writes: number;
  /** Compare-and-swap conflicts that made a writer re-read and re-plan. */
  readonly conflicts: number;
  readonly crashed_writers: number;
  readonly outages: number;
  /** Scheduler steps released. */
  readonly steps: number;
}

export interface RaceDrillReport {
  readonly controller: RaceSection;
  readonly naive: RaceSection;
}

/** Why a race failed, in a sentence; undefined when it did not. */
export function raceFailure(r: RaceRunReport): string | undefined {
  const reasons: string[] = [];
  if (r.commits.emptyStates > 0 || r.emptyAnswers > 0)
    reasons.push(`empty answer (${r.commits.emptyStates} committed state(s), ${r.emptyAnswers} over DNS)`);
  if (r.commits.staleWritesApplied > 0) reasons.push(`${r.commits.staleWritesApplied} stale write(s) applied`);
  if (r.commits.acknowledgedPlansLost > 0)
    reasons.push(`${r.commits.acknowledgedPlansLost} name(s) ended on an older plan than one acknowledged in sync`);
  if (r.kind === 'product' && !r.converged) reasons.push('providers did not converge on the newest plan');
  return reasons.length === 0 ? undefined : reasons.join('; ');
}

export function summarize(reports: readonly RaceRunReport[]): RaceSection {
  const sum = (f: (r: RaceRunReport) => number) => reports.reduce((n, r) => n + f(r), 0);
  return {
    interleavings: reports.length,
    failed_interleavings: reports.filter((r) => raceFailure(r) !== undefined).length,
    empty_answers: sum((r) => r.emptyAnswers),
    empty_states: sum((r) => r.commits.emptyStates),
    stale_writes_applied: sum((r) => r.commits.staleWritesApplied),
    acknowledged_plans_lost: sum((r) => r.commits.acknowledgedPlansLost),
    not_converged: sum((r) => (r.converged ? 0 : 1)),
    writes: sum((r) => r.writers.reduce((n, w) => n + w.writeCalls, 0)),
    conflicts: sum((r) => r.conflicts),
    crashed_writers: sum((r) => r.writers.filter((w) => w.crashed).length),
    outages: sum((r) => r.outages.length),
    steps: sum((r) => r.steps),
  };
}

const percent = (n: number, of: number) => (of === 0 ? '0%' : `${((100 * n) / of).toFixed(1)}%`);

/** One line: interleavings run, writes, conflicts, and the failures. */
export function summaryLine(kind: WriterKind, s: RaceSection, elapsedMs: number): string {
  const who = kind === 'product' ? 'controller' : 'naive';
  return (
    `race ${who}: ${s.interleavings} interleavings in ${(elapsedMs / 1000).toFixed(1)} s, ${s.writes} writes, ${s.conflicts} conflicts, ` +
    `${s.crashed_writers} crashed writers, ${s.outages} API outages; failed ${s.failed_interleavings} (${percent(s.failed_interleavings, s.interleavings)}): ` +
    `empty_answers=${s.empty_answers} empty_states=${s.empty_states} stale_writes_applied=${s.stale_writes_applied} acknowledged_plans_lost=${s.acknowledged_plans_lost} not_converged=${s.not_converged}`
  );
}
