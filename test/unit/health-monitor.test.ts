/**
 * The health monitor on a fake clock: a scripted network behind real VantagePoint
 * objects, breakers off (opossum only knows real time; see the integration tests).
 */
import { describe, expect, it } from 'vitest';
import { healthSchema } from '../../src/config/schema.js';
import { waitFor, type Clock, type TimerHandle } from '../../src/time/clock.js';
import { HealthMonitor, HealthMonitorError, type VerdictEvent, type VantageStateEvent, type ProbeEvent } from '../../src/health/monitor.js';
import type { HttpProber, HttpProbeResult } from '../../src/health/probe.js';
import { QuorumConfigError } from '../../src/health/quorum.js';
import { VantagePoint } from '../../src/health/vantage-point.js';

/** Timers on a time line that only moves when the test says so. */
class FakeClock implements Clock {
  #now = 0;
  #seq = 0;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.#now;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const id = ++this.#seq;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn });
    return id;
  }

  clearTimer(handle: TimerHandle): void {
    this.#timers.delete(handle as number);
  }

  get pending(): number {
    return this.#timers.size;
  }

  /** Move time forward, firing due timers in order and letting promise chains settle after each. */
  async advance(ms: number): Promise<void> {
    const until = this.#now + ms;
    await settle();
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.#timers) if (entry[1].at <= until && (next === undefined || entry[1].at < next[1].at)) next = entry;
      if (next === undefined) break;
      this.#timers.delete(next[0]);
      this.#now = next[1].at;
      next[1].fn();
      await settle();
    }
    this.#now = until;
  }
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** How the scripted network answers a URL. */
type Behaviour =
  | { readonly kind: 'ok' }
  | { readonly kind: 'refused' }
  | { readonly kind: 'blackhole' }
  /** Answers 200 after `ms`, ignoring the probe timeout: a probe that overruns its schedule. */
  | { readonly kind: 'stuck'; readonly ms: number }
  /** What an open breaker yields: a failure that was never sent. */
  | { readonly kind: 'breaker-open' };

const ANSWER_MS = 5;
const REFUSE_MS = 1;

/** A network on the fake clock: per-URL behaviour, every send recorded, concurrency measured. */
class FakeNet {
  readonly behaviour = new Map<string, Behaviour>();
  readonly sends: { vantageId: string; url: string; at: number }[] = [];
  readonly #inFlight = new Map<string, number>();
  maxInFlightPerPair = 0;

  constructor(readonly clock: FakeClock) {}

  set(url: string, behaviour: Behaviour): void {
    this.behaviour.set(url, behaviour);
  }

  sendTimes(vantageId: string, url: string): number[] {
    return this.sends.filter((s) => s.vantageId === vantageId && s.url === url).map((s) => s.at);
  }

  proberFor(vantageId: string): HttpProber {
    return async (url, options) => {
      const at = this.clock.now();
      const key = `${vantageId} ${url}`;
      this.sends.push({ vantageId, url, at });
      const inFlight = (this.#inFlight.get(key) ?? 0) + 1;
      this.#inFlight.set(key, inFlight);
      this.maxInFlightPerPair = Math.max(this.maxInFlightPerPair, inFlight);
      try {
        return await this.#answer(this.behaviour.get(url) ?? { kind: 'ok' }, at, options.timeoutMs, options.signal);
      } finally {
        this.#inFlight.set(key, (this.#inFlight.get(key) ?? 1) - 1);
      }
    };
  }

  async #answer(b: Behaviour, at: number, timeoutMs: number, signal?: AbortSignal): Promise<HttpProbeResult> {
    const aborted: HttpProbeResult = { ok: false, at, latencyMs: this.clock.now() - at, code: 'EABORTED', error: 'aborted' };
    switch (b.kind) {
      case 'ok':
        return (await waitFor(this.clock, ANSWER_MS, signal)) ? { ok: true, at, latencyMs: ANSWER_MS, status: 200 } : aborted;
      case 'refused':
        return (await waitFor(this.clock, REFUSE_MS, signal))
          ? { ok: false, at, latencyMs: REFUSE_MS, code: 'ECONNREFUSED', error: 'connect ECONNREFUSED 127.0.0.1:8080' }
          : aborted;
      case 'blackhole':
        return (await waitFor(this.clock, timeoutMs, signal))
          ? { ok: false, at, latencyMs: timeoutMs, code: 'ETIMEDOUT', error: `timeout after ${timeoutMs} ms` }
          : aborted;
      case 'stuck':
        return (await waitFor(this.clock, b.ms, signal)) ? { ok: true, at, latencyMs: b.ms, status: 200 } : aborted;
      case 'breaker-open':
        return { ok: false, at, latencyMs: 0, code: 'EOPENBREAKER', error: 'circuit open' };
    }
  }
}

