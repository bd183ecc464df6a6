/**
 * The failover loop: probe → decide → plan → conditional apply to every
 * provider in parallel → verify over each provider's DNS → record an event.
 *
 * - Triggers: the monitor's `verdict` events, operator overrides, and a tick
 *   every health.intervalMs (which also lets a dwell-held decision through once
 *   the dwell ends, retries out-of-sync providers and, less often, looks for drift).
 * - One evaluation per service at a time; a trigger during one marks the
 *   service for another round afterwards. Writes go through the reconciler,
 *   which serialises them.
 * - Generations: a new one is minted only when a service's decided answer
 *   changes (newest generation seen anywhere or used here, + 1), and that publish
 *   fences the service's name, so a slower writer holding an older plan fails its
 *   compare-and-swap even where the values did not change. An answer equal to the
 *   published one writes nothing.
 * - Start-up: the published answers are read back from the providers
 *   (startup.ts); nothing that is right is written.
 * - Time comes from an injected clock; unit tests drive it.
 */
import type { FailoverConfig } from '../config/schema.js';
import { canonicalName } from '../dns/record.js';
import { realClock, type Clock, type TimerHandle } from '../time/clock.js';
import type { HealthMonitorEvents, MonitorSnapshot, VantageStateEvent, VerdictEvent } from '../health/monitor.js';
import type { TargetVerdict, VerdictKind } from '../health/quorum.js';
import type { Logger } from '../observability/logger.js';
import { writtenRecords } from '../plan/change.js';
import type { DesiredRecord, ProviderId } from '../plan/state.js';
import type { ApplyReport } from '../providers/provider.js';
import { sameAddresses } from '../routing/answer.js';
import { decide } from '../routing/decide.js';
import { shouldPublish, type Decision } from '../routing/decision.js';
import type { AppliedTiming } from './apply-everywhere.js';
import type { ApplyOutcome } from './apply-outcome.js';
import { EventLog, type ControllerEvent, type NewEvent } from '../observability/events.js';
import { describeWrites, writeOutcomes } from './write-outcome.js';
import { OverrideStore, type OverrideRequest } from './override-store.js';
import type { ProbeTargets } from './probe-targets.js';
import { ProviderSync } from './provider-sync.js';
import type { Publisher } from './publisher.js';
import type { ReconcileTarget } from './reconcile.js';
import type { ReconcileEvent } from './reconcile-events.js';
import { decisionSignature, ServiceState } from './service-state.js';
import { startupView } from './startup.js';
import type { Verifier } from './verify.js';

/** What the loop needs of the health monitor (HealthMonitor fits; tests may script verdicts). */
export interface ControllerMonitor {
  on<K extends keyof HealthMonitorEvents>(event: K, listener: (...args: HealthMonitorEvents[K]) => void): unknown;
  off<K extends keyof HealthMonitorEvents>(event: K, listener: (...args: HealthMonitorEvents[K]) => void): unknown;
  start(): void;
  stop(): Promise<void>;
  verdict(targetId: string): Pick<TargetVerdict, 'kind'>;
  snapshot(): MonitorSnapshot;
}

export interface ControllerOptions {
  readonly config: FailoverConfig;
  readonly publisher: Publisher;
  readonly monitor: ControllerMonitor;
  readonly probeTargets: ProbeTargets;
  /** Asks each provider's nameserver; without one, nothing is verified and the status shows no "serving". */
  readonly verifier?: Verifier;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly events?: EventLog;
  /** How often in-sync providers are read for hand edits. Default 10 s. */
  readonly driftCheckMs?: number;
  /**
   * With nothing published yet, the first publish waits until every target of
   * the service has a verdict, or this long after start (then it publishes what
   * is up, or fails open). Default: intervalMs + max(rise, fall) × fastIntervalMs + timeoutMs.
   */
  readonly startupGraceMs?: number;
  /** How long stop() waits for an in-flight publish. Default 10 s. */
  readonly stopTimeoutMs?: number;
}

export const DEFAULT_DRIFT_CHECK_MS = 10_000;
export const DEFAULT_STOP_TIMEOUT_MS = 10_000;

type Phase = 'idle' | 'running' | 'stopping' | 'stopped';

