/**
 * Runs one drill: a fresh topology on free ports, a steady state (every
 * provider answers AWS, clients reach AWS), the scenario's fault, then the
 * report from what was recorded. The topology is stopped on every path — a
 * finished drill, a failed one, an exception, or an abort (Ctrl-C) — so no
 * process or port outlives the drill.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ControllerEvent } from '../observability/events.js';
import type { OperationCount } from '../emulators/core/faults.js';
import type { Logger } from '../observability/logger.js';
import type { Cloud } from '../routing/answer.js';
import {
  buildReport,
  computeFigures,
  countersSince,
  sameSet,
  type DrillObservations,
  type DrillReport,
  type HealthTimings,
  type Invariant,
} from './report.js';
import { clientsOn } from './scenarios/checks.js';
import { watchGenerations } from './scenarios/generation-watch.js';
import { scenarioNamed, SCENARIOS } from './scenarios/index.js';
import {
  DRILL_DEFAULTS,
  DrillAborted,
  type DrillContext,
  type DrillSettings,
  type Scenario,
  type TopologyScenario,
} from './scenarios/scenario.js';

export { DRILL_DEFAULTS, DrillAborted };
import type { DrillTopology, StartDrillTopology } from './drill-topology.js';
import { CLOUD_ADDRESSES, TOPOLOGY_PROVIDERS } from './topology-config.js';

const STEADY_TIMEOUT_MS = 15_000;
const POLL_MS = 50;

export interface DrillSettingsInput {
  readonly health?: Partial<HealthTimings>;
  readonly dwellMs?: number;
  readonly ttl?: number;
  readonly trafficRate?: number;
}

export interface RunDrillOptions<T extends DrillTopology = DrillTopology> {
  /** Starts the drill's fresh topology: the CLI passes apps/topology's startTopology. */
  readonly startTopology: StartDrillTopology<T>;
  /** Overrides of DRILL_DEFAULTS (tests use smaller timings). */
  readonly settings?: DrillSettingsInput;
  /** Abort (Ctrl-C): the drill stops waiting, its topology is stopped and runDrill rejects with DrillAborted. */
  readonly signal?: AbortSignal;
  readonly progress?: (line: string) => void;
  /** Adds a failing invariant with this text: shows what a failed drill looks like and that it still cleans up. */
  readonly forceFailure?: string;
  /** The topology's log (silent by default). */
  readonly log?: Logger;
  /** Called once the drill's topology runs (tests note its ports). */
  readonly onTopology?: (topology: T) => void;
  /** Picks the fault's phase in the probe cycle (0 ≤ x < 1); Math.random by default. */
  readonly random?: () => number;
}

/** The topology never reached the steady state the drill starts from. */
export class DrillSetupError extends Error {
  override readonly name = 'DrillSetupError';
}

export function drillSettings(scenario: Scenario, input: DrillSettingsInput = {}): DrillSettings {
  const own = scenario.kind === 'topology' ? (scenario.settings ?? {}) : {};
  return {
    health: { ...DRILL_DEFAULTS.health, ...input.health },
    dwellMs: input.dwellMs ?? own.dwellMs ?? DRILL_DEFAULTS.dwellMs,
    ttl: input.ttl ?? DRILL_DEFAULTS.ttl,
    trafficRate: input.trafficRate ?? DRILL_DEFAULTS.trafficRate,
  };
}

/** Moments of the drill as offsets from the fault, easier to read than epoch ms. */
function afterFault(marks: Readonly<Record<string, number>> | undefined, faultAt: number): Record<string, number> {
  return Object.fromEntries(Object.entries(marks ?? {}).map(([k, at]) => [k, at - faultAt]));
}

function forced(reason: string | undefined): Invariant[] {
  return reason === undefined ? [] : [{ name: 'forced failure', ok: false, detail: reason }];
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (signal.aborted) return false;
    if (await check()) return true;
    if (Date.now() >= until) return false;
    await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
  }
}

function context(
  topology: DrillTopology,
  settings: DrillSettings,
  signal: AbortSignal,
  events: readonly ControllerEvent[],
  progress: (line: string) => void,
): DrillContext {
  return {
    topology,
    settings,
    addresses: CLOUD_ADDRESSES,
    signal,
    now: () => Date.now(),
    progress,
    waitFor: (check, timeoutMs) => waitFor(check, timeoutMs, signal),
    sleep: (ms) => sleep(ms, undefined, { signal }).catch(() => undefined),
    events: () => events,
    served: (answer, providers = TOPOLOGY_PROVIDERS) =>
      providers.every((p) => {
        const latest = topology.poller.latest(p);
        return latest !== undefined && latest.outcome === 'answer' && sameSet(latest.addresses, answer);
      }),
    clientsOn: (cloud: Cloud) => topology.traffic !== undefined && clientsOn(topology.traffic.timeline(), cloud),
  };
}

