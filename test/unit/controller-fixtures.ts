/**
 * Shared pieces of the controller unit tests: a clock that only moves when told,
 * a monitor whose verdicts the test scripts, a verifier that reads the in-memory
 * providers, and a controller wired to the real Reconciler over MemoryProviders.
 */
import { EventEmitter } from 'node:events';
import { configSchema, type FailoverConfig } from '../../src/config/schema.js';
import { Controller } from '../../src/controller/controller.js';
import { probeTargets } from '../../src/controller/probe-targets.js';
import { reconcilingPublisher, type Publisher } from '../../src/controller/publisher.js';
import { Reconciler } from '../../src/controller/reconcile.js';
import { sameAddressSet, type Verifier } from '../../src/controller/verify.js';
import type { Clock } from '../../src/time/clock.js';
import { settle, TestClock as FakeClock } from '../support/test-clock.js';
import type { HealthMonitorEvents, MonitorSnapshot } from '../../src/health/monitor.js';
import type { TargetVerdict, VerdictKind } from '../../src/health/quorum.js';
import type { ProviderId } from '../../src/plan/state.js';
import { MemoryProvider } from '../support/memory-provider.js';

/** The shared test clock, under the name these tests have always used. */
export { TestClock as FakeClock, settle } from '../support/test-clock.js';

function scriptedVerdict(targetId: string, kind: VerdictKind): TargetVerdict {
  return {
    targetId,
    kind,
    quorum: 2,
    upNeeded: 2,
    counts: { up: kind === 'up' ? 3 : 0, down: kind === 'down' ? 3 : 0, unknown: kind === 'unknown' ? 3 : 0, stale: 0 },
    vantages: [],
    reason: `scripted: ${kind}`,
  };
}

/** A health monitor whose verdicts the test sets; emits `verdict` on every change. */
export class ScriptedMonitor extends EventEmitter<HealthMonitorEvents> {
  readonly #verdicts = new Map<string, VerdictKind>();
  running = false;

  constructor(private readonly clock: Clock) {
    super();
  }

  start(): void {
    this.running = true;
  }

  async stop(): Promise<void> {
    this.running = false;
  }

  verdict(targetId: string): TargetVerdict {
    return scriptedVerdict(targetId, this.#verdicts.get(targetId) ?? 'unknown');
  }

  set(targetId: string, kind: VerdictKind): void {
    const from = this.#verdicts.get(targetId) ?? 'unknown';
    this.#verdicts.set(targetId, kind);
    if (from !== kind) this.emit('verdict', { targetId, from, to: kind, at: this.clock.now(), verdict: scriptedVerdict(targetId, kind) });
  }

  snapshot(): MonitorSnapshot {
    return {
      at: this.clock.now(),
      running: this.running,
      targets: [...this.#verdicts].map(([targetId, kind]) => ({
        targetId,
        verdict: kind,
        verdictSince: 0,
        reason: `scripted: ${kind}`,
        vantages: [],
      })),
    };
  }
}

export const ADDR = { aws: '127.0.0.11', azure: '127.0.0.12', gcp: '127.0.0.13' } as const;
export const NAME = 'app.example.test.';

export function testConfig(overrides: { dwellMs?: number; services?: unknown[] } = {}): FailoverConfig {
  return configSchema.parse({
    owner: 'ctl-test',
    zone: 'example.test',
    providers: {
      route53: { hostedZoneId: 'Z1' },
      azure: { subscriptionId: 's', resourceGroup: 'rg', zoneName: 'example.test' },
      clouddns: { projectId: 'p', managedZone: 'z' },
    },
    services: overrides.services ?? [
      {
        name: 'app.example.test',
        ttl: 30,
        targets: [
          { id: 'aws', cloud: 'aws', address: ADDR.aws, healthUrl: 'http://127.0.0.11:8080/readyz', priority: 10 },
          { id: 'azure', cloud: 'azure', address: ADDR.azure, healthUrl: 'http://127.0.0.12:8080/readyz', priority: 20 },
          { id: 'gcp', cloud: 'gcp', address: ADDR.gcp, healthUrl: 'http://127.0.0.13:8080/readyz', priority: 30 },
        ],
      },
    ],
    health: { intervalMs: 1000, fastIntervalMs: 500, timeoutMs: 400 },
    routing: { dwellMs: overrides.dwellMs ?? 5000 },
  });
}

