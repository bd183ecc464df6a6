/**
 * One race, start to finish:
 * seed generation 1 → watch (commits + DNS) → writers and outages, every
 * provider call ordered by the scheduler → (product) final reconcile with the
 * newest plan → what was seen → remove the names.
 *
 * Names are unique per run (`app-<run>.<zone>`), so nothing of one run can be
 * mistaken for another's, and are removed at the end, so the zone stays small.
 */
import { canonicalName } from '../../dns/record.js';
import { Reconciler } from '../../controller/reconcile.js';
import type { ApplyOutcome } from '../../controller/apply-outcome.js';
import type { ProviderId } from '../../providers/provider.js';
import type { StateViolation, CommitCounts } from './committed-states.js';
import { servedAt } from './committed-states.js';
import { desiredOf, PlanBook, planIncident, type PlanSpec, type RacePlan } from './incident.js';
import { Interleaver, type RaceScheduler } from './interleaving.js';
import { runNaiveEnactor, type NaiveEnactorResult } from './naive-writer.js';
import { RACE_OWNER, RACE_SAFETY, runProductEnactor, type ProductEnactorResult } from './product-writer.js';
import { RACE_PROVIDERS, type RaceFixture } from './race-fixture.js';
import { RaceWatch, type DataPlaneView } from './race-watch.js';
import { ScenarioError, validateScenario, type OutageSpec, type RaceScenario } from './scenario.js';
import { WriterGate, type Hold } from './writer-gate.js';

export type WriterKind = 'product' | 'naive';

/** Final reconcile rounds: one publish and its retries; one retry per lagging provider suffices. */
const FINAL_RECONCILE_ROUNDS = 4;

export interface WriterSummary {
  readonly writer: string;
  readonly generation: number;
  /** product: the apply's status (then the clean-up's); naive: applied / stale-plan; crashed: never returned. */
  readonly status: string;
  readonly writeCalls: number;
  readonly crashed: boolean;
}

export interface FinalName {
  readonly provider: ProviderId;
  readonly name: string;
  readonly values: readonly string[];
  readonly generation: number | undefined;
}

export interface RaceRunReport {
  readonly kind: WriterKind;
  readonly run: number;
  readonly names: readonly string[];
  /** The newest plan's generation. */
  readonly newest: number;
  readonly steps: number;
  readonly writers: readonly WriterSummary[];
  readonly outages: readonly OutageSpec[];
  readonly commits: CommitCounts;
  readonly violations: readonly StateViolation[];
  /** Empty answers the DNS pollers got, in all and per provider's name server. */
  readonly emptyAnswers: number;
  readonly emptyAnswersBy: Readonly<Record<ProviderId, number>>;
  readonly polls: number;
  /** Provider writes that were re-planned after a compare-and-swap conflict (product). */
  readonly conflicts: number;
  /** Every provider and name after the run (and, for the product, after the final reconcile). */
  readonly final: readonly FinalName[];
  /** Every provider serves the newest plan's values (product: all under the final generation), in the zone and over DNS. */
  readonly converged: boolean;
  /** Every distinct answer each provider's name server gave, per name, in order. */
  readonly dnsHistory: DataPlaneView['histories'];
  /** The final reconcile's outcomes (product); empty when the race left every provider converged. */
  readonly reconcile: readonly ApplyOutcome[];
  /** The generation every provider ends at (product): the newest plan's, or the final reconcile's catch-up. */
  readonly finalGeneration?: number;
}

export interface RaceRunOptions {
  readonly fixture: RaceFixture;
  readonly scheduler: RaceScheduler;
  readonly kind: WriterKind;
  /** Makes the names unique. */
  readonly run: number;
  readonly pollIntervalMs?: number;
  /**
   * Polls every name server must answer after the race before the pollers stop,
   * so their histories end with the final answers (a scripted replay wants
   * that). Convergence over DNS is checked with one direct question per name
   * server either way. Default 0.
   */
  readonly finalPolls?: number;
  /** Product writers fence their plan's names (default); false is a mutation for the tests (see ProductWriterContext). */
  readonly fenceWrites?: boolean;
}