/** The controller was used out of order (started twice, restarted after stop). */
export class ControllerStateError extends Error {
  override readonly name = 'ControllerStateError';
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

export class Controller {
  readonly config: FailoverConfig;
  readonly events: EventLog;
  readonly overrides: OverrideStore;
  readonly providerSync: ProviderSync;
  readonly verifier: Verifier | undefined;
  readonly probeTargets: ProbeTargets;
  readonly #publisher: Publisher;
  readonly #monitor: ControllerMonitor;
  readonly #clock: Clock;
  readonly #logger: Logger | undefined;
  readonly #services = new Map<string, ServiceState>();
  readonly #byName = new Map<string, ServiceState>();
  /** Every name the config manages (services and static records), canonical: never cleaned up. */
  readonly #managedNames: readonly string[];
  readonly #driftCheckMs: number;
  readonly #graceMs: number;
  readonly #stopTimeoutMs: number;
  readonly #running = new Map<string, Promise<void>>();
  readonly #again = new Set<string>();
  readonly #background = new Set<Promise<unknown>>();
  readonly #periodic = new Set<'load' | 'retry' | 'drift'>();
  readonly #unsubscribe: (() => void)[] = [];
  #phase: Phase = 'idle';
  #lastGeneration = 0;
  #startedAt = 0;
  #lastDriftCheck = 0;
  #startupComplete = false;
  #tickTimer: TimerHandle | undefined;
  #stopping: Promise<{ timedOut: boolean }> | undefined;

  constructor(options: ControllerOptions) {
    const { config } = options;
    this.config = config;
    this.#publisher = options.publisher;
    this.#monitor = options.monitor;
    this.probeTargets = options.probeTargets;
    this.#clock = options.clock ?? realClock;
    this.#logger = options.logger;
    this.verifier = options.verifier;
    this.events = options.events ?? new EventLog({ clock: this.#clock });
    this.overrides = new OverrideStore(config.services);
    const h = config.health;
    this.#driftCheckMs = options.driftCheckMs ?? DEFAULT_DRIFT_CHECK_MS;
    this.#graceMs = options.startupGraceMs ?? h.intervalMs + Math.max(h.rise, h.fall) * h.fastIntervalMs + h.timeoutMs;
    this.#stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    for (const s of config.services) {
      const state = new ServiceState(s, this.#publisher.providerIds);
      this.#services.set(s.name, state);
      this.#byName.set(canonicalName(s.name), state);
    }
    this.#managedNames = [...new Set([...config.services.map((s) => s.name), ...config.records.map((r) => r.name)].map(canonicalName))];
    this.providerSync = new ProviderSync(
      this.#publisher.providerIds,
      () => this.#services.values(),
      this.events,
      () => this.#clock.now(),
    );
    if (this.#logger) {
      const logger = this.#logger;
      this.events.on('event', (e) =>
        logger[
          e.type === 'probe-state' ? 'debug' : e.type === 'fail-open' || e.type === 'conflict' || e.type === 'drift' ? 'warn' : 'info'
        ]({ event: e }, `${e.type}: ${e.reason}`),
      );
    }
  }

  get phase(): Phase {
    return this.#phase;
  }

  /** The newest generation this controller has seen published or minted. */
  get generation(): number {
    return this.#lastGeneration;
  }

  services(): readonly ServiceState[] {
    return [...this.#services.values()];
  }

  service(name: string): ServiceState | undefined {
    return this.#services.get(name) ?? this.#byName.get(canonicalName(name));
  }

  /** The health monitor the loop listens to: the API binds its per-probe metrics to it (startControllerApi's `monitor`). */
  get healthMonitor(): ControllerMonitor {
    return this.#monitor;
  }

  monitorSnapshot(): MonitorSnapshot {
    return this.#monitor.snapshot();
  }

  /** Read what the providers publish, reconcile any lag, start probing and ticking. */
  async start(): Promise<void> {
    if (this.#phase !== 'idle') throw new ControllerStateError(`the controller is ${this.#phase}; create a new one to start again`);
    this.#phase = 'running';
    this.#startedAt = this.#clock.now();
    this.#lastDriftCheck = this.#startedAt;
    this.#unsubscribe.push(this.#publisher.onEvent((e) => this.#onReconcileEvent(e)));
    this.#unsubscribe.push(
      this.#publisher.onProviderApplied((provider, report, generation, timing) =>
        this.#onProviderApplied(provider, report, generation, timing),
      ),
    );
    const onVerdict = (e: VerdictEvent) => this.#onVerdict(e);
    const onVantage = (e: VantageStateEvent) =>
      this.#record({
        type: 'probe-state',
        targetId: e.targetId,
        vantageId: e.vantageId,
        before: e.from,
        after: e.to,
        reason: `${e.vantageId} sees ${e.targetId} ${e.to}`,
      });
    this.#monitor.on('verdict', onVerdict);
    this.#monitor.on('vantage-state', onVantage);
    this.#unsubscribe.push(() => {
      this.#monitor.off('verdict', onVerdict);
      this.#monitor.off('vantage-state', onVantage);
    });

