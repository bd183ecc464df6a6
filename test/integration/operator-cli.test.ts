/**
 * The operator commands as a person runs them: `failover drain aws --reason test`
 * against a running local topology (emulators, sample services, the controller
 * over the official SDKs and its API), found through its demo state file like
 * `failover chaos` finds it. Proven from outside the controller: every
 * provider's nameserver is asked over DNS, and the audit log file holds the
 * drain with its reason. `failover resume aws` brings the answer back. Plus the
 * errors a person meets: no controller, a wrong token, an unknown service.
 */
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askNameserver } from '../../src/controller/verify.js';
import { ADMIN_TOKEN_FILE, demoStateOf, writeDemoState } from '../../apps/topology/demo-state.js';
import { CLOUD_ADDRESSES } from '../../src/drills/topology-config.js';
import { startTopology, type Topology } from '../../apps/topology/topology.js';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'operator-cli-'));
const auditFile = join(dir, 'audit.jsonl');
const DWELL_MS = 1000;
let topo: Topology;

beforeAll(async () => {
  topo = await startTopology({
    freePorts: true,
    // Generous probe timeouts: a loaded test machine must not make a healthy cloud look down.
    health: { intervalMs: 1500, fastIntervalMs: 800, timeoutMs: 800, rise: 2, fall: 3 },
    dwellMs: DWELL_MS,
    traffic: false,
    auditLog: auditFile,
  });
  const tokenFile = join(dir, ADMIN_TOKEN_FILE);
  writeFileSync(tokenFile, `${topo.api.token}\n`, { mode: 0o600 });
  // This process plays the demo: its pid is alive, so the state file counts as running.
  await writeDemoState(dir, demoStateOf(topo, { pid: process.pid, startedAt: new Date(), tokenFile }));
}, 60_000);

