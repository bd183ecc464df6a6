/**
 * A drill's report: the figures every drill reports and the invariant checks, computed from
 * what was recorded during the drill — the controller's event log, the load
 * generator's timeline, the DNS poller's answer history, the ownership
 * generations each emulator held, and the emulators' API counters. Pure: the
 * same observations always give the same report, so every figure has a table test
 * with synthetic inputs (test/unit/drill-report*.test.ts).
 *
 * All times are epoch milliseconds on one clock (the controller, the poller and
 * the load generator all use the wall clock in a drill).
 */
import type { ControllerEvent, VerdictChangeEvent, WriteEvent } from '../observability/events.js';
import type { OperationCount } from '../emulators/core/faults.js';
import type { ProviderId } from '../providers/provider.js';
import { AnswerHistory, type AnswerSpan } from './answer-history.js';
import { clientErrorWindow, type RequestOutcome } from './traffic-timeline.js';

export const PROVIDER_IDS: readonly ProviderId[] = ['route53', 'azure', 'clouddns'];

/** The health settings the timings are compared with. */
export interface HealthTimings {
  readonly intervalMs: number;
  readonly fastIntervalMs: number;
  readonly timeoutMs: number;
  readonly rise: number;
  readonly fall: number;
}

/** One ownership generation an emulator held for the service's name, from its zone store. */
export interface AppliedGeneration {
  readonly provider: string;
  readonly at: number;
  readonly generation: number;
}

/** Everything a drill recorded; the input of the report. */
export interface DrillObservations {
  readonly scenario: string;
  readonly health: HealthTimings;
  readonly dwellMs: number;
  /** When the drill's fault was injected. */
  readonly faultAt: number;
  /** When the drill stopped observing. */
  readonly endedAt: number;
  /** The monitor target the fault hits; detect_ms is when it is declared down. */
  readonly faultTarget?: string;
  /** The answer the drill expects every reachable provider to serve after the fault; none when nothing should move. */
  readonly expectedAnswer?: readonly string[];
  /** Providers whose API is up, the ones rto_ms waits for. Default: all polled. */
  readonly reachableProviders?: readonly string[];
  /** Controller events of the drill (from the fault's setup on), oldest first. */
  readonly events: readonly ControllerEvent[];
  /** The load generator's requests; absent when the drill ran without traffic. */
  readonly traffic?: readonly RequestOutcome[];
  /** Empty DNS answers the load generator's resolver received. */
  readonly trafficEmptyAnswers?: number;
  /** What each provider's nameserver answered, as runs (DnsPoller.history). */
  readonly answers: Readonly<Record<string, readonly AnswerSpan[]>>;
  /** Empty answers counted by the poller, per provider. */
  readonly emptyAnswers: Readonly<Record<string, number>>;
  /** Ownership generations as each emulator's zone store changed; absent when not watched. */
  readonly generations?: readonly AppliedGeneration[];
  /** API requests each emulator counted during the drill, per operation. */
  readonly apiCalls: Readonly<Record<string, Readonly<Record<string, OperationCount>>>>;
}