export const PROVIDER_IDS: readonly ProviderId[] = ['route53', 'azure', 'clouddns'];

export function memoryProviders(clock: Clock): MemoryProvider[] {
  return PROVIDER_IDS.map((id) => new MemoryProvider(id, { now: () => clock.now() }));
}

/** Answers "over DNS" from what the in-memory providers serve. */
export function memoryVerifier(providers: readonly MemoryProvider[], clock: Clock): Verifier {
  return {
    providers: providers.map((p) => p.id),
    verify: async (req) =>
      providers.map((p) => {
        const addresses = [...(p.served(req.name, req.type) ?? [])];
        const ok = sameAddressSet(req.type, addresses, req.expected);
        return ok
          ? { provider: p.id, ok, addresses, matchedAt: clock.now(), afterDecisionMs: clock.now() - req.decidedAt, attempts: 1 }
          : { provider: p.id, ok, addresses, attempts: 1, error: `answers [${addresses.join(', ')}]` };
      }),
    serving: async (name, type) =>
      new Map(providers.map((p) => [p.id, { ok: true as const, rcode: 'NOERROR', addresses: [...(p.served(name, type) ?? [])] }])),
  };
}

/** Wraps a publisher to record every target handed to the reconciler. */
export function recording(publisher: Publisher): Publisher & { targets: Parameters<Publisher['publish']>[0][] } {
  const targets: Parameters<Publisher['publish']>[0][] = [];
  return {
    ...publisher,
    targets,
    publish: (target) => {
      targets.push(target);
      return publisher.publish(target);
    },
  };
}

export interface Rig {
  readonly clock: FakeClock;
  readonly config: FailoverConfig;
  readonly providers: MemoryProvider[];
  readonly monitor: ScriptedMonitor;
  readonly publisher: ReturnType<typeof recording>;
  readonly controller: Controller;
  /** Advance the clock and wait until the controller is idle after every timer. */
  advance(ms: number): Promise<void>;
  applies(): number;
}

/** A controller over the real Reconciler and the given (or fresh) in-memory providers. */
export function rig(
  options: { config?: FailoverConfig; providers?: MemoryProvider[]; clock?: FakeClock; startupGraceMs?: number } = {},
): Rig {
  const clock = options.clock ?? new FakeClock();
  const config = options.config ?? testConfig();
  const providers = options.providers ?? memoryProviders(clock);
  const monitor = new ScriptedMonitor(clock);
  const reconciler = new Reconciler({
    providers,
    owner: config.owner,
    safety: { maxChangeShare: config.safety.maxChangeShare, minNamesForShareLimit: config.safety.minNamesForShareLimit, force: false },
    now: () => clock.now(),
    random: () => 0.5,
    backoff: { baseMs: 1000, capMs: 4000 },
  });
  const publisher = recording(reconcilingPublisher(providers, reconciler));
  const controller = new Controller({
    config,
    publisher,
    monitor,
    probeTargets: probeTargets(config.services),
    verifier: memoryVerifier(providers, clock),
    clock,
    driftCheckMs: 60_000,
    ...(options.startupGraceMs !== undefined ? { startupGraceMs: options.startupGraceMs } : {}),
  });
  return {
    clock,
    config,
    providers,
    monitor,
    publisher,
    controller,
    advance: (ms) =>
      clock.advance(ms, async () => {
        await settle();
        await controller.idle();
      }),
    applies: () => providers.reduce((n, p) => n + p.calls.apply, 0),
  };
}

/** What every provider serves for the service name, by provider. */
export function serving(providers: readonly MemoryProvider[], name = NAME): Record<string, readonly string[] | undefined> {
  return Object.fromEntries(providers.map((p) => [p.id, p.served(name, 'A')]));
}