const HEALTH = healthSchema.parse({ intervalMs: 1000, fastIntervalMs: 500, timeoutMs: 300, rise: 2, fall: 3 });
const AWS = { id: 'aws', healthUrl: 'http://aws.test/readyz', expectStatus: 200 };
const AZURE = { id: 'azure', healthUrl: 'http://azure.test/readyz', expectStatus: 200 };
/** Fault → verdict down, at most: first probe after the fault, fall - 1 fast re-probes, the last one's timeout. */
const DETECTION_BOUND_MS = HEALTH.intervalMs + (HEALTH.fall - 1) * HEALTH.fastIntervalMs + HEALTH.timeoutMs;

function setup(targets = [AWS], vantageIds = ['vp-1', 'vp-2', 'vp-3']) {
  const clock = new FakeClock();
  const net = new FakeNet(clock);
  const vantagePoints = vantageIds.map((id) => new VantagePoint({ id, clock, http: net.proberFor(id) }));
  const monitor = new HealthMonitor({ health: HEALTH, targets, vantagePoints, clock, breakers: false });
  const verdicts: VerdictEvent[] = [];
  const vantageStates: VantageStateEvent[] = [];
  const probes: ProbeEvent[] = [];
  monitor.on('verdict', (e) => verdicts.push(e));
  monitor.on('vantage-state', (e) => vantageStates.push(e));
  monitor.on('probe', (e) => probes.push(e));
  return { clock, net, monitor, verdicts, vantageStates, probes, vp: (id: string) => vantagePoints.find((v) => v.id === id)! };
}

describe('health monitor: scheduling', () => {
  it('probes fast while unknown, at the interval while up, fast while suspect, slowly while down, fast while recovering', async () => {
    const { clock, net, monitor } = setup();
    monitor.start();
    await clock.advance(3000);
    // 0: unknown (1 ok), 500: fast → up, then every intervalMs.
    expect(net.sendTimes('vp-1', AWS.healthUrl)).toEqual([0, 500, 1500, 2500]);

    net.set(AWS.healthUrl, { kind: 'refused' });
    await clock.advance(4000); // to 7000
    // 3500 fails → suspect; fast 4000, 4500 → down; down with no success: every intervalMs.
    expect(net.sendTimes('vp-1', AWS.healthUrl).slice(4)).toEqual([3500, 4000, 4500, 5500, 6500]);

    net.set(AWS.healthUrl, { kind: 'ok' });
    await clock.advance(3000); // to 10000
    // 7500 ok → recovering; fast 8000 → up; then the interval again.
    expect(net.sendTimes('vp-1', AWS.healthUrl).slice(9)).toEqual([7500, 8000, 9000, 10000]);
    await monitor.stop();
  });

  it('keeps the last probe per vantage point in the snapshot', async () => {
    const { clock, net, monitor } = setup();
    monitor.start();
    await clock.advance(2000);
    net.set(AWS.healthUrl, { kind: 'refused' });
    await clock.advance(1400); // probes at 2500 (fail), 3000 (fail); the third is due at 3500
    const snap = monitor.snapshot();
    expect(snap.running).toBe(true);
    expect(snap.at).toBe(3400);
    const [target] = snap.targets;
    expect(target).toMatchObject({ targetId: 'aws', verdict: 'up', verdictSince: 505 });
    expect(target!.vantages.map((v) => v.vantageId)).toEqual(['vp-1', 'vp-2', 'vp-3']);
    expect(target!.vantages[0]).toEqual({
      vantageId: 'vp-1',
      state: 'suspect',
      breaker: 'disabled',
      partitioned: false,
      inFlight: false,
      lastProbeAt: 3000,
      lastLatencyMs: REFUSE_MS,
      lastError: 'connect ECONNREFUSED 127.0.0.1:8080',
      lastCode: 'ECONNREFUSED',
      consecutiveSuccesses: 0,
      consecutiveFailures: 2,
      probes: 5,
      failedProbes: 2,
    });
    await monitor.stop();
  });

  it('never overlaps probes of one pair: a slow probe delays the next until it has finished', async () => {
    const { clock, net, monitor } = setup([AWS, AZURE]);
    monitor.start();
    await clock.advance(1000);
    net.set(AWS.healthUrl, { kind: 'stuck', ms: 2500 });
    await clock.advance(600); // the 1500 probe is now in flight until 4000
    const nowProbe = monitor.probeNow('aws');
    await clock.advance(2400); // to 4000: the in-flight probe answers; probeNow waited for it
    await nowProbe;
    await clock.advance(6000);
    expect(net.maxInFlightPerPair).toBe(1);
    // Sends are start-to-start: interval 1000, but each probe takes 2500, so the next starts as the last ends.
    expect(net.sendTimes('vp-2', AWS.healthUrl)).toEqual([0, 500, 1500, 4000, 6500, 9000]);
    // The other target keeps its own pace.
    expect(net.sendTimes('vp-2', AZURE.healthUrl)).toEqual([0, 500, 1500, 2500, 3500, 4500, 5500, 6500, 7500, 8500, 9500]);
    await monitor.stop();
  });

  it('probeNow before start probes every vantage point once and schedules nothing', async () => {
    const { clock, net, monitor, probes } = setup([AWS, AZURE]);
    const done = monitor.probeNow('azure');
    await clock.advance(ANSWER_MS);
    await done;
    expect(probes.map((p) => `${p.targetId}@${p.vantageId}:${p.state}`)).toEqual([
      'azure@vp-1:unknown',
      'azure@vp-2:unknown',
      'azure@vp-3:unknown',
    ]);
    expect(net.sends.every((s) => s.url === AZURE.healthUrl)).toBe(true);
    expect(clock.pending).toBe(0);
    await expect(monitor.probeNow('gcp')).rejects.toThrow("unknown target 'gcp'; monitored targets: aws, azure");
  });
});

