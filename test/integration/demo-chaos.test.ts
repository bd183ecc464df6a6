/**
 * The pieces `failover chaos` is made of: argument parsing (names, aliases,
 * messages that list the choices), the demo state file (0600, missing, stale,
 * malformed), the remote calls against a real sample service's chaos listener
 * and the real emulators' admin API, and the command's exit codes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSampleService, type SampleService } from '../../apps/sample-service/index.js';
import {
  applyRemoteCloudChaos,
  applyRemoteProviderChaos,
  ChaosArgumentError,
  ChaosRequestFailed,
  parseChaosCommand,
  providerFault,
} from '../../src/drills/chaos.js';
import {
  DemoNotRunningError,
  DemoStateError,
  readDemoState,
  removeDemoState,
  writeDemoState,
  type DemoState,
} from '../../apps/topology/demo-state.js';
import { startEmulators, type RunningEmulators } from '../../src/emulators/index.js';
import { silentLogger } from '../../src/observability/logger.js';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'demo-chaos-'));
const TOKEN = 'chaos-token-for-tests';
let emulators: RunningEmulators;
let service: SampleService;

beforeAll(async () => {
  emulators = await startEmulators({ freePorts: true });
  service = await startSampleService(
    { cloud: 'aws', host: '127.0.0.11', port: 0, chaos: { enabled: true, token: TOKEN, port: 0 } },
    { logger: silentLogger() },
  );
});

afterAll(async () => {
  await service?.stop({ drainMs: 0 });
  await emulators?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function state(pid: number): DemoState {
  const cloud = (n: number) => ({
    address: `127.0.0.1${n}`,
    url: `http://127.0.0.1${n}:8080`,
    chaosUrl: `http://127.0.0.1${n}:9000`,
    chaosToken: TOKEN,
  });
  return {
    version: 1,
    pid,
    startedAt: new Date(0).toISOString(),
    serviceName: 'app.example.test.',
    servicePort: 8080,
    clouds: { aws: cloud(1), azure: cloud(2), gcp: cloud(3) },
    api: { url: 'http://127.0.0.1:4600', token: 'a'.repeat(64), tokenFile: join(dir, 'admin-token') },
    emulators: emulators.endpoints(),
  };
}

describe('chaos arguments', () => {
  it('accepts the clouds and every provider name, with heal meaning healthy', () => {
    expect(parseChaosCommand('aws', 'down')).toEqual({ kind: 'cloud', cloud: 'aws', mode: 'down' });
    expect(parseChaosCommand('GCP', 'heal')).toEqual({ kind: 'cloud', cloud: 'gcp', mode: 'healthy' });
    expect(parseChaosCommand('azure', 'slow', { delayMs: 250 })).toEqual({ kind: 'cloud', cloud: 'azure', mode: 'slow', delayMs: 250 });
    expect(parseChaosCommand('azure', 'dependency-dns-empty')).toEqual({ kind: 'cloud', cloud: 'azure', mode: 'dependency-dns-empty' });
    expect(parseChaosCommand('route53', 'api-down')).toEqual({ kind: 'provider', provider: 'route53', action: 'api-down' });
    expect(parseChaosCommand('azuredns', 'dns-down')).toEqual({ kind: 'provider', provider: 'azure', action: 'dns-down' });
    expect(parseChaosCommand('azure-dns', 'throttle')).toEqual({ kind: 'provider', provider: 'azure', action: 'throttle' });
    expect(parseChaosCommand('cloud-dns', 'heal')).toEqual({ kind: 'provider', provider: 'clouddns', action: 'heal' });
  });

  it('says what exists when a target or action does not', () => {
    expect(() => parseChaosCommand('mars', 'down')).toThrow(
      new ChaosArgumentError(
        "unknown target 'mars': expected a cloud (aws, azure, gcp) or a DNS provider (route53, azuredns, clouddns; also route-53, azure-dns, cloud-dns)",
      ),
    );
    expect(() => parseChaosCommand('aws', 'api-down')).toThrow(
      "unknown action 'api-down' for cloud aws: expected one of down, blackhole, slow, error, dependency-dns-empty, heal",
    );
    expect(() => parseChaosCommand('route53', 'down')).toThrow(
      "unknown action 'down' for DNS provider route53: expected one of api-down, dns-down, throttle, heal",
    );
    expect(() => parseChaosCommand('aws', 'down', { delayMs: 10 })).toThrow("--delay-ms only applies to 'slow', not 'down'");
  });

  it('maps provider actions to emulator faults', () => {
    expect(providerFault('api-down')).toEqual({ apiDown: true });
    expect(providerFault('dns-down')).toEqual({ dnsDown: true });
    expect(providerFault('throttle')).toEqual({ throttle: 'always' });
  });
});

describe('demo state file', () => {
  it('round-trips with mode 0600 and is removed with the admin token', async () => {
    writeFileSync(join(dir, 'admin-token'), 'x');
    const path = await writeDemoState(dir, state(process.pid));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await readDemoState(dir)).toEqual(state(process.pid));
    await removeDemoState(dir);
    await expect(readDemoState(dir)).rejects.toThrow(
      new DemoNotRunningError(`no running demo found (${join(dir, 'demo.json')}); start one with npm run demo`),
    );
  });

  it('tells a file left by a demo that is gone, and a malformed file, apart', async () => {
    // A pid far above pid_max on Linux never names a live process.
    await writeDemoState(dir, state(2 ** 30));
    await expect(readDemoState(dir)).rejects.toThrow(
      `no running demo found (${join(dir, 'demo.json')} is left from process ${2 ** 30}, which is gone); start one with npm run demo`,
    );
    writeFileSync(join(dir, 'demo.json'), '{"version":1}');
    await expect(readDemoState(dir)).rejects.toBeInstanceOf(DemoStateError);
    await expect(readDemoState(dir)).rejects.toThrow(/demo\.json is not a demo state file \(pid: /);
    await removeDemoState(dir);
  });
});

describe('remote chaos', () => {
  it('changes a sample service through its chaos listener, which stays up while the service is down', async () => {
    const endpoint = { chaosUrl: service.adminUrl as string, chaosToken: TOKEN };
    expect(await applyRemoteCloudChaos(endpoint, 'down')).toEqual({ mode: 'down' });
    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
    expect(await applyRemoteCloudChaos(endpoint, 'healthy')).toEqual({ mode: 'healthy' });
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    await expect(applyRemoteCloudChaos({ ...endpoint, chaosToken: 'wrong-token' }, 'down')).rejects.toThrow(
      new ChaosRequestFailed(`setting down: ${service.adminUrl}/chaos answered 403: the chaos token does not match`),
    );
  });

  it("sets and heals a provider's faults through the emulators' admin API", async () => {
    const admin = emulators.endpoints().admin.endpoint;
    expect(await applyRemoteProviderChaos(admin, 'route53', 'api-down')).toMatchObject({ apiDown: true });
    expect(emulators.route53.faults.settings.apiDown).toBe(true);
    expect(await applyRemoteProviderChaos(admin, 'azure', 'throttle')).toMatchObject({ throttle: 'always' });
    expect(await applyRemoteProviderChaos(admin, 'route53', 'heal')).toMatchObject({ apiDown: false, dnsDown: false, throttle: 'off' });
    await applyRemoteProviderChaos(admin, 'azure', 'heal');
    expect(emulators.azure.faults.settings.throttle).toBe('off');
  });
});

function failover(args: string[]) {
  const child = spawn(process.execPath, ['bin/failover.js', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '' },
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

describe('failover chaos', () => {
  it('exits 2 with the choices on a bad target, 1 when no demo runs, and lists the names in --help', async () => {
    const [bad, none, help] = await Promise.all([
      failover(['chaos', 'mars', 'down', '--state-dir', dir]),
      failover(['chaos', 'route53', 'api-down', '--state-dir', dir]),
      failover(['chaos', '--help']),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("failover chaos: unknown target 'mars'");
    expect(bad.stderr).toContain(
      'choices: clouds: aws, azure, gcp with down|blackhole|slow|error|dependency-dns-empty|heal; DNS providers: route53|route-53, azuredns|azure-dns, clouddns|cloud-dns with api-down|dns-down|throttle|heal',
    );
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(`failover chaos: no running demo found (${join(dir, 'demo.json')}); start one with npm run demo\n`);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('route53 | azuredns | clouddns (DNS providers; also route-53, azure-dns, cloud-dns)');
    expect(help.stdout).toContain('dependency-dns-empty');
  });
});