/** The names of run `run`: app-<run>, api-<run>, ... */
export function raceNames(run: number, count: number, zone: string): string[] {
  const labels = ['app', 'api', 'cdn', 'www'];
  return Array.from({ length: count }, (_, i) =>
    canonicalName(`${labels[i % labels.length]}${i >= labels.length ? i : ''}-${run}.${zone}`),
  );
}

/** The naive writer has no ownership records: its checker tells plans apart by value, so every plan gets fresh values. */
function plansFor(kind: WriterKind, plans: readonly PlanSpec[]): readonly PlanSpec[] {
  return kind === 'naive' ? plans.map((p) => ({ names: p.names.map(() => 'fresh' as const) })) : plans;
}

function conflictsOf(outcomes: readonly (ApplyOutcome | undefined)[]): number {
  return outcomes.reduce((n, o) => n + (o?.providers.reduce((m, p) => m + p.replans, 0) ?? 0), 0);
}

async function outage(o: OutageSpec, il: Interleaver, fixture: RaceFixture): Promise<void> {
  const emulator = fixture.emulators[o.provider];
  const setDown = (apiDown: boolean) =>
    il.activity.track(async () => {
      emulator.faults.set({ apiDown });
      await emulator.api.settled();
    });
  await il.pause(o.startAfter, `outage ${o.provider} pending`);
  await il.step(`outage ${o.provider} starts`);
  await setDown(true);
  await il.pause(o.lasts, `outage ${o.provider} lasting`);
  await il.step(`outage ${o.provider} ends`);
  await setDown(false);
}

/**
 * After the race, the product converges every provider on the newest plan the
 * way a (re)started controller does (src/controller/startup.ts): if every
 * provider already serves the newest plan's answer under one generation,
 * nothing is written; otherwise catching up is a decision of its own: a
 * generation above everything published, every name fenced, written by the
 * Reconciler (its reads, conditional writes and retries). Reusing a generation
 * some provider already holds would be refused as superseded, by design (I2).
 * Whether to reconcile, and the generation floor, are read from the zones
 * directly: the harness's decision, so it costs no API calls.
 */
async function finalReconcile(fixture: RaceFixture, book: PlanBook): Promise<{ generation: number; outcomes: ApplyOutcome[] }> {
  const newest = book.newest();
  const names = book.names;
  const served = RACE_PROVIDERS.flatMap((provider) => {
    const zone = fixture.emulators[provider].store.zonesByName(fixture.emulators.zone)[0];
    return names.map((name) => ({ name, ...(zone ? servedAt(zone, name, RACE_OWNER) : { values: [], ownership: undefined }) }));
  });
  const floor = Math.max(0, ...served.map((x) => x.ownership ?? 0));
  const settled =
    new Set(served.map((x) => x.ownership)).size === 1 &&
    floor >= newest.generation &&
    served.every((x) => sameValues(x.values, newest.answers.get(x.name) ?? []));
  if (settled) return { generation: floor, outcomes: [] };

  let t = 0;
  const reconciler = new Reconciler({
    providers: fixture.providers,
    owner: RACE_OWNER,
    safety: RACE_SAFETY,
    now: () => t,
    random: () => 0.5,
  });
  const generation = Math.max(floor, newest.generation - 1) + 1;
  if (generation > newest.generation) book.add({ generation, answers: newest.answers });
  const outcomes = [await reconciler.publish({ desired: desiredOf(newest), generation, managedNames: names, fenceNames: names })];
  for (let round = 0; round < FINAL_RECONCILE_ROUNDS && reconciler.outOfSync().size > 0; round++) {
    t = reconciler.nextRetryAt() ?? t;
    outcomes.push(...(await reconciler.retryDue()));
  }
  return { generation, outcomes };
}

const sameValues = (a: readonly string[], b: readonly string[]): boolean => [...a].sort().join() === [...b].sort().join();

/** One writer as launched: the plan it holds (by generation) and its holds, in steps or signals. */
export interface LaunchSpec {
  readonly generation: number;
  readonly startAfter?: Hold;
  readonly holdBeforeFirstWrite?: Hold;
  readonly holdBeforeCleanUp?: Hold;
  readonly crashAfterWrites?: number;
  readonly cleanUp: boolean;
}