export interface Invariant {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** The figures every drill reports. `null` where a figure does not apply or never happened (JSON has no undefined). */
export interface DrillFigures {
  /** Fault injected → the controller's verdict says the target is down. */
  readonly detect_ms: number | null;
  /** Decision → write acknowledged, per provider, for the write that moved traffic. */
  readonly publish_ms: Readonly<Record<string, number | null>>;
  /** Fault injected → every reachable provider answers the new target over DNS. */
  readonly rto_ms: number | null;
  /** Errors clients saw from the fault until every provider's nameserver served a healthy target and clients succeeded steadily. */
  readonly client_error_window_ms: number | null;
  readonly client_errors: number | null;
  /** Empty answers the DNS poller saw from any provider (must be 0). */
  readonly empty_answers: number;
  /** Writes applied with a generation lower than one already published (must be 0). */
  readonly stale_writes_applied: number;
  /** API requests each emulator answered during the drill. */
  readonly api_calls: Readonly<Record<string, number>>;
  /** The worst-case detection time of the health checks: interval + (fall − 1) × fast interval + timeout. */
  readonly detection_floor_ms: number;
  /** Publishes of the service recorded by the controller during the drill. */
  readonly writes: number;
}

export interface DrillReport extends DrillFigures {
  readonly scenario: string;
  readonly ok: boolean;
  readonly started_at: string;
  readonly duration_ms: number;
  readonly invariants: readonly Invariant[];
  /** Scenario-specific figures (reconcile time, write bounds, ...). */
  readonly details: Readonly<Record<string, unknown>>;
}

// ---- single figures ---------------------------------------------------------

export const sameSet = (a: readonly string[], b: readonly string[]): boolean => {
  const x = [...a].sort();
  const y = [...b].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
};

/**
 * The one detection bound, as the probe schedule has it (src/health/probe-schedule.ts): a fault
 * is seen by a probe sent at most one interval later, re-probed at the fast interval until
 * `fall` failures, the last one known at most a timeout later.
 */
export function detectionFloors(h: HealthTimings): { design: number } {
  return { design: h.intervalMs + (h.fall - 1) * h.fastIntervalMs + h.timeoutMs };
}

const writes = (events: readonly ControllerEvent[]) => events.filter((e): e is WriteEvent => e.type === 'write');

/** The first verdict at or after `faultAt` that declares `target` down. */
export function downVerdict(events: readonly ControllerEvent[], target: string, faultAt: number): VerdictChangeEvent | undefined {
  return events.find(
    (e): e is VerdictChangeEvent => e.type === 'verdict' && e.targetId === target && e.after === 'down' && e.at >= faultAt,
  );
}

export function detectMs(events: readonly ControllerEvent[], target: string | undefined, faultAt: number): number | null {
  if (target === undefined) return null;
  const v = downVerdict(events, target, faultAt);
  return v ? v.at - faultAt : null;
}

/** A write that some provider took (changed something). */
export const tookEffect = (w: WriteEvent): boolean =>
  (w.status === 'in-sync' || w.status === 'partial') && w.providers.some((p) => p.result === 'ok' && p.changes > 0);

/** The first publish at or after `faultAt` that wrote `answer` somewhere. */
export function movingWrite(
  events: readonly ControllerEvent[],
  answer: readonly string[] | undefined,
  faultAt: number,
): WriteEvent | undefined {
  if (answer === undefined) return undefined;
  return writes(events).find((w) => w.at >= faultAt && sameSet(w.after, answer) && tookEffect(w));
}

/** Per provider: decision → acknowledged, or null where that provider did not take the write. */
export function publishMs(write: WriteEvent | undefined, providers: readonly string[]): Record<string, number | null> {
  return Object.fromEntries(
    providers.map((p) => {
      const o = write?.providers.find((x) => x.provider === p);
      return [p, o !== undefined && o.result === 'ok' && o.latencyMs !== undefined ? o.latencyMs : null];
    }),
  );
}

/** Rebuild a poller's answer history from its spans (first and last sighting of each run). */
export function historyFrom(answers: Readonly<Record<string, readonly AnswerSpan[]>>): AnswerHistory {
  const h = new AnswerHistory();
  for (const [provider, spans] of Object.entries(answers)) {
    for (const s of spans) {
      const o = { outcome: s.outcome, addresses: s.addresses, ...(s.rcode !== undefined ? { rcode: s.rcode } : {}) };
      h.record(provider, { ...o, at: s.from });
      if (s.to > s.from) h.record(provider, { ...o, at: s.to });
    }
  }
  return h;
}

/** When every one of `providers` first answered exactly `answer` at or after `from` (ms after `from`). */
export function servedAfter(
  answers: Readonly<Record<string, readonly AnswerSpan[]>>,
  answer: readonly string[] | undefined,
  from: number,
  providers: readonly string[],
): number | null {
  if (answer === undefined || providers.length === 0) return null;
  const at = historyFrom(answers).firstTimeAllServe(answer, from, providers);
  return at === undefined ? null : at - from;
}

/**
 * Stale writes in the controller's own record: a publish that took effect with a
 * generation lower than one an earlier publish already got published with.
 */
export function staleWritesFromEvents(events: readonly ControllerEvent[]): { count: number; generations: number[] } {
  let highest = -Infinity;
  const stale: number[] = [];
  for (const w of writes(events)) {
    if (!tookEffect(w)) continue;
    if (w.generation < highest) stale.push(w.generation);
    highest = Math.max(highest, w.generation);
  }
  return { count: stale.length, generations: stale };
}

/**
 * Stale writes in the emulators' state: an ownership record changed to a
 * generation lower than one any provider already held. Only changes of a
 * provider's own generation count (Azure writes the records before the
 * ownership record, so its zone is seen once with new records and the old generation).
 */
export function staleWritesFromGenerations(applied: readonly AppliedGeneration[]): { count: number; samples: AppliedGeneration[] } {
  const last = new Map<string, number>();
  let highest = -Infinity;
  const stale: AppliedGeneration[] = [];
  for (const a of [...applied].sort((x, y) => x.at - y.at)) {
    if (last.get(a.provider) === a.generation) continue;
    last.set(a.provider, a.generation);
    if (a.generation < highest) stale.push(a);
    highest = Math.max(highest, a.generation);
  }
  return { count: stale.length, samples: stale };
}

export function apiCallTotals(counters: DrillObservations['apiCalls']): Record<string, number> {
  return Object.fromEntries(Object.entries(counters).map(([p, ops]) => [p, Object.values(ops).reduce((n, c) => n + c.total, 0)]));
}

/** Per-operation counts made since `before` (counters only grow within a drill). */
export function countersSince(
  before: Readonly<Record<string, OperationCount>>,
  after: Readonly<Record<string, OperationCount>>,
): Record<string, OperationCount> {
  const out: Record<string, OperationCount> = {};
  for (const [op, c] of Object.entries(after)) {
    const b = before[op];
    const d: OperationCount = b
      ? {
          total: c.total - b.total,
          ok: c.ok - b.ok,
          client_error: c.client_error - b.client_error,
          server_error: c.server_error - b.server_error,
          throttled: c.throttled - b.throttled,
          injected_error: c.injected_error - b.injected_error,
        }
      : { ...c };
    if (d.total > 0) out[op] = d;
  }
  return out;
}

// ---- the whole report -------------------------------------------------------

/**
 * The headline client window stays open until every provider's nameserver
 * (reachable or not: resolvers ask them all) serves the healthy answer, or to
 * the end of the drill when one never does; then the steady-success rule applies.
 */
export function clientWindowOptions(obs: DrillObservations): { toMs: number; openUntilMs?: number } {
  const providers = Object.keys(obs.answers);
  // Nothing polled (or nothing should move): no DNS to wait for.
  if (obs.expectedAnswer === undefined || providers.length === 0) return { toMs: obs.endedAt };
  const allServe = servedAfter(obs.answers, obs.expectedAnswer, obs.faultAt, providers);
  return { toMs: obs.endedAt, openUntilMs: allServe === null ? obs.endedAt : obs.faultAt + allServe };
}

export function computeFigures(obs: DrillObservations): DrillFigures {
  const polled = Object.keys(obs.answers);
  const providers = polled.length > 0 ? polled : [...PROVIDER_IDS];
  const reachable = obs.reachableProviders ?? providers;
  const floors = detectionFloors(obs.health);
  const moved = movingWrite(obs.events, obs.expectedAnswer, obs.faultAt);
  const window = obs.traffic ? clientErrorWindow(obs.traffic, obs.faultAt, clientWindowOptions(obs)) : undefined;
  const stale = Math.max(staleWritesFromEvents(obs.events).count, obs.generations ? staleWritesFromGenerations(obs.generations).count : 0);
  return {
    detect_ms: detectMs(obs.events, obs.faultTarget, obs.faultAt),
    publish_ms: publishMs(moved, providers),
    rto_ms: servedAfter(obs.answers, obs.expectedAnswer, obs.faultAt, reachable),
    client_error_window_ms: window ? window.client_error_window_ms : null,
    client_errors: window ? window.client_errors : null,
    empty_answers: Object.values(obs.emptyAnswers).reduce((a, b) => a + b, 0),
    stale_writes_applied: stale,
    api_calls: apiCallTotals(obs.apiCalls),
    detection_floor_ms: floors.design,
    writes: writes(obs.events).filter((w) => w.at >= obs.faultAt && tookEffect(w)).length,
  };
}

/** I1 and I2 as every drill checks them. */
export function commonInvariants(f: DrillFigures, obs: DrillObservations): Invariant[] {
  const clientEmpty = obs.trafficEmptyAnswers ?? 0;
  const perProvider = Object.entries(obs.emptyAnswers)
    .filter(([, n]) => n > 0)
    .map(([p, n]) => `${p} ${n}`)
    .join(', ');
  return [
    {
      name: 'never-empty (I1)',
      ok: f.empty_answers === 0 && clientEmpty === 0,
      detail: `${f.empty_answers} empty answers polled${perProvider ? ` (${perProvider})` : ''}, ${clientEmpty} seen by clients`,
    },
    {
      name: 'no-stale-write (I2)',
      ok: f.stale_writes_applied === 0,
      detail: `${f.stale_writes_applied} writes applied below an already published generation`,
    },
  ];
}

/** A figure that must exist for the drill to mean anything (e.g. detect_ms in an outage). */
export function present(name: string, value: number | null, what: string): Invariant {
  return { name, ok: value !== null, detail: value === null ? `${what}: never happened` : `${what} after ${value} ms` };
}

/** A figure within a bound, e.g. detect_ms ≤ detection_floor_ms. */
export function within(name: string, value: number | null, bound: number, label: string): Invariant {
  if (value === null) return { name, ok: false, detail: `no value to compare with ${label} ${bound} ms` };
  return { name, ok: value <= bound, detail: `${value} ms ${value <= bound ? '≤' : '>'} ${label} ${bound} ms` };
}

export function buildReport(
  obs: DrillObservations,
  scenario: { invariants: readonly Invariant[]; details?: Record<string, unknown> },
  startedAt: number,
): DrillReport {
  const figures = computeFigures(obs);
  const invariants = [...commonInvariants(figures, obs), ...scenario.invariants];
  return {
    scenario: obs.scenario,
    ok: invariants.every((i) => i.ok),
    started_at: new Date(startedAt).toISOString(),
    duration_ms: obs.endedAt - startedAt,
    ...figures,
    invariants,
    details: scenario.details ?? {},
  };
}