describe('health monitor: detection time', () => {
  const offsets = [0, 1, 137, 333, 499, 500, 501, 777, 999];
  for (const failure of ['refused', 'blackhole'] as const) {
    it(`declares a ${failure} target down within interval + (fall-1) × fast + timeout of the fault (${DETECTION_BOUND_MS} ms)`, async () => {
      for (const offset of offsets) {
        const { clock, net, monitor, verdicts } = setup();
        monitor.start();
        await clock.advance(2000 + offset);
        expect(monitor.verdict('aws').kind).toBe('up');
        const faultAt = clock.now();
        net.set(AWS.healthUrl, { kind: failure });
        await clock.advance(DETECTION_BOUND_MS);
        const down = verdicts.find((v) => v.to === 'down');
        expect(down, `fault at +${offset}`).toBeDefined();
        const detectMs = down!.at - faultAt;
        expect(detectMs).toBeLessThanOrEqual(DETECTION_BOUND_MS);
        // Never before `fall` failed probes: the first fails at the earliest at the fault.
        expect(detectMs).toBeGreaterThanOrEqual((HEALTH.fall - 1) * HEALTH.fastIntervalMs);
        expect(down!.verdict.reason).toMatch(/^down: 2 of 3 vantage points say down \(quorum 2\): vp-1: down/);
        expect(verdicts.map((v) => `${v.from}→${v.to}`)).toEqual(['unknown→up', 'up→down']);
        await monitor.stop();
      }
    });
  }
});

