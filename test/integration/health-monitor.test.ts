/**
 * The health monitor on real time, real sockets and real opossum breakers, with
 * small numbers (interval 200, fast 100, timeout 80, fall 3, rise 2) so a full
 * down-and-back cycle takes about a second.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthSchema } from '../../src/config/schema.js';
import { HealthMonitor, type BreakerEvent, type HealthMonitorEvents, type VerdictEvent } from '../../src/health/monitor.js';
import type { VerdictKind } from '../../src/health/quorum.js';

const HEALTH = healthSchema.parse({
  intervalMs: 200,
  fastIntervalMs: 100,
  timeoutMs: 80,
  rise: 2,
  fall: 3,
  breaker: { errorThresholdPercentage: 50, resetTimeoutMs: 150, volumeThreshold: 3 },
});

interface Service {
  readonly url: string;
  readonly server: http.Server;
  mode: 'ok' | '503';
  /** Requests per vantage point, from the x-health-vantage-point header. */
  readonly byVantage: Map<string, number>;
}

async function service(host: string): Promise<Service> {
  const byVantage = new Map<string, number>();
  const state = { mode: 'ok' as Service['mode'], byVantage };
  const server = http.createServer((req, res) => {
    const vp = String(req.headers['x-health-vantage-point']);
    byVantage.set(vp, (byVantage.get(vp) ?? 0) + 1);
    if (state.mode === '503') return void res.writeHead(503).end('down');
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return Object.assign(state, { url: `http://${host}:${(server.address() as AddressInfo).port}/readyz`, server });
}

/** Resolves with the first verdict event of `targetId` that reaches `to`; fails the test after `ms`. */
function nextVerdict(monitor: HealthMonitor, targetId: string, to: VerdictKind, ms = 3000): Promise<VerdictEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      monitor.off('verdict', onVerdict);
      reject(
        new Error(
          `${targetId} did not become ${to} within ${ms} ms (now ${monitor.verdict(targetId).kind}: ${monitor.verdict(targetId).reason})`,
        ),
      );
    }, ms);
    const onVerdict = (e: VerdictEvent) => {
      if (e.targetId !== targetId || e.to !== to) return;
      clearTimeout(timer);
      monitor.off('verdict', onVerdict);
      resolve(e);
    };
    monitor.on('verdict', onVerdict);
  });
}

