/**
 * Drills end to end on the real local topology, with small timings: cloud-outage
 * and partition report every figure with their invariants holding; a failing
 * drill exits 1 through the CLI; an aborted drill (Ctrl-C) rejects and, like
 * every drill, leaves no listener behind.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DrillReport } from '../../src/drills/report.js';
import { DrillAborted, runDrill, type DrillSettingsInput, type RunDrillOptions } from '../../src/drills/run-drill.js';
import { startTopology, type Topology } from '../../apps/topology/topology.js';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'drills-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Fast enough for the suite; the drill command's defaults are 1000/500/500 and dwell 3000. */
const FAST = { intervalMs: 300, fastIntervalMs: 150, timeoutMs: 100, rise: 2, fall: 3 };
const SETTINGS: DrillSettingsInput = { health: FAST, dwellMs: 500, ttl: 1, trafficRate: 20 };

interface Listener {
  readonly proto: 'tcp' | 'udp';
  readonly host: string;
  readonly port: number;
}

/** Every address the topology listened on. */
function listenersOf(t: Topology): Listener[] {
  const tcp = (url: string): Listener => ({ proto: 'tcp', host: new URL(url).hostname, port: Number(new URL(url).port) });
  const e = t.emulators;
  return [
    ...(['route53', 'azure', 'clouddns'] as const).flatMap((k) => [
      tcp(e[k].endpoint),
      { proto: 'tcp' as const, ...e[k].dns },
      { proto: 'udp' as const, ...e[k].dns },
    ]),
    tcp(e.admin.endpoint),
    tcp(t.api.url),
    ...Object.values(t.clouds).flatMap((c) => [tcp(c.url), tcp(c.chaosUrl)]),
    { proto: 'tcp', host: '127.0.0.1', port: t.dependency.port },
  ];
}

function tcpRefused(l: Listener): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: l.host, port: l.port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

function udpFree(l: Listener): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(l.port, l.host, () => socket.close(() => resolve(true)));
  });
}

async function stillBound(listeners: readonly Listener[]): Promise<Listener[]> {
  const free = await Promise.all(listeners.map((l) => (l.proto === 'tcp' ? tcpRefused(l) : udpFree(l))));
  return listeners.filter((_, i) => !free[i]);
}

async function drill(
  name: string,
  extra: Partial<RunDrillOptions<Topology>> = {},
): Promise<{ report: DrillReport; listeners: Listener[] }> {
  let listeners: Listener[] = [];
  const report = await runDrill(name, { startTopology, settings: SETTINGS, onTopology: (t) => (listeners = listenersOf(t)), ...extra });
  return { report, listeners };
}

const failedOf = (r: DrillReport) => r.invariants.filter((i) => !i.ok);

describe('drills on the local topology', () => {
  it('cloud-outage: every figure is there, every invariant holds, nothing stays bound', async () => {
    const { report, listeners } = await drill('cloud-outage');
    expect(failedOf(report)).toEqual([]);
    expect(report.ok).toBe(true);
    const floor = FAST.intervalMs + (FAST.fall - 1) * FAST.fastIntervalMs + FAST.timeoutMs;
    expect(report.detection_floor_ms).toBe(floor);
    expect(report).not.toHaveProperty('brief_detection_floor_ms');
    expect(report.detect_ms).toBeGreaterThan(0);
    expect(report.detect_ms).toBeLessThanOrEqual(floor);
    for (const p of ['route53', 'azure', 'clouddns']) {
      expect(report.publish_ms[p], p).toBeGreaterThanOrEqual(0);
      expect(report.api_calls[p], p).toBeGreaterThan(0);
    }
    // DNS can only serve the new answer after the controller decided it.
    expect(report.rto_ms).toBeGreaterThanOrEqual(report.detect_ms as number);
    expect(report.client_errors).toBeGreaterThanOrEqual(0);
    expect(report.client_error_window_ms).toBeGreaterThanOrEqual(0);
    expect(report.empty_answers).toBe(0);
    expect(report.stale_writes_applied).toBe(0);
    expect(report.writes).toBe(1);
    expect(report.invariants.map((i) => i.name)).toEqual([
      'never-empty (I1)',
      'no-stale-write (I2)',
      'detected',
      'detected within the worst case',
      'published everywhere',
      'moved (rto)',
      'clients on azure',
    ]);
    expect(listeners.length).toBeGreaterThanOrEqual(17);
    expect(await stillBound(listeners)).toEqual([]);
  });

  it('partition: the vantage point sees aws down, nothing moves, nothing stays bound', async () => {
    const { report, listeners } = await drill('partition');
    expect(failedOf(report)).toEqual([]);
    expect(report).toMatchObject({
      ok: true,
      detect_ms: null,
      rto_ms: null,
      writes: 0,
      empty_answers: 0,
      stale_writes_applied: 0,
      publish_ms: { route53: null, azure: null, clouddns: null },
    });
    expect(report.details).toMatchObject({ vantage: 'vp-1' });
    expect(report.details.vantage_down_ms).toBeGreaterThan(0);
    expect(await stillBound(listeners)).toEqual([]);
  });

  it('an aborted drill (Ctrl-C) rejects with DrillAborted after stopping its topology', async () => {
    const abort = new AbortController();
    let listeners: Listener[] = [];
    const run = runDrill('cloud-outage', {
      startTopology,
      settings: SETTINGS,
      signal: abort.signal,
      onTopology: (t) => (listeners = listenersOf(t)),
      progress: (line) => {
        if (line.includes('fault:')) abort.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(DrillAborted);
    expect(listeners.length).toBeGreaterThan(0);
    expect(await stillBound(listeners)).toEqual([]);
  });

  it('a failing drill exits 1 from the CLI and still writes its JSON report', async () => {
    const json = join(dir, 'failed.json');
    const args = [
      'bin/failover.js',
      'drill',
      'cloud-outage',
      '--json',
      json,
      '--interval-ms',
      '300',
      '--fast-interval-ms',
      '150',
      '--timeout-ms',
      '100',
      '--dwell-ms',
      '500',
      '--fail-invariant',
      'forced by the test',
    ];
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stdout).toContain('drill cloud-outage: FAIL');
    expect(stdout).toContain('FAIL forced failure: forced by the test');
    const report = JSON.parse(readFileSync(json, 'utf8')) as DrillReport;
    expect(report.ok).toBe(false);
    expect(failedOf(report).map((i) => i.name)).toEqual(['forced failure']);
    expect(report.detect_ms).toBeGreaterThan(0);
  });
});
