/**
 * Overload never becomes a false failure: the health monitor, driven past its
 * capacity by a CPU hog in its own process (each burst longer than the probe
 * timeout, many targets, a short interval), against targets in another process
 * that answer at once, issues no down verdict; it says it is overloaded and
 * stretches its cadence instead. No wall-clock bound is asserted: the hog's bursts
 * are sized from the configured timeout, and the assertions are counts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthMonitor, type OverloadEvent, type VerdictEvent } from '../../src/health/monitor.js';

const TARGETS = 300;
const HEALTH = {
  intervalMs: 200,
  fastIntervalMs: 100,
  timeoutMs: 100,
  rise: 2,
  fall: 3,
  vantagePoints: [{ id: 'vp-1' }, { id: 'vp-2' }, { id: 'vp-3' }],
  breaker: { errorThresholdPercentage: 100, resetTimeoutMs: 1000, volumeThreshold: 3 },
};

let server: ChildProcess;
let port: number;

beforeAll(async () => {
  // The targets live in another process, so the hog below cannot slow them down: they answer at once.
  server = spawn(
    process.execPath,
    [
      '-e',
      `const s = require('node:http').createServer((q, r) => r.end('ok')).listen(0, '127.0.0.1', () => console.log(s.address().port));`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  port = await new Promise<number>((resolve) => server.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
});

afterAll(() => {
  server?.kill();
});

function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    /* hog the event loop, like a monitor with more work than one core can do */
  }
}

describe('HealthMonitor past its capacity', () => {
  it('issues 0 down verdicts against targets that answer, and degrades visibly instead', async () => {
    const targets = Array.from({ length: TARGETS }, (_, i) => ({
      id: `t${i}`,
      healthUrl: `http://127.0.0.1:${port}/healthz?t=${i}`,
      expectStatus: 200,
    }));
    const monitor = new HealthMonitor({ health: HEALTH, targets });
    const downs: VerdictEvent[] = [];
    const overloads: OverloadEvent[] = [];
    let inconclusive = 0;
    monitor.on('verdict', (e) => e.to === 'down' && downs.push(e));
    monitor.on('overload', (e) => overloads.push(e));
    monitor.on('probe-stats', (e) => (inconclusive += e.inconclusive));
    try {
      const allUp = new Promise<void>((resolve) => {
        let up = 0;
        monitor.on('verdict', (e) => e.to === 'up' && e.from === 'unknown' && ++up === TARGETS && resolve());
      });
      monitor.start();
      await allUp;

      // Bursts of 3 × the probe timeout, every 2 timeouts of breathing room, for 12 bursts:
      // every probe in flight during a burst sees its deadline pass while the loop is stuck.
      for (let burst = 0; burst < 12; burst++) {
        busyFor(3 * HEALTH.timeoutMs);
        await new Promise((r) => setTimeout(r, 2 * HEALTH.timeoutMs));
      }
      // Let the last probes sent under load finish and be judged.
      await new Promise((r) => setTimeout(r, 4 * HEALTH.intervalMs));

      expect(downs).toEqual([]);
      expect(overloads.length).toBeGreaterThan(0);
      expect(overloads[0]!.state).toBe('overloaded');
      expect(overloads[0]!.stretch).toBeGreaterThan(1);
      expect(Math.max(overloads[0]!.loopLagMs, overloads[0]!.timerLateMs)).toBeGreaterThan(overloads[0]!.lagThresholdMs);
      expect(monitor.snapshot().targets.filter((t) => t.verdict === 'down')).toEqual([]);
      // The monitor did see probes it could not judge, and said so rather than fail them.
      expect(
        inconclusive + monitor.snapshot().targets.reduce((n, t) => n + t.vantages.reduce((m, v) => m + (v.inconclusiveProbes ?? 0), 0), 0),
      ).toBeGreaterThan(0);
    } finally {
      await monitor.stop();
    }
  }, 120_000);
});