async function runOnTopology<T extends DrillTopology>(
  scenario: TopologyScenario,
  options: RunDrillOptions<T>,
  signal: AbortSignal,
): Promise<DrillReport> {
  const settings = drillSettings(scenario, options.settings);
  const progress = options.progress ?? (() => undefined);
  const startedAt = Date.now();
  progress(`${scenario.name}: starting a fresh topology`);
  const topology = await options.startTopology({
    freePorts: true,
    health: settings.health,
    dwellMs: settings.dwellMs,
    ttl: settings.ttl,
    traffic: { ratePerSecond: settings.trafficRate },
    ...(options.log ? { log: options.log } : {}),
  });
  const events: ControllerEvent[] = [];
  const record = (e: ControllerEvent) => events.push(e);
  let watch: ReturnType<typeof watchGenerations> | undefined;
  try {
    options.onTopology?.(topology);
    events.push(...topology.controller.events.since(0));
    topology.controller.events.on('event', record);
    const ctx = context(topology, settings, signal, events, progress);

    const steady = await ctx.waitFor(() => ctx.served([CLOUD_ADDRESSES.aws]) && ctx.clientsOn('aws'), STEADY_TIMEOUT_MS);
    if (signal.aborted) throw new DrillAborted(`${scenario.name} interrupted`);
    if (!steady)
      throw new DrillSetupError(
        `${scenario.name}: the topology did not reach its steady state (every provider answering aws, clients on aws) within ${STEADY_TIMEOUT_MS} ms`,
      );
    progress(`${scenario.name}: steady: every provider answers aws, clients reach aws`);
    // The fault lands at a random phase of the probe cycle: detection is a distribution over runs, not one artefact of timing.
    const injectionDelayMs = Math.floor((options.random ?? Math.random)() * settings.health.intervalMs);
    await ctx.sleep(injectionDelayMs);
    if (signal.aborted) throw new DrillAborted(`${scenario.name} interrupted`);

    const baselineCounters = Object.fromEntries(TOPOLOGY_PROVIDERS.map((p) => [p, topology.emulators[p].faults.counters()]));
    const baselineEmpty = Object.fromEntries(TOPOLOGY_PROVIDERS.map((p) => [p, topology.poller.emptyAnswers(p)]));
    const trafficEmptyBefore = topology.traffic?.stats().emptyAnswers ?? 0;
    watch = watchGenerations(Object.fromEntries(TOPOLOGY_PROVIDERS.map((p) => [p, topology.emulators[p].store])), topology.serviceName);

    const run = await scenario.run(ctx);
    if (signal.aborted) throw new DrillAborted(`${scenario.name} interrupted`);
    const endedAt = Date.now();

    const apiCalls: Record<string, Record<string, OperationCount>> = Object.fromEntries(
      TOPOLOGY_PROVIDERS.map((p) => [p, countersSince(baselineCounters[p] ?? {}, topology.emulators[p].faults.counters())]),
    );
    const obs: DrillObservations = {
      scenario: scenario.name,
      health: settings.health,
      dwellMs: settings.dwellMs,
      faultAt: run.faultAt,
      endedAt,
      ...(run.faultTarget !== undefined ? { faultTarget: run.faultTarget } : {}),
      ...(run.expectedAnswer !== undefined ? { expectedAnswer: run.expectedAnswer } : {}),
      ...(run.reachableProviders !== undefined ? { reachableProviders: run.reachableProviders } : {}),
      events: [...events],
      ...(topology.traffic
        ? { traffic: topology.traffic.timeline(), trafficEmptyAnswers: topology.traffic.stats().emptyAnswers - trafficEmptyBefore }
        : {}),
      answers: Object.fromEntries(TOPOLOGY_PROVIDERS.map((p) => [p, topology.poller.history(p)])),
      emptyAnswers: Object.fromEntries(TOPOLOGY_PROVIDERS.map((p) => [p, topology.poller.emptyAnswers(p) - (baselineEmpty[p] ?? 0)])),
      generations: watch.applied(),
      apiCalls,
    };
    const verdict = scenario.judge({ obs, figures: computeFigures(obs), run, settings, addresses: CLOUD_ADDRESSES });
    return buildReport(
      obs,
      {
        invariants: [...verdict.invariants, ...forced(options.forceFailure)],
        details: {
          ...verdict.details,
          settings,
          injection_delay_ms: injectionDelayMs,
          ms_after_fault: afterFault(run.marks, run.faultAt),
        },
      },
      startedAt,
    );
  } finally {
    watch?.stop();
    topology.controller.events.off('event', record);
    progress(`${scenario.name}: stopping the topology`);
    await topology.stop();
  }
}

/** Run one scenario (by name or value) and report. Rejects with DrillAborted when `signal` aborts. */
export async function runDrill<T extends DrillTopology>(which: Scenario | string, options: RunDrillOptions<T>): Promise<DrillReport> {
  const scenario = typeof which === 'string' ? scenarioNamed(which) : which;
  const signal = options.signal ?? new AbortController().signal;
  if (signal.aborted) throw new DrillAborted(`${scenario.name} interrupted`);
  if (scenario.kind === 'topology') return runOnTopology(scenario, options, signal);
  const report = await scenario.execute({ signal, progress: options.progress ?? (() => undefined) });
  if (signal.aborted) throw new DrillAborted(`${scenario.name} interrupted`);
  const extra = forced(options.forceFailure);
  return extra.length === 0 ? report : { ...report, ok: false, invariants: [...report.invariants, ...extra] };
}

/** Run scenarios one after another, each on its own topology; stops at an abort. */
export async function runDrills<T extends DrillTopology>(
  options: RunDrillOptions<T>,
  names: readonly string[] = SCENARIOS.map((s) => s.name),
): Promise<DrillReport[]> {
  const reports: DrillReport[] = [];
  for (const name of names) reports.push(await runDrill(name, options));
  return reports;
}
