/**
 * The simulated Route 53 health checkers: one per checker region of a health
 * check, each probing the endpoint every RequestInterval seconds (the regions
 * staggered across the interval) and keeping its view with FailureThreshold.
 * The decisions are the pure functions of health-status.ts; this file only
 * schedules probes and keeps their results.
 *
 * The one deviation from Route 53: `intervalMs` replaces every check's
 * RequestInterval (10 or 30 s) so local drills detect failures in seconds.
 */
import { healthCheckStatus, INITIAL_CHECKER_VIEW, observe, type CheckerView } from './health-status.js';
import { probe as realProbe, type ProbeResult, type ProbeTarget } from './probe.js';

/** botocore's HealthCheckRegion enumeration: the eight checker regions. */
export const CHECKER_REGIONS = [
  'us-east-1',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'sa-east-1',
] as const;
export type CheckerRegion = (typeof CHECKER_REGIONS)[number];

/** What the engine needs of a health check. */
export interface CheckSpec {
  readonly target: Omit<ProbeTarget, 'timeoutMs'>;
  readonly requestIntervalSeconds: 10 | 30;
  readonly failureThreshold: number;
  readonly inverted: boolean;
  readonly disabled: boolean;
  readonly regions: readonly CheckerRegion[];
}

export interface CheckerObservation {
  readonly region: CheckerRegion;
  /** The simulated checker's address, shown in GetHealthCheckStatus. */
  readonly ipAddress: string;
  readonly healthy: boolean;
  readonly report: string;
  readonly checkedAt: Date;
  /** The last failed probe of this checker, if any. */
  readonly lastFailure?: { report: string; checkedAt: Date };
}

interface Checker {
  region: CheckerRegion;
  ipAddress: string;
  view: CheckerView;
  report: string;
  checkedAt: Date;
  lastFailure?: { report: string; checkedAt: Date };
  timer?: NodeJS.Timeout;
  busy: boolean;
}

interface Running {
  spec: CheckSpec;
  checkers: Checker[];
  generation: number;
}

export interface EngineOptions {
  /** Replaces RequestInterval for every check (local drills). Default: each check's own interval. */
  intervalMs?: number;
  /** Injected for tests. */
  probe?: (t: ProbeTarget) => Promise<ProbeResult>;
  now?: () => Date;
  /** Called whenever a check's status may have changed. */
  onChange?: (healthCheckId: string) => void;
}

/** Route 53 waits up to 4 s to connect; a sped-up interval shortens the timeout, never below 1 s (a loaded machine is slow, not down). */
const MAX_PROBE_TIMEOUT_MS = 4_000;
const MIN_PROBE_TIMEOUT_MS = 1_000;

export class HealthCheckEngine {
  private readonly checks = new Map<string, Running>();
  private intervalOverride: number | undefined;
  private readonly probe: (t: ProbeTarget) => Promise<ProbeResult>;
  private readonly now: () => Date;
  private probes = 0;

  constructor(private readonly options: EngineOptions = {}) {
    this.intervalOverride = options.intervalMs;
    this.probe = options.probe ?? realProbe;
    this.now = options.now ?? (() => new Date());
  }

  /** The interval probes run at for a check, in ms. */
  intervalMsFor(spec: CheckSpec): number {
    return this.intervalOverride ?? spec.requestIntervalSeconds * 1000;
  }

  /** The current override (undefined: the checks' own RequestInterval). */
  get intervalMs(): number | undefined {
    return this.intervalOverride;
  }

  /** Change the override at run time (admin API); running checks are rescheduled. */
  setIntervalMs(ms: number | undefined): void {
    if (ms !== undefined && !(Number.isInteger(ms) && ms >= 50 && ms <= 30_000))
      throw new RangeError(`healthCheckIntervalMs must be an integer from 50 to 30000 ms, got ${String(ms)}`);
    this.intervalOverride = ms;
    for (const [id, run] of this.checks) this.schedule(id, run);
  }

  /** Probes made since start (all checks, all regions). */
  get probeCount(): number {
    return this.probes;
  }

  /** Start or restart the checkers of a check; views of a kept region survive an update. */
  upsert(id: string, spec: CheckSpec): void {
    const previous = this.checks.get(id);
    const checkers = spec.regions.map((region): Checker => {
      const kept = previous?.checkers.find((c) => c.region === region);
      if (kept) clearTimeout(kept.timer);
      return (
        kept ?? {
          region,
          ipAddress: `127.53.${CHECKER_REGIONS.indexOf(region)}.1`,
          view: INITIAL_CHECKER_VIEW,
          report: 'Success: no probe yet (a new health check is healthy until checked)',
          checkedAt: this.now(),
          busy: false,
        }
      );
    });
    for (const c of previous?.checkers ?? []) if (!checkers.includes(c)) clearTimeout(c.timer);
    const run: Running = { spec, checkers, generation: (previous?.generation ?? 0) + 1 };
    this.checks.set(id, run);
    this.schedule(id, run);
    this.options.onChange?.(id);
  }

  remove(id: string): void {
    const run = this.checks.get(id);
    for (const c of run?.checkers ?? []) clearTimeout(c.timer);
    this.checks.delete(id);
  }

  stop(): void {
    for (const id of [...this.checks.keys()]) this.remove(id);
  }

  /** The check's status now (Disabled and Inverted applied); unknown ids are healthy. */
  isHealthy(id: string): boolean {
    const run = this.checks.get(id);
    if (!run) return true;
    return healthCheckStatus(
      run.checkers.map((c) => c.view.healthy),
      run.spec,
    );
  }

  observations(id: string): CheckerObservation[] {
    return (this.checks.get(id)?.checkers ?? []).map((c) => ({
      region: c.region,
      ipAddress: c.ipAddress,
      healthy: c.view.healthy,
      report: c.report,
      checkedAt: c.checkedAt,
      ...(c.lastFailure ? { lastFailure: c.lastFailure } : {}),
    }));
  }

  private schedule(id: string, run: Running): void {
    const interval = this.intervalMsFor(run.spec);
    run.checkers.forEach((checker, i) => {
      clearTimeout(checker.timer);
      // Checkers in different regions do not probe in step: spread them over the interval.
      const first = Math.floor((interval * i) / run.checkers.length);
      const tick = () => {
        checker.timer = setTimeout(tick, interval);
        checker.timer.unref();
        void this.probeOnce(id, run, checker, interval);
      };
      checker.timer = setTimeout(tick, first);
      checker.timer.unref();
    });
  }

  private async probeOnce(id: string, run: Running, checker: Checker, interval: number): Promise<void> {
    if (checker.busy || run.spec.disabled) return;
    checker.busy = true;
    this.probes += 1;
    try {
      const result = await this.probe({
        ...run.spec.target,
        timeoutMs: Math.min(MAX_PROBE_TIMEOUT_MS, Math.max(MIN_PROBE_TIMEOUT_MS, interval)),
      });
      if (this.checks.get(id) !== run) return; // updated or deleted meanwhile
      const before = this.isHealthy(id);
      checker.view = observe(checker.view, result.ok, run.spec.failureThreshold);
      checker.report = result.report;
      checker.checkedAt = this.now();
      if (!result.ok) checker.lastFailure = { report: result.report, checkedAt: checker.checkedAt };
      if (this.isHealthy(id) !== before) this.options.onChange?.(id);
    } finally {
      checker.busy = false;
    }
  }
}
