/**
 * docs/examples/: every example configuration loads with the real loader (the
 * one `failover controller` uses: YAML, strict schema), and `failover plan`
 * with the local example runs against the emulators, reading all three
 * providers through the official SDKs and planning the example's names.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
import { writeEndpointsFile } from '../../src/emulators/endpoints.js';
import { startEmulators, type RunningEmulators } from '../../src/emulators/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLES = join(ROOT, 'docs', 'examples');
const dir = mkdtempSync(join(tmpdir(), 'examples-'));
const endpointsFile = join(dir, 'endpoints.json');
let emulators: RunningEmulators;

beforeAll(async () => {
  emulators = await startEmulators({ freePorts: true, stateDir: dir });
  await writeEndpointsFile(endpointsFile, emulators.endpoints());
}, 60_000);

afterAll(async () => {
  await emulators?.stop();
  rmSync(dir, { recursive: true, force: true });
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

const examples = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'));

describe('docs/examples', () => {
  it('has a local and a production-shaped example', () => {
    expect(examples.sort()).toEqual(['local.yaml', 'production.yaml']);
  });

  it.each(examples)('%s loads with the real loader', (file) => {
    const config = loadConfigFile(join(EXAMPLES, file), configSchema);
    expect(config.services.map((s) => s.targets.map((t) => t.cloud))).toEqual([['aws', 'azure', 'gcp']]);
    expect(Object.keys(config.providers).sort()).toEqual(['azure', 'clouddns', 'route53']);
  });

  it('the production example leaves credentials to each cloud’s default chain', () => {
    const config = loadConfigFile(join(EXAMPLES, 'production.yaml'), configSchema);
    expect(config.providers.route53).not.toHaveProperty('credentials');
    expect(config.providers.route53).not.toHaveProperty('endpoint');
    expect(config.providers.azure).not.toHaveProperty('token');
    expect(config.providers.clouddns).not.toHaveProperty('token');
    expect(config.health).toMatchObject({ intervalMs: 10_000, fastIntervalMs: 2_000, timeoutMs: 2_000, fall: 3 });
  });

  it('failover plan with the local example reads the emulators and plans every name of it', async () => {
    const plan = await failover(['plan', '--config', 'docs/examples/local.yaml', '--endpoints-file', endpointsFile, '--json']);
    expect(plan.stderr).toBe('');
    // 3: changes pending (the emulators' zones are empty).
    expect(plan.code).toBe(3);
    const json = JSON.parse(plan.stdout) as {
      zone: string;
      pending: boolean;
      providers: { provider: string; reachable: boolean; plan?: unknown }[];
      safety: { ok: boolean };
    };
    expect(json.zone).toBe('example.test.');
    expect(json.pending).toBe(true);
    expect(json.safety.ok).toBe(true);
    expect(json.providers.map((p) => [p.provider, p.reachable])).toEqual([
      ['route53', true],
      ['azure', true],
      ['clouddns', true],
    ]);
    for (const p of json.providers) {
      const text = JSON.stringify(p.plan);
      expect(text, p.provider).toContain('app.example.test.');
      expect(text, p.provider).toContain('127.0.0.11');
      expect(text, p.provider).toContain('www.example.test.');
    }
  }, 60_000);
});