export interface LaunchedWriter {
  readonly gate: WriterGate;
  /** Settles when the writer returns; never, if it crashed. */
  readonly done: Promise<void>;
}

/**
 * One race in progress: seeded and watched from construction; writers and
 * outages are launched, then `finish` drives the scheduler to the end,
 * reconciles (product), collects what was seen and removes the names.
 * `runRace` launches from a RaceScenario; a scripted replay launches writers
 * whose holds are signals from the others.
 */
export class RaceRun {
  readonly names: readonly string[];
  readonly book: PlanBook;
  readonly interleaver: Interleaver;
  private readonly watch: RaceWatch;
  private readonly launched: { gate: WriterGate; generation: number; result?: ProductEnactorResult | NaiveEnactorResult }[] = [];
  private readonly outages: OutageSpec[] = [];
  private readonly failures: unknown[] = [];
  private finished = false;

  constructor(
    private readonly options: RaceRunOptions,
    planCount: { readonly names: number; readonly plans: readonly PlanSpec[] },
  ) {
    const { fixture, kind, run } = options;
    this.names = raceNames(run, planCount.names, fixture.emulators.zone);
    this.book = new PlanBook(planIncident(this.names, plansFor(kind, planCount.plans)));
    fixture.seed(this.book.plans[0] as RacePlan, { withOwnership: kind === 'product' });
    this.watch = new RaceWatch(fixture, this.book, kind === 'product' ? 'ownership' : 'values', { pollIntervalMs: options.pollIntervalMs });
    this.interleaver = new Interleaver(options.scheduler);
  }

  launch(spec: LaunchSpec): LaunchedWriter {
    const { fixture, kind } = this.options;
    const plan = this.book.plan(spec.generation);
    if (plan === undefined)
      throw new ScenarioError(
        `no plan of generation ${spec.generation}; the Planner made ${this.book.plans.map((p) => p.generation).join(', ')}`,
      );
    const index = this.launched.length;
    const gate = new WriterGate(`w${index + 1}/g${plan.generation}`, this.interleaver, {
      holdBeforeFirstWrite: spec.holdBeforeFirstWrite,
      crashAfterWrites: spec.crashAfterWrites,
    });
    const entry: (typeof this.launched)[number] = { gate, generation: plan.generation };
    this.launched.push(entry);
    const enactor = { plan, cleanUp: spec.cleanUp, holdBeforeCleanUp: spec.holdBeforeCleanUp };
    const done = (async () => {
      await gate.wait(spec.startAfter, 'starting');
      entry.result =
        kind === 'product'
          ? await runProductEnactor(
              enactor,
              { providers: fixture.providers, managedNames: this.names, fenceWrites: this.options.fenceWrites },
              gate,
            )
          : await runNaiveEnactor(enactor, fixture.naive, this.book, gate);
    })();
    done.catch((err: unknown) => this.failures.push(err));
    return { gate, done };
  }

  /**
   * Resolves once every provider's name server answers `addresses` for `name`
   * (see RaceWatch.seenEverywhere); counted as work in flight, so the race is
   * not over while a writer waits for it.
   */
  seenEverywhere(name: string, addresses: readonly string[]): Promise<void> {
    return this.interleaver.activity.track(() => this.watch.seenEverywhere(name, addresses));
  }

  outage(o: OutageSpec): void {
    this.outages.push(o);
    void outage(o, this.interleaver, this.options.fixture).catch((err: unknown) => this.failures.push(err));
  }

  /** Every provider a writer was told is in sync with its plan must not end on an older plan. */
  private checkAcknowledged(): void {
    const { fixture } = this.options;
    const acknowledged = new Map<ProviderId, number>();
    const ack = (provider: ProviderId, generation: number) =>
      acknowledged.set(provider, Math.max(acknowledged.get(provider) ?? 0, generation));
    for (const { generation, result } of this.launched) {
      if (result === undefined) continue;
      if ('apply' in result) {
        for (const outcome of [result.apply, result.cleanUp])
          for (const p of outcome?.providers ?? []) if (p.status === 'in-sync') ack(p.provider, generation);
      } else if (result.status === 'applied') {
        for (const provider of RACE_PROVIDERS) if (!result.errors.some((e) => e.provider === provider)) ack(provider, generation);
      }
    }
    for (const [provider, generation] of acknowledged) {
      const zone = fixture.emulators[provider].store.zonesByName(fixture.emulators.zone)[0];
      if (zone !== undefined) this.watch.checker.checkAcknowledged(provider, generation, zone);
    }
  }

