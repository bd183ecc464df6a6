/**
 * `failover controller` stops when told (SIGTERM), with 300 services and one
 * hanging provider API (Route 53 holds every request 5 s: the emulator's
 * latency fault), signalled while it is publishing:
 * - it exits 0 within the stop timeout + 1 s;
 * - no DNS write lands after it exited: the emulators' write counts taken at
 *   exit do not change once every request they were holding has been let go;
 * - every write that landed was acknowledged and audited: for each provider,
 *   the names it serves with this owner's ownership record are exactly the
 *   (name, generation) pairs the audit log's provider-write records name;
 * - nothing is logged as written after "stopped".
 * Before cancellation reached the write path this failed: queued evaluations
 * kept writing, unaudited, after "stopped", and the process never exited.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOwnership } from '../../src/dns/ownership.js';
import { startEmulators, writeEndpointsFile, type RunningEmulators } from '../../src/emulators/index.js';
import { providersFromEndpoints } from '../../src/drills/emulator-endpoints.js';
import { closeProviders, createProviders } from '../../src/providers/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SERVICES = 300;
const HANG_MS = 5_000;
/** The CLI's stop timeout (DEFAULT_STOP_TIMEOUT_MS). */
const STOP_TIMEOUT_MS = 10_000;
const OWNER = 'ctl-shutdown';
const dir = mkdtempSync(join(tmpdir(), 'controller-shutdown-'));
const endpointsFile = join(dir, 'endpoints.json');
const auditLog = join(dir, 'audit.jsonl');
let emulators: RunningEmulators;
let health: Server;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  emulators = await startEmulators({ freePorts: true });
  await writeEndpointsFile(endpointsFile, emulators.endpoints());
  health = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await emulators?.stop();
  await new Promise((r) => health?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function config(): string {
  const port = (health.address() as { port: number }).port;
  const services = Array.from(
    { length: SERVICES },
    (_, i) => `  - name: svc-${i}.example.test
    targets:
      - { id: aws, cloud: aws, address: 127.0.0.11, healthUrl: "http://127.0.0.1:${port}/readyz" }`,
  ).join('\n');
  return `owner: ${OWNER}
zone: example.test
providers:
  route53: { hostedZoneId: placeholder }
services:
${services}
health: { intervalMs: 500, fastIntervalMs: 200, timeoutMs: 150, rise: 1, fall: 2 }
safety: { maxChangeShare: 1 }
auditLog: ${JSON.stringify(auditLog)}
`;
}

/** Successful write requests each emulator has answered, by provider. */
function writesAnswered(): Record<string, number> {
  const sum = (counters: Record<string, { ok: number }>, write: (op: string) => boolean) =>
    Object.entries(counters)
      .filter(([op]) => write(op))
      .reduce((n, [, c]) => n + c.ok, 0);
  return {
    route53: sum(emulators.route53.faults.counters(), (op) => op === 'ChangeResourceRecordSets'),
    azure: sum(emulators.azure.faults.counters(), (op) => /CreateOrUpdate|Delete/i.test(op)),
    clouddns: sum(emulators.clouddns.faults.counters(), (op) => op === 'changes.create'),
  };
}

interface ProviderWrite {
  provider: string;
  generation: number;
  names: string[];
}

function auditedWrites(): ProviderWrite[] {
  return readFileSync(auditLog, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { kind: string; generation: number; detail: { provider: string; changes: { name: string }[] } })
    .filter((e) => e.kind === 'provider-write')
    .map((e) => ({ provider: e.detail.provider, generation: e.generation, names: e.detail.changes.map((c) => c.name) }));
}

describe('failover controller stops on SIGTERM while publishing', () => {
  it('exits 0 in time, writes nothing after exit, and every write that landed is audited', async () => {
    const file = join(dir, 'failover.yaml');
    writeFileSync(file, config());
    emulators.route53.faults.set({ latencyMs: HANG_MS });
    const child = spawn(
      process.execPath,
      ['bin/failover.js', 'controller', '--config', file, '--endpoints-file', endpointsFile, '--api-port', '0'],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    let exitedAt = 0;
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => {
        exitedAt = performance.now();
        resolve(code);
      }),
    );
    const lines = () =>
      stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);

    try {
      // Publishing is under way: some writes acknowledged, most services still to go.
      const until = performance.now() + 60_000;
      while (performance.now() < until && child.exitCode === null) {
        const written = lines().filter((l) => l.msg === 'provider written').length;
        if (written >= 10) break;
        await sleep(50);
      }
      const acknowledgedBefore = auditedWrites().length;
      expect(acknowledgedBefore, stderr).toBeGreaterThan(0);
      expect(acknowledgedBefore).toBeLessThan(2 * SERVICES);

      const signalledAt = performance.now();
      child.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(STOP_TIMEOUT_MS + 5_000).then(() => 'still running' as const)]);
      expect(code, stderr).toBe(0);
      const stopMs = exitedAt - signalledAt;
      expect(stopMs).toBeLessThan(STOP_TIMEOUT_MS + 1_000);

      // Let the emulators finish every request they were holding (the 5 s latency), then count again.
      const atExit = writesAnswered();
      await sleep(HANG_MS + 1_000);
      emulators.route53.faults.heal();
      expect(writesAnswered()).toEqual(atExit);

      const msgs = lines().map((l) => l.msg);
      const stoppedAt = msgs.lastIndexOf('stopped');
      expect(stoppedAt, msgs.slice(-10).join(' | ')).toBeGreaterThan(0);
      expect(msgs.slice(stoppedAt + 1).filter((m) => m === 'provider written' || m === 'azure apply')).toEqual([]);

      // Every (provider, name, generation) this owner serves was audited as acknowledged, and vice versa.
      const audited = new Set(auditedWrites().flatMap((w) => w.names.map((n) => `${w.provider} ${n} ${w.generation}`)));
      const providers = createProviders(providersFromEndpoints(emulators.endpoints()), { zone: emulators.zone });
      const served = new Set<string>();
      try {
        const names = Array.from({ length: SERVICES }, (_, i) => `svc-${i}.example.test.`);
        for (const p of providers) {
          const state = await p.read(names);
          for (const o of state.records.values()) {
            if (o.record.type !== 'TXT') continue;
            const own = parseOwnership(o.record);
            if (!own.ok || own.ownership.owner !== OWNER) continue;
            served.add(`${p.id} ${o.record.name.replace(/^_mcf\./, '')} ${own.ownership.generation}`);
          }
        }
      } finally {
        await closeProviders(providers);
      }
      expect(served.size).toBeGreaterThan(0);
      expect([...served].filter((s) => !audited.has(s))).toEqual([]);
      expect([...audited].filter((s) => !served.has(s))).toEqual([]);
      console.log(
        `stop took ${Math.round(stopMs)} ms; ${served.size} writes landed, all audited; writes answered at exit ${JSON.stringify(atExit)}`,
      );
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      emulators.route53.faults.heal();
    }
  }, 120_000);
});