    await this.#loadPublished('start-up');
    this.#monitor.start();
    this.#armTick();
    for (const name of this.#services.keys()) void this.#trigger(name);
  }

  /**
   * Stop probing and ticking and cancel every queued and in-flight
   * evaluation, read and write (their requests are aborted; nothing new is
   * sent), wait (bounded) for them to settle so that every write a provider
   * acknowledged meanwhile is recorded (and audited), then detach. After it
   * resolves this controller writes nothing. `timedOut` is true when
   * something was still running at the stop timeout.
   */
  stop(): Promise<{ timedOut: boolean }> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<{ timedOut: boolean }> {
    this.#phase = 'stopping';
    if (this.#tickTimer !== undefined) this.#clock.clearTimer(this.#tickTimer);
    this.#tickTimer = undefined;
    this.#again.clear();
    this.#publisher.cancel('the controller is stopping');
    await this.#monitor.stop();
    const pending = Promise.allSettled([...this.#running.values(), ...this.#background]);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      pending.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), this.#stopTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    for (const off of this.#unsubscribe.splice(0)) off();
    this.#phase = 'stopped';
    return { timedOut };
  }

  /** Resolves when no evaluation and no background work (verify, retry, drift check) is running. */
  async idle(): Promise<void> {
    while (this.#running.size > 0 || this.#background.size > 0) {
      await Promise.allSettled([...this.#running.values(), ...this.#background]);
    }
  }

  // ---- operator overrides -------------------------------------------------

  drain(cloud: string, req: OverrideRequest): ControllerEvent {
    return this.#override(this.overrides.drain(cloud, req));
  }

  undrain(cloud: string, req: OverrideRequest): ControllerEvent {
    return this.#override(this.overrides.undrain(cloud, req));
  }

  pin(service: string, targetId: string, req: OverrideRequest): ControllerEvent {
    return this.#override(this.overrides.pin(service, targetId, req));
  }

  unpin(service: string, req: OverrideRequest): ControllerEvent {
    return this.#override(this.overrides.unpin(service, req));
  }

  pause(service: string, req: OverrideRequest): ControllerEvent {
    return this.#override(this.overrides.pause(service, req));
  }

  resume(service: string, req: OverrideRequest): ControllerEvent {
    return this.#override(this.overrides.resume(service, req));
  }

  #override(event: Extract<NewEvent, { type: 'override' }>): ControllerEvent {
    const recorded = this.#record(event);
    // The reconciler must know at once which names it may not repair. This plan writes
    // nothing that is in sync; it gets its own generation in case it catches up a provider.
    if (this.#phase === 'running' && (event.action === 'pause' || event.action === 'resume')) void this.#inBackground(this.#retarget());
    for (const name of this.overrides.affected(event)) void this.#trigger(name);
    return recorded;
  }

  async #retarget(): Promise<void> {
    const outcome = await this.#publisher.publish(this.#target(this.#mint(), []));
    this.providerSync.absorb(outcome, this.#byName);
  }

  // ---- the loop -----------------------------------------------------------

  #record(event: NewEvent): ControllerEvent {
    return this.events.record(event);
  }

  #armTick(): void {
    this.#tickTimer = this.#clock.setTimer(() => {
      if (this.#phase !== 'running') return;
      this.#armTick();
      this.#tick();
    }, this.config.health.intervalMs);
  }

  #tick(): void {
    const now = this.#clock.now();
    if (!this.#startupComplete) this.#once('load', () => this.#loadPublished('re-read after an incomplete start-up'));
    for (const name of this.#services.keys()) void this.#trigger(name);
    const retryAt = this.#publisher.nextRetryAt();
    if (retryAt !== undefined && retryAt <= now) this.#once('retry', () => this.#retry());
    if (now - this.#lastDriftCheck >= this.#driftCheckMs) {
      this.#lastDriftCheck = now;
      this.#once('drift', () => this.#publisher.checkDrift());
    }
  }

  #inBackground(work: Promise<unknown>): Promise<unknown> {
    const tracked = work.catch((err: unknown) => this.#logger?.error({ err: errorText(err) }, 'controller background work failed'));
    this.#background.add(tracked);
    void tracked.finally(() => this.#background.delete(tracked));
    return tracked;
  }

  /** Periodic work that may outlast a tick (a dead provider's deadline) is never started twice. */
  #once(kind: 'load' | 'retry' | 'drift', work: () => Promise<unknown>): void {
    if (this.#periodic.has(kind)) return;
    this.#periodic.add(kind);
    void this.#inBackground(work()).finally(() => this.#periodic.delete(kind));
  }

  async #retry(): Promise<void> {
    for (const outcome of await this.#publisher.retryDue()) this.providerSync.absorb(outcome, this.#byName);
  }

  #onVerdict(e: VerdictEvent): void {
    this.#record({ type: 'verdict', targetId: e.targetId, before: e.from, after: e.to, reason: e.verdict.reason });
    for (const name of this.probeTargets.servicesOf(e.targetId)) void this.#trigger(name);
  }

  /** Run the service's evaluation, or mark it for another round if one is running. */
  #trigger(name: string): Promise<void> {
    if (this.#phase !== 'running') return Promise.resolve();
    const running = this.#running.get(name);
    if (running) {
      this.#again.add(name);
      return running;
    }
    const run = (async () => {
      try {
        do {
          this.#again.delete(name);
          try {
            await this.#evaluateOnce(this.#services.get(name) as ServiceState);
          } catch (err) {
            this.#logger?.error({ service: name, err: errorText(err) }, 'evaluation failed; retried on the next tick');
          }
        } while (this.#again.has(name) && this.#phase === 'running');
      } finally {
        // In the same synchronous step as the last check of #again, so no trigger falls in between.
        this.#running.delete(name);
      }
    })();
    this.#running.set(name, run);
    return run;
  }

  #verdicts(state: ServiceState): Map<string, { kind: VerdictKind }> {
    return new Map(
      state.config.targets.map((t) => [t.id, { kind: this.#monitor.verdict(this.probeTargets.monitorId(state.name, t.id)).kind }]),
    );
  }

  async #evaluateOnce(state: ServiceState): Promise<void> {
    const now = this.#clock.now();
    const verdicts = this.#verdicts(state);
    const nothingYet = state.published === undefined && state.wanted === undefined;
    // A first publish waits for every target's verdict (or the grace): cold start must not pick whoever answered first.
    if (nothingYet && [...verdicts.values()].some((v) => v.kind === 'unknown') && now < this.#startedAt + this.#graceMs) return;

    const decision = decide({
      service: state.routed,
      verdicts,
      published: state.published,
      overrides: this.overrides.forService(state.name),
      now,
      dwellMs: this.config.routing.dwellMs,
    });
    this.#noteDecision(state, decision, now);
    if (!shouldPublish(decision)) return;
    // Already handed to the reconciler, which retries it until a provider takes it.
    if (state.wanted !== undefined && sameAddresses(state.routed, state.wanted.addresses, decision.addresses)) return;
    await this.#publish(state, decision, now);
  }

  #noteDecision(state: ServiceState, d: Decision, now: number): void {
    const previous = state.lastDecision;
    const changed = previous === undefined || decisionSignature(previous) !== decisionSignature(d);
    state.lastDecision = d;
    state.lastDecisionAt = now;
    if (!changed) return;
    this.#record({
      type: 'decision',
      service: state.name,
      kind: d.kind,
      before: state.published?.addresses ?? [],
      after: d.addresses,
      basedOnGeneration: d.basedOnGeneration,
      held: d.kind === 'hold',
      ...(d.kind === 'hold' ? { heldUntil: d.held.until, wanted: d.held.wanted.addresses } : {}),
      failOpen: d.kind === 'fail-open',
      paused: d.kind === 'paused',
      urgent: d.kind === 'change' && d.urgent,
      reason: d.reason,
    });
    const wasFailOpen = previous?.kind === 'fail-open';
    if (d.kind === 'fail-open' && !wasFailOpen)
      this.#record({ type: 'fail-open', service: state.name, addresses: d.addresses, active: true, reason: d.alert });
    if (d.kind !== 'fail-open' && wasFailOpen)
      this.#record({
        type: 'fail-open',
        service: state.name,
        addresses: d.addresses,
        active: false,
        reason: `fail-open over for ${state.name}: ${d.reason}`,
      });
  }

  /** Every configured answer the providers should serve now: services with an answer, plus static records. */
  #target(generation: number, fenceNames: readonly string[]): ReconcileTarget {
    const desired: DesiredRecord[] = [];
    for (const s of this.#services.values()) {
      const addresses = s.desiredAddresses;
      if (addresses !== undefined && addresses.length > 0)
        desired.push({ name: s.name, type: s.config.type, ttl: s.config.ttl, values: [...addresses] });
    }
    for (const r of this.config.records) desired.push({ name: r.name, type: r.type, ttl: r.ttl, values: r.values });
    const managedNames = [...this.#managedNames];
    const pausedNames = this.config.services.filter((s) => this.overrides.isPaused(s.name)).map((s) => canonicalName(s.name));
    return { desired, generation, managedNames, fenceNames: fenceNames.map(canonicalName), pausedNames };
  }

  #mint(): number {
    this.#lastGeneration += 1;
    return this.#lastGeneration;
  }