afterAll(async () => {
  await topo?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function failover(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['bin/failover.js', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
}

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** What each provider's nameserver answers for the service, asked over DNS. */
async function served(): Promise<string[][]> {
  const answers = await Promise.all(topo.nameservers.map((ns) => askNameserver(ns, topo.serviceName, 'A', 1000)));
  return answers.map((a) => (a.ok ? [...a.addresses] : [`error: ${a.error}`]));
}

interface AuditRecord {
  readonly seq: number;
  readonly kind: string;
  readonly operator?: string;
  readonly reason: string;
  readonly detail?: Record<string, unknown>;
}

const audit = (): AuditRecord[] =>
  readFileSync(auditFile, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as AuditRecord);

describe('failover drain / resume on a running topology', () => {
  it('drain aws moves every nameserver off AWS and is audited with its reason; resume aws brings it back', async () => {
    expect(await served()).toEqual([[CLOUD_ADDRESSES.aws], [CLOUD_ADDRESSES.aws], [CLOUD_ADDRESSES.aws]]);

    const drain = await failover(['drain', 'aws', '--reason', 'test', '--operator', 'alice', '--state-dir', dir]);
    expect(drain.stderr).toBe('');
    expect(drain.code).toBe(0);
    expect(drain.stdout).toContain('drain aws: test');
    expect(drain.stdout).toContain('Every nameserver serves the published answer:');
    // The command waited until the answer settled: every nameserver already serves the same answer, without AWS
    // (Azure, priority 2, unless a loaded machine made its probes fail; then Google Cloud).
    const after = await served();
    expect(new Set(after.map((a) => a.join(','))).size).toBe(1);
    expect(after[0]!.length).toBeGreaterThan(0);
    expect(after[0]).not.toContain(CLOUD_ADDRESSES.aws);
    expect([CLOUD_ADDRESSES.azure, CLOUD_ADDRESSES.gcp]).toContain(after[0]![0]);

    const drained = audit().filter((r) => r.kind === 'override');
    expect(drained).toHaveLength(1);
    expect(drained[0]).toMatchObject({ operator: 'alice', reason: 'drain aws: test', detail: { action: 'drain', cloud: 'aws' } });
    // The write that moved the answer is in the audit log after the drain.
    expect(audit().some((r) => r.kind === 'write' && r.seq > drained[0]!.seq)).toBe(true);

    const status = await failover(['status', '--state-dir', dir]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('Overrides: drained aws');

    const resume = await failover(['resume', 'aws', '--reason', 'test over', '--operator', 'alice', '--state-dir', dir]);
    expect(resume.stderr).toBe('');
    expect(resume.code).toBe(0);
    expect(resume.stdout).toContain('undrain aws: test over');
    // Moving back is not urgent: it waits for the dwell time; the command waits with it (--wait 30 by default).
    expect(await served()).toEqual([[CLOUD_ADDRESSES.aws], [CLOUD_ADDRESSES.aws], [CLOUD_ADDRESSES.aws]]);
    expect(
      audit()
        .filter((r) => r.kind === 'override')
        .map((r) => r.reason),
    ).toEqual(['drain aws: test', 'undrain aws: test over']);
  }, 90_000);

  it('pin and pause need a known service and target, and resume SERVICE clears both', async () => {
    const unknown = await failover(['pause', 'nope.example.test', '--reason', 'x', '--state-dir', dir, '--wait', '0']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /^failover pause: service 'nope\.example\.test' is not configured; expected one of app\.example\.test\./,
    );

    const badTarget = await failover(['pin', 'app.example.test', 'mars', '--reason', 'x', '--state-dir', dir, '--wait', '0']);
    expect(badTarget.code).toBe(2);
    expect(badTarget.stderr).toContain("target 'mars' is not a target of app.example.test.; expected one of aws, azure, gcp");

    const pin = await failover(['pin', 'app.example.test', 'gcp', '--reason', 'load test', '--state-dir', dir]);
    expect(pin.code).toBe(0);
    expect(await served()).toEqual([[CLOUD_ADDRESSES.gcp], [CLOUD_ADDRESSES.gcp], [CLOUD_ADDRESSES.gcp]]);
    const pause = await failover(['pause', 'app.example.test', '--reason', 'hands off', '--state-dir', dir, '--wait', '0']);
    expect(pause.code).toBe(0);
    expect(topo.controller.overrides.view()).toEqual({
      drainedClouds: [],
      pins: { 'app.example.test.': 'gcp' },
      paused: ['app.example.test.'],
    });

    const resume = await failover(['resume', 'app.example.test', '--state-dir', dir]);
    expect(resume.code).toBe(0);
    expect(resume.stdout).toContain('unpin app.example.test.');
    expect(resume.stdout).toContain('resume app.example.test.');
    expect(topo.controller.overrides.view()).toEqual({ drainedClouds: [], pins: {}, paused: [] });
    expect(await served()).toEqual([[CLOUD_ADDRESSES.aws], [CLOUD_ADDRESSES.aws], [CLOUD_ADDRESSES.aws]]);
  }, 90_000);

  it('failover plan --demo, and --endpoints-file with the demo state file, read the running demo', async () => {
    // One at a time: each loads the three SDKs, which is slow on a loaded machine.
    const demo = await failover(['plan', '--demo', '--state-dir', dir, '--json']);
    const endpoints = await failover([
      'plan',
      '--config',
      'docs/examples/local.yaml',
      '--endpoints-file',
      join(dir, 'demo.json'),
      '--json',
    ]);
    const both = await failover(['plan', '--demo', '--state-dir', dir, '--endpoints-file', join(dir, 'demo.json')]);
    // The demo's own configuration against its own providers: what its controller published is what it wants.
    expect(demo.stderr).toBe('');
    expect(demo.code).toBe(0);
    const view = JSON.parse(demo.stdout) as { pending: boolean; providers: { reachable: boolean }[] };
    expect(view.pending).toBe(false);
    expect(view.providers.map((p) => p.reachable)).toEqual([true, true, true]);
    // The local example adds www.example.test: pending on every provider of the demo.
    expect(endpoints.stderr).toBe('');
    expect(endpoints.code).toBe(3);
    expect(endpoints.stdout).toContain('www.example.test.');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--demo and --endpoints-file both name the providers; give one of them');
  }, 180_000);

  it('says so when the token is wrong, the controller is unreachable, or the reason is missing', async () => {
    const tokenFile = join(dir, 'wrong-token');
    writeFileSync(tokenFile, 'not-the-token-0123456789\n', { mode: 0o600 });
    const [wrong, unreachable, noReason, help] = await Promise.all([
      failover(['drain', 'aws', '--reason', 'x', '--state-dir', dir, '--token-file', tokenFile]),
      failover(['status', '--url', `http://127.0.0.1:${await closedPort()}`, '--state-dir', dir]),
      failover(['drain', 'aws', '--state-dir', dir]),
      failover(['drain', '--help']),
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(
      `failover drain: the controller at ${topo.api.url} refused the admin token (from --token-file ${tokenFile})`,
    );
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(
      /^failover status: cannot reach the controller at http:\/\/127\.0\.0\.1:\d+ \(from --url\): ECONNREFUSED; is it running\?/,
    );
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain("required option '--reason <text>' not specified");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('failover resume aws');
    expect(help.stdout).toContain('FAILOVER_ADMIN_TOKEN');
    // Nothing of the above changed anything.
    expect(topo.controller.overrides.view()).toEqual({ drainedClouds: [], pins: {}, paused: [] });
  }, 60_000);
});