  async finish(): Promise<RaceRunReport> {
    if (this.finished) throw new Error('a race finishes once');
    this.finished = true;
    const { fixture, kind, run } = this.options;
    try {
      const steps = await this.interleaver.drive();
      if (this.failures.length > 0) throw this.failures[0];
      this.checkAcknowledged();
      for (const o of this.outages)
        if (fixture.emulators[o.provider].faults.settings.apiDown)
          throw new Error(`the outage of ${o.provider} was still on after the race`);

      const reconciled = kind === 'product' ? await finalReconcile(fixture, this.book) : undefined;
      const dnsFinal = await this.watch.finalAnswers();
      if ((this.options.finalPolls ?? 0) > 0) await this.watch.settle(this.options.finalPolls ?? 0);
      const dataPlane = await this.watch.stop();

      const newest = this.book.newest();
      const final: FinalName[] = RACE_PROVIDERS.flatMap((provider) => {
        const zone = fixture.emulators[provider].store.zonesByName(fixture.emulators.zone)[0];
        return this.names.map((name) => {
          const served = zone ? servedAt(zone, name, RACE_OWNER) : { values: [], ownership: undefined };
          return { provider, name, values: served.values, generation: served.ownership };
        });
      });
      const want = (name: string) => [...(newest.answers.get(canonicalName(name)) ?? [])].sort().join();
      const converged =
        final.every((f) => f.values.join() === want(f.name) && (reconciled === undefined || f.generation === reconciled.generation)) &&
        [...dnsFinal].every(([name, byProvider]) => [...byProvider.values()].every((a) => a.join() === want(name)));

      const writers: WriterSummary[] = this.launched.map(({ gate, generation, result: r }) => ({
        writer: gate.writer,
        generation,
        status: r === undefined ? 'crashed' : 'apply' in r ? [r.apply.status, r.cleanUp?.status].filter(Boolean).join(' → ') : r.status,
        writeCalls: gate.writes,
        crashed: gate.crashed,
      }));
      const outcomes = this.launched.flatMap(({ result: r }) => (r !== undefined && 'apply' in r ? [r.apply, r.cleanUp] : []));
      return {
        kind,
        run,
        names: this.names,
        newest: newest.generation,
        steps,
        writers,
        outages: this.outages,
        commits: this.watch.checker.counters(),
        violations: this.watch.checker.violations(),
        emptyAnswers: dataPlane.emptyAnswers,
        emptyAnswersBy: dataPlane.emptyAnswersBy,
        dnsHistory: dataPlane.histories,
        polls: dataPlane.polls,
        conflicts: conflictsOf(outcomes),
        final,
        converged,
        reconcile: reconciled?.outcomes ?? [],
        ...(reconciled ? { finalGeneration: reconciled.generation } : {}),
      };
    } finally {
      await this.watch.stop();
      for (const o of this.outages) {
        const emulator = fixture.emulators[o.provider];
        if (emulator.faults.settings.apiDown) {
          emulator.faults.set({ apiDown: false });
          await emulator.api.settled();
        }
      }
      fixture.reset(this.names);
    }
  }
}

/** A generated race: every writer and outage of the scenario, ordered by the scheduler. */
export async function runRace(scenario: RaceScenario, options: RaceRunOptions): Promise<RaceRunReport> {
  validateScenario(scenario);
  const race = new RaceRun(options, scenario);
  for (const w of scenario.writers) {
    race.launch({
      generation: w.plan + 2,
      startAfter: w.startAfter,
      holdBeforeFirstWrite: w.holdBeforeFirstWrite,
      crashAfterWrites: w.crashAfterWrites,
      cleanUp: w.cleanUp,
    });
  }
  for (const o of scenario.outages) race.outage(o);
  return race.finish();
}