describe('health monitor: quorum of vantage points', () => {
  it('one partitioned vantage point of three does not bring a target down; two do; healing brings it back', async () => {
    const { clock, net, monitor, verdicts, vantageStates, vp } = setup();
    monitor.start();
    await clock.advance(2000);
    expect(monitor.verdict('aws').kind).toBe('up');

    vp('vp-1').partition('aws');
    const sentBefore = net.sendTimes('vp-1', AWS.healthUrl).length;
    await clock.advance(5000);
    expect(vantageStates.filter((e) => e.vantageId === 'vp-1').map((e) => e.to)).toEqual(['up', 'suspect', 'down']);
    expect(monitor.verdict('aws').kind).toBe('up');
    expect(monitor.verdict('aws').reason).toContain('outvoted: vp-1: down (partitioned: timeout after 300 ms)');
    // The partition drops vp-1's probes before the network; the target itself is untouched.
    expect(net.sendTimes('vp-1', AWS.healthUrl)).toHaveLength(sentBefore);
    expect(net.sendTimes('vp-2', AWS.healthUrl).filter((t) => t > 2000)).toHaveLength(5);
    const vp1 = monitor.snapshot().targets[0]!.vantages[0]!;
    expect(vp1).toMatchObject({ vantageId: 'vp-1', state: 'down', partitioned: true, lastCode: 'EPARTITIONED', lastLatencyMs: 300 });

    vp('vp-2').partition('aws');
    await clock.advance(DETECTION_BOUND_MS);
    expect(monitor.verdict('aws').kind).toBe('down');
    expect(verdicts.at(-1)!.verdict.reason).toMatch(/^down: 2 of 3 vantage points say down \(quorum 2\): vp-1: down .*; vp-2: down/);

    vp('vp-1').healAll();
    vp('vp-2').heal('aws');
    await clock.advance(HEALTH.intervalMs + HEALTH.fastIntervalMs + ANSWER_MS);
    expect(monitor.verdict('aws').kind).toBe('up');
    expect(verdicts.map((v) => v.to)).toEqual(['up', 'down', 'up']);
    await monitor.stop();
  });

  it('refuses a quorum larger than the number of vantage points, and duplicate ids', () => {
    const clock = new FakeClock();
    const vantagePoints = ['vp-1', 'vp-2'].map((id) => new VantagePoint({ id, clock }));
    expect(() => new HealthMonitor({ health: { ...HEALTH, quorum: 3 }, targets: [AWS], vantagePoints, clock, breakers: false })).toThrow(
      QuorumConfigError,
    );
    expect(() => new HealthMonitor({ health: HEALTH, targets: [AWS, AWS], vantagePoints, clock, breakers: false })).toThrow(
      "duplicate target id 'aws'",
    );
  });
});

describe('health monitor: stop', () => {
  it('clears every timer, aborts in-flight probes without recording them, and cannot be restarted', async () => {
    const { clock, net, monitor, probes, vp } = setup([AWS, AZURE]);
    monitor.start();
    await clock.advance(2000);
    net.set(AWS.healthUrl, { kind: 'blackhole' });
    vp('vp-3').partition('azure');
    await clock.advance(2600); // probes at 4500 are in flight: blackhole and partition waits
    const snap = monitor.snapshot();
    expect(snap.targets.flatMap((t) => t.vantages.map((v) => v.inFlight))).toEqual([true, true, true, false, false, true]);
    expect(clock.pending).toBeGreaterThan(0);
    const recorded = probes.length;

    await monitor.stop();
    expect(clock.pending).toBe(0);
    expect(monitor.running).toBe(false);
    expect(monitor.snapshot().targets.flatMap((t) => t.vantages.map((v) => v.inFlight))).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    const sent = net.sends.length;
    await clock.advance(10_000);
    expect(net.sends).toHaveLength(sent);
    expect(probes).toHaveLength(recorded);
    expect(() => monitor.start()).toThrow(HealthMonitorError);
  });
});

describe('health monitor: probes an open breaker did not send', () => {
  it('never count toward fall, but keep a target that is already down', async () => {
    const { clock, net, monitor, vantageStates } = setup([AWS], ['vp-1']);
    monitor.start();
    await clock.advance(2000);
    net.set(AWS.healthUrl, { kind: 'refused' });
    await clock.advance(1000); // one real failure at 2500 → suspect
    net.set(AWS.healthUrl, { kind: 'breaker-open' });
    await clock.advance(5000);
    expect(monitor.snapshot().targets[0]!.vantages[0]!.state).toBe('suspect');
    expect(vantageStates.some((e) => e.to === 'down')).toBe(false);

    net.set(AWS.healthUrl, { kind: 'refused' });
    await clock.advance(3000); // real failures complete fall
    expect(monitor.snapshot().targets[0]!.vantages[0]!.state).toBe('down');
    net.set(AWS.healthUrl, { kind: 'breaker-open' });
    await clock.advance(3000);
    expect(monitor.snapshot().targets[0]!.vantages[0]!.state).toBe('down');
    await monitor.stop();
  });
});