/** Resolves with the next `event` matching `pick`; fails the test after `ms`. */
function nextEvent<K extends keyof HealthMonitorEvents>(
  monitor: HealthMonitor,
  event: K,
  pick: (e: HealthMonitorEvents[K][0]) => boolean,
  ms = 3000,
): Promise<HealthMonitorEvents[K][0]> {
  return new Promise((resolve, reject) => {
    const listener = (e: HealthMonitorEvents[K][0]) => {
      if (!pick(e)) return;
      clearTimeout(timer);
      monitor.off(event, listener as never);
      resolve(e);
    };
    const timer = setTimeout(() => {
      monitor.off(event, listener as never);
      reject(new Error(`no matching ${event} event within ${ms} ms`));
    }, ms);
    monitor.on(event, listener as never);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let aws: Service;
let azure: Service;

beforeAll(async () => {
  aws = await service('127.0.0.1');
  azure = await service('127.0.0.2');
});

afterAll(async () => {
  await Promise.all([aws.server, azure.server].map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('HealthMonitor with real timers and breakers', () => {
  it('detects a target going down and coming back, in order, without touching the healthy one', async () => {
    const monitor = new HealthMonitor({
      health: HEALTH,
      targets: [
        { id: 'aws', healthUrl: aws.url, expectStatus: 200, bodyContains: 'ok' },
        { id: 'azure', healthUrl: azure.url, expectStatus: 200 },
      ],
    });
    const verdicts: VerdictEvent[] = [];
    const breakers: BreakerEvent[] = [];
    monitor.on('verdict', (e) => verdicts.push(e));
    monitor.on('breaker', (e) => breakers.push(e));
    try {
      const up = Promise.all([nextVerdict(monitor, 'aws', 'up'), nextVerdict(monitor, 'azure', 'up')]);
      monitor.start();
      await up;

      const down = nextVerdict(monitor, 'aws', 'down');
      const faultAt = Date.now();
      aws.mode = '503';
      const downEvent = await down;
      expect(downEvent.from).toBe('up');
      expect(downEvent.verdict.reason).toMatch(/^down: [23] of 3 vantage points say down \(quorum 2\)/);
      // Every vantage point that says down saw the 503 or, once its breaker opened, did not send at all.
      const downVantages = downEvent.verdict.vantages.filter((v) => v.view === 'down');
      for (const v of downVantages) expect(['status 503 (expected 200)', 'circuit open']).toContain(v.error);
      // The detection bound is asserted on a fake clock (unit tests); real timers on a busy machine only promise the order.
      expect(downEvent.at).toBeGreaterThanOrEqual(faultAt);

      const snap = monitor.snapshot().targets.find((t) => t.targetId === 'aws')!;
      expect(snap.verdict).toBe('down');
      expect(snap.vantages.map((v) => v.vantageId)).toEqual(['vp-1', 'vp-2', 'vp-3']);
      for (const v of snap.vantages.filter((x) => x.state === 'down')) {
        expect(v.consecutiveFailures).toBeGreaterThanOrEqual(HEALTH.fall);
        expect(v.consecutiveSuccesses).toBe(0);
        expect(v.lastError === 'circuit open' || v.lastStatus === 503).toBe(true);
        expect(['closed', 'open', 'halfOpen']).toContain(v.breaker);
      }

      const back = nextVerdict(monitor, 'aws', 'up');
      aws.mode = 'ok';
      await back;

      expect(verdicts.filter((e) => e.targetId === 'aws').map((e) => `${e.from}→${e.to}`)).toEqual(['unknown→up', 'up→down', 'down→up']);
      expect(verdicts.filter((e) => e.targetId === 'azure').map((e) => `${e.from}→${e.to}`)).toEqual(['unknown→up']);
      // Breakers only ever moved on the failing target.
      expect(breakers.every((b) => b.targetId === 'aws')).toBe(true);
      for (const b of breakers) expect(['closed→open', 'open→halfOpen', 'halfOpen→closed', 'halfOpen→open']).toContain(`${b.from}→${b.to}`);
    } finally {
      await monitor.stop();
      aws.mode = 'ok';
    }
  });

  it('two partitioned vantage points of three bring a healthy target down; the target only hears from the third', async () => {
    const monitor = new HealthMonitor({ health: HEALTH, targets: [{ id: 'azure', healthUrl: azure.url, expectStatus: 200 }] });
    try {
      const up = nextVerdict(monitor, 'azure', 'up');
      monitor.start();
      await up;

      const [vp1, vp2] = monitor.vantagePoints;
      const vp1Down = nextEvent(monitor, 'vantage-state', (e) => e.vantageId === 'vp-1' && e.to === 'down');
      vp1!.partition('azure');
      await vp1Down;
      expect(monitor.verdict('azure').kind).toBe('up');

      vp2!.partition('azure');
      const down = await nextVerdict(monitor, 'azure', 'down');
      // Each says partitioned, or `circuit open` once its breaker has given up on the silence.
      expect(down.verdict.reason).toMatch(/vp-1: down \((partitioned: timeout after 80 ms|circuit open)\)/);
      expect(down.verdict.reason).toMatch(/vp-2: down \((partitioned: timeout after 80 ms|circuit open)\)/);
      // From here on, only vp-3's probes reach the server.
      const before = new Map(azure.byVantage);
      await nextEvent(monitor, 'probe', (e) => e.vantageId === 'vp-3' && e.result.ok);
      expect(azure.byVantage.get('vp-1')).toBe(before.get('vp-1'));
      expect(azure.byVantage.get('vp-2')).toBe(before.get('vp-2'));
      expect(azure.byVantage.get('vp-3')!).toBeGreaterThan(before.get('vp-3')!);

      const back = nextVerdict(monitor, 'azure', 'up');
      vp1!.healAll();
      vp2!.healAll();
      await back;
    } finally {
      await monitor.stop();
    }

    // Stopped means stopped: no probe reaches the server any more.
    const total = () => [...azure.byVantage.values()].reduce((a, b) => a + b, 0);
    // A probe aborted by stop() may have had its request on the wire already; let it land.
    await sleep(HEALTH.timeoutMs);
    const afterStop = total();
    await sleep(HEALTH.intervalMs + HEALTH.timeoutMs);
    expect(total()).toBe(afterStop);
    expect(monitor.snapshot().running).toBe(false);
  });
});
