/**
 * `failover controller` as a real process: bad configuration exits 2 naming
 * file, line and field; with the emulators' endpoints file it runs, serves its
 * API (per-probe metrics included), logs JSON, writes its audit log where the
 * config says, and exits 0 on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, writeEndpointsFile, type RunningEmulators } from '../../src/emulators/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'controller-cli-'));
let emulators: RunningEmulators;
const endpointsFile = join(dir, 'endpoints.json');
// In the test's own directory: the default (.failover/audit.jsonl, from the working directory) would land in the repository.
const auditLog = join(dir, 'audit.jsonl');
const parseExposition = createRequire(import.meta.url)('parse-prometheus-text-format') as (
  text: string,
) => { name: string; metrics: { value?: string; labels?: Record<string, string> }[] }[];

beforeAll(async () => {
  emulators = await startEmulators({ freePorts: true });
  await writeEndpointsFile(endpointsFile, emulators.endpoints());
});

afterAll(async () => {
  await emulators.stop();
  rmSync(dir, { recursive: true, force: true });
});

const CONFIG = `owner: ctl-cli
zone: example.test
providers:
  route53: { hostedZoneId: placeholder }
services:
  - name: app.example.test
    targets:
      - { id: aws, cloud: aws, address: 127.0.0.11, healthUrl: "http://127.0.0.11:9/readyz" }
health: { intervalMs: 200, fastIntervalMs: 100, timeoutMs: 80 }
auditLog: ${JSON.stringify(auditLog)}
`;

function run(args: string[]) {
  const child = spawn(process.execPath, ['bin/failover.js', 'controller', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const lines = () =>
    stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { child, exited, lines, stderr: () => stderr };
}

describe('failover controller', () => {
  it('a configuration error exits 2 with file, line and field', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, CONFIG.replace('intervalMs: 200', 'intervalMs: fast'));
    const p = run(['--config', file]);
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:9:\\d+: health\\.intervalMs: `));
  });

  it('runs against the emulators, answers on its API, and stops on SIGTERM with exit 0', async () => {
    const file = join(dir, 'good.yaml');
    writeFileSync(file, CONFIG);
    const p = run(['--config', file, '--endpoints-file', endpointsFile, '--api-port', '0']);
    let url: string | undefined;
    const until = Date.now() + 15_000;
    while (url === undefined && Date.now() < until) {
      url = p.lines().find((l) => l.msg === 'controller API listening')?.url as string | undefined;
      if (url === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    expect(url, p.stderr()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const line = p.lines().find((l) => l.msg === 'controller API listening');
    expect(line).toMatchObject({
      name: 'controller',
      owner: 'ctl-cli',
      admin: false,
      providers: ['route53', 'azure', 'clouddns'],
      services: ['app.example.test'],
    });

    const health = await fetch(`${url}/healthz`);
    expect([200, 503]).toContain(health.status);
    const status = (await (await fetch(`${url}/status`)).json()) as { owner: string; services: { name: string }[] };
    expect(status.owner).toBe('ctl-cli');
    expect(status.services.map((s) => s.name)).toEqual(['app.example.test']);

    // Every probe is counted per target and vantage point (the target refuses connections: errors).
    let probes: Record<string, number> = {};
    while (Object.keys(probes).length < 3 && Date.now() < until) {
      const family = parseExposition(await (await fetch(`${url}/metrics`)).text()).find((f) => f.name === 'failover_probes_total');
      probes = Object.fromEntries(
        (family?.metrics ?? []).map((m) => [`${m.labels?.target} ${m.labels?.vantage} ${m.labels?.result}`, Number(m.value)]),
      );
      if (Object.keys(probes).length < 3) await new Promise((r) => setTimeout(r, 50));
    }
    expect(Object.keys(probes).sort()).toEqual(['aws vp-1 error', 'aws vp-2 error', 'aws vp-3 error']);
    expect(Object.values(probes).every((n) => n > 0)).toBe(true);

    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.lines().map((l) => l.msg)).toContain('stopped');
    expect(p.lines().find((l) => l.msg === 'audit log open')).toMatchObject({ auditLog });
    expect(existsSync(auditLog)).toBe(true);
  });
});