  async #publish(state: ServiceState, decision: Decision, decidedAt: number): Promise<void> {
    const generation = this.#mint();
    const before = state.published?.addresses ?? [];
    const previousWanted = state.wanted;
    state.wanted = { addresses: decision.addresses, generation };
    const outcome = await this.#publisher.publish(this.#target(generation, [state.name]));
    // Stopping, and no provider took it: nothing to record (the next controller decides again).
    if (this.#phase !== 'running' && outcome.providers.every((p) => p.applied.length === 0)) return;
    this.providerSync.absorb(outcome, this.#byName);
    const providers = writeOutcomes(outcome);
    const summary = describeWrites(providers);
    state.lastWrite = this.#record({
      type: 'write',
      service: state.name,
      generation,
      status: outcome.status,
      before,
      after: decision.addresses,
      providers,
      reason: `${outcome.status}: [${before.join(', ')}] → [${decision.addresses.join(', ')}] at generation ${generation} (${summary || 'no provider'}); ${decision.reason}`,
    }) as ServiceState['lastWrite'];

    for (const o of outcome.providers) {
      if (o.status !== 'conflict-exhausted') continue;
      this.#record({
        type: 'conflict',
        service: state.name,
        generation,
        provider: o.provider,
        kind: 'cas',
        names: o.conflicts.map((c) => c.name),
        reason: `compare-and-swap lost on ${o.provider} after ${o.replans} re-plans; nothing forced, the reconciler retries`,
      });
    }

    switch (outcome.status) {
      case 'in-sync':
      case 'partial': {
        state.published = { addresses: decision.addresses, generation, changedAt: this.#clock.now() };
        state.wanted = undefined;
        const newer = this.#heldNewer(outcome, state.name);
        if (newer.length > 0) {
          // The fence write was not needed there: the name already carried a generation not older than ours
          // (the planner leaves such a name alone). Someone published newer: learn it, decide again.
          this.#record({
            type: 'conflict',
            service: state.name,
            generation,
            kind: 'superseded',
            names: [canonicalName(state.name)],
            provider: newer[0] as ProviderId,
            reason: `${newer.join(', ')} already held ${state.name} at a generation not older than ${generation}; re-reading and deciding again`,
          });
          if (await this.#loadPublished('re-read after a newer generation was found')) this.#again.add(state.name);
          return;
        }
        this.#verifyLater(state, generation, decidedAt);
        return;
      }
      case 'failed':
        return; // no provider took it: the reconciler retries `wanted` with backoff
      case 'refused':
        this.#record({
          type: 'conflict',
          service: state.name,
          generation,
          kind: 'refused',
          names: [canonicalName(state.name)],
          reason: `refused by the safety checks: ${outcome.violations.map((v) => v.message).join('; ')}`,
        });
        return;
      case 'superseded': {
        const s = outcome.superseded;
        state.wanted = previousWanted;
        if (s) this.#lastGeneration = Math.max(this.#lastGeneration, s.published);
        this.#record({
          type: 'conflict',
          service: state.name,
          generation,
          kind: 'superseded',
          names: s ? [s.name] : [],
          ...(s ? { provider: s.provider } : {}),
          reason: s
            ? `generation ${s.published} is already published for ${s.name} on ${s.provider}; re-reading and deciding again`
            : 'superseded; re-reading and deciding again',
        });
        // Someone (a previous incarnation, another controller) published newer: learn it and decide again at
        // once; if the re-read shows nothing newer, the next tick decides again (no tight loop between writers).
        if (await this.#loadPublished('re-read after being superseded')) this.#again.add(state.name);
        return;
      }
    }
  }

  /** In-sync providers that took no change for a fenced name and did not skip it: they held a newer generation. */
  #heldNewer(outcome: ApplyOutcome, name: string): ProviderId[] {
    const n = canonicalName(name);
    return outcome.providers
      .filter(
        (o) =>
          o.status === 'in-sync' &&
          !o.applied.some((c) => canonicalName(c.name) === n) &&
          !o.skipped.some((k) => canonicalName(k.name) === n),
      )
      .map((o) => o.provider);
  }

  #verifyLater(state: ServiceState, generation: number, decidedAt: number): void {
    const verifier = this.verifier;
    if (verifier === undefined || verifier.providers.length === 0) return;
    const expected = state.published?.addresses ?? [];
    void this.#inBackground(
      verifier.verify({ name: state.name, type: state.config.type, expected, decidedAt }).then((providers) => {
        // Verifications run in the background and a slow one (a provider that never serves the answer waits
        // out its deadline) can finish after a newer one: what the status API shows must not go back in time.
        if (state.lastVerify !== undefined && state.lastVerify.generation > generation) return;
        const allOk = providers.every((p) => p.ok);
        const detail = providers
          .map((p) => (p.ok ? `${p.provider} ok after ${p.afterDecisionMs} ms` : `${p.provider} NOT serving it (${p.error})`))
          .join(', ');
        state.lastVerify = this.#record({
          type: 'verify',
          service: state.name,
          generation,
          expected,
          allOk,
          providers,
          reason: `${allOk ? 'every nameserver answers' : 'not every nameserver answers'} [${expected.join(', ')}]: ${detail}`,
        }) as ServiceState['lastVerify'];
      }),
    );
  }

  /**
   * Read the providers back (start-up, or after learning that something newer
   * was published) and take their published answers where they are newer than
   * what this controller knows; then hand the reconciler a target so lagging
   * providers catch up and drift is watched. Writes only where a provider lags.
   * True when a service's published answer was newer on the providers than here.
   */
  async #loadPublished(why: string): Promise<boolean> {
    const read = await this.#publisher.read(this.#managedNames);
    const now = this.#clock.now();
    const view = startupView(read.states, this.config.services, this.config.owner, now);
    this.#lastGeneration = Math.max(this.#lastGeneration, view.generationFloor);
    let lagging = false;
    let learned = false;
    for (const [name, found] of view.services) {
      const state = this.#services.get(name) as ServiceState;
      if (found.published !== undefined && (state.published === undefined || found.published.generation > state.published.generation)) {
        state.published = found.published;
        state.wanted = undefined;
        learned = true;
      }
      const serving = state.published;
      for (const h of found.holdings) {
        const behind = serving !== undefined && !sameAddresses(state.routed, h.addresses, serving.addresses);
        lagging ||= behind;
        this.providerSync.setService(
          state,
          h.provider,
          behind ? 'out-of-sync' : 'in-sync',
          behind
            ? `serves [${h.addresses.join(', ')}]${h.problem ? ` (${h.problem})` : ''}, published is [${serving.addresses.join(', ')}] at generation ${serving.generation}`
            : 'serves the published answer',
        );
      }
    }
    for (const f of read.failed) this.providerSync.set(f.provider, 'out-of-sync', `unreadable at ${why}: ${f.reason}`);
    this.#startupComplete = read.failed.length === 0;
    this.#logger?.info(
      { why, generation: this.#lastGeneration, unreadable: read.failed.map((f) => f.provider), lagging },
      'published state read from the providers',
    );

    // Catching a lagging provider up is a plan of its own: a new generation, no fence (values that are right stay untouched).
    const generation = lagging ? this.#mint() : Math.max(1, this.#lastGeneration);
    const outcome = await this.#publisher.publish(this.#target(generation, []));
    this.providerSync.absorb(outcome, this.#byName);
    if (lagging) this.#logger?.info({ generation, status: outcome.status }, 'lagging providers reconciled');
    return learned;
  }

  /**
   * A provider acknowledged changes: record it now, synchronously, while the
   * slower providers are still being awaited. The audit log's listener runs
   * inside record(), so the acknowledged write is on disk before anything else.
   */
  #onProviderApplied(provider: ProviderId, report: ApplyReport, generation: number, timing: AppliedTiming): void {
    const changes = report.applied.map((c) => ({
      kind: c.kind,
      name: canonicalName(c.name),
      records: writtenRecords(c).map((r) => ({ type: r.type, ttl: r.ttl, values: [...r.values] })),
    }));
    const services = [...new Set(changes.flatMap((c) => this.#byName.get(c.name)?.name ?? []))];
    const latencyMs = timing.acknowledgedAt - timing.decidedAt;
    const what = changes
      .map((c) => `${c.kind} ${c.name}${c.records.length > 0 ? ` [${c.records.flatMap((r) => r.values).join(', ')}]` : ''}`)
      .join('; ');
    this.#record({
      type: 'provider-write',
      provider,
      generation,
      services,
      changes,
      apiCalls: report.apiCalls,
      latencyMs,
      reason: `${provider} acknowledged ${what} at generation ${generation} after ${latencyMs} ms`,
    });
  }

  #onReconcileEvent(e: ReconcileEvent): void {
    switch (e.type) {
      case 'out-of-sync':
        this.providerSync.set(
          e.provider,
          'out-of-sync',
          `${e.errorKind}: ${e.reason} (attempt ${e.attempts}, next retry at ${new Date(e.nextRetryAt).toISOString()})`,
          { nextRetryAt: e.nextRetryAt },
        );
        return;
      case 'converged': {
        this.providerSync.set(e.provider, 'in-sync', `converged at generation ${e.generation} after ${e.attempts} attempt(s)`, {
          generation: e.generation,
        });
        // A publish no provider took at first is now served somewhere: it is the published answer.
        for (const s of this.#services.values()) {
          if (s.wanted !== undefined && s.wanted.generation <= e.generation) {
            s.published = { addresses: s.wanted.addresses, generation: s.wanted.generation, changedAt: this.#clock.now() };
            s.wanted = undefined;
          }
        }
        return;
      }
      case 'drift': {
        const s = this.#byName.get(canonicalName(e.name));
        if (s)
          this.providerSync.setService(
            s,
            e.provider,
            'out-of-sync',
            `drift: serves [${e.found?.values.join(', ') ?? 'nothing'}], expected [${e.expected.values.join(', ')}]`,
          );
        this.#record({
          type: 'drift',
          provider: e.provider,
          name: e.name,
          expected: e.expected.values,
          found: e.found?.values ?? [],
          repaired: false,
          ...(s ? { service: s.name } : {}),
          reason: `${e.name} ${e.recordType} on ${e.provider} serves [${e.found?.values.join(', ') ?? 'nothing'}] instead of [${e.expected.values.join(', ')}]; ${e.action === 'repair' ? 'repairing' : 'paused: reported only'}`,
        });
        return;
      }
      case 'drift-repaired':
        for (const name of e.names) {
          const s = this.#byName.get(canonicalName(name));
          if (s) {
            this.providerSync.setService(s, e.provider, 'in-sync', `drift repaired at generation ${e.generation}`);
            if (s.published) s.published = { ...s.published, generation: Math.max(s.published.generation, e.generation) };
          }
          this.#record({
            type: 'drift',
            provider: e.provider,
            name,
            repaired: true,
            ...(s ? { service: s.name } : {}),
            reason: `${name} on ${e.provider} repaired at generation ${e.generation}`,
          });
        }
        return;
      case 'generation-advanced':
        this.#lastGeneration = Math.max(this.#lastGeneration, e.to);
        return;
      case 'superseded':
        this.#lastGeneration = Math.max(this.#lastGeneration, e.published);
        return;
      case 'refused':
        return; // the publish that caused it records the conflict
    }
  }
}
