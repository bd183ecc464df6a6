/**
 * `failover plan` and `failover apply` as a user runs them: child processes of
 * bin/failover.js against the three emulators (started here, in-process),
 * through the real adapters and official SDKs; results read back from each
 * emulator's own store.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, writeEndpointsFile } from '../../src/emulators/index.js';
import type { RunningEmulators, ZoneStore } from '../../src/emulators/index.js';

const BIN = resolve(import.meta.dirname, '../../bin/failover.js');
const KINDS = ['route53', 'azure', 'clouddns'] as const;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function failover(...args: string[]): Promise<Run> {
  return new Promise((done) => {
    // stdin is a pipe, not a terminal: apply must insist on --yes.
    execFile(process.execPath, [BIN, ...args], { cwd: resolve(import.meta.dirname, '../..'), timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

function served(store: ZoneStore, name: string, type: string): readonly string[] | undefined {
  const zone = store.zonesByName('example.test')[0];
  return zone?.records.get(`${name}|${type}`)?.values;
}

const servedEverywhere = (emu: RunningEmulators, name: string, type = 'A') => KINDS.map((k) => served(emu[k].store, name, type));

function serviceConfig(appAddress: string): string {
  return `owner: cli-test
zone: example.test
providers:
  route53:
    hostedZoneId: replaced-by-the-endpoints-file
services:
  - name: app.example.test
    policy: failover
    targets:
      - { id: aws, cloud: aws, address: ${appAddress}, healthUrl: "http://127.0.0.11:8080/readyz", priority: 10 }
      - { id: azure, cloud: azure, address: 192.0.2.20, healthUrl: "http://127.0.0.12:8080/readyz", priority: 20 }
  - name: www.example.test
    policy: multivalue
    targets:
      - { id: aws, cloud: aws, address: 192.0.2.10, healthUrl: "http://127.0.0.11:8080/readyz" }
      - { id: gcp, cloud: gcp, address: 192.0.2.30, healthUrl: "http://127.0.0.13:8080/readyz" }
records:
  - { name: info.example.test, type: TXT, values: ["hello"] }
`;
}

function bulkConfig(moved: number): string {
  const records = Array.from(
    { length: 10 },
    (_, i) => `  - { name: bulk${i}.example.test, type: A, values: ["${i < moved ? '198.51.100.2' : '198.51.100.1'}"] }`,
  );
  return `owner: cli-bulk
zone: example.test
providers:
  clouddns: { projectId: p, managedZone: z }
records:
${records.join('\n')}
`;
}

describe('failover plan / apply against the three emulators', () => {
  let emu: RunningEmulators;
  let dir: string;
  let endpoints: string;
  const config = async (name: string, text: string) => {
    const file = join(dir, name);
    await writeFile(file, text);
    return file;
  };

  beforeAll(async () => {
    emu = await startEmulators({ freePorts: true, host: '127.0.0.1' });
    dir = await mkdtemp(join(tmpdir(), 'plan-apply-cli-'));
    endpoints = join(dir, 'endpoints.json');
    await writeEndpointsFile(endpoints, emu.endpoints());
  });

  afterAll(async () => {
    await emu?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('plan shows pending changes (exit 3), apply --yes writes all three, then plan has nothing to do (exit 0)', async () => {
    const file = await config('services.yaml', serviceConfig('192.0.2.10'));
    // Read-only runs at once (each CLI start costs seconds): plan, plan --json and apply without --yes write nothing.
    const [plan, json, unconfirmed] = await Promise.all([
      failover('plan', '--config', file, '--endpoints-file', endpoints),
      failover('plan', '--config', file, '--endpoints-file', endpoints, '--json'),
      failover('apply', '--config', file, '--endpoints-file', endpoints),
    ]);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(3);
    for (const k of KINDS)
      expect(plan.stdout).toContain(`${k} (generation 1)\n  + create app.example.test. 30 A 192.0.2.10 [generation 1]`);
    expect(plan.stdout).toContain('Summary: 9 changes on route53, azure, clouddns: 9 to create');
    expect(plan.stdout).toContain('Safety checks: passed');
    expect(servedEverywhere(emu, 'app.example.test.')).toEqual([undefined, undefined, undefined]);

    expect(json.code).toBe(3);
    const parsed = JSON.parse(json.stdout) as {
      generation: number;
      pending: boolean;
      providers: { provider: string; reachable: boolean; plan: { changes: { kind: string; name: string }[] } }[];
    };
    expect(parsed.generation).toBe(1);
    expect(parsed.pending).toBe(true);
    expect(parsed.providers.map((p) => [p.provider, p.reachable, p.plan.changes.map((c) => `${c.kind} ${c.name}`)])).toEqual(
      KINDS.map((k) => [k, true, ['create app.example.test.', 'create info.example.test.', 'create www.example.test.']]),
    );

    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('stdin is not a terminal; re-run with --yes');
    expect(servedEverywhere(emu, 'app.example.test.')).toEqual([undefined, undefined, undefined]);

    const apply = await failover('apply', '--config', file, '--endpoints-file', endpoints, '--yes');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/route53: in sync, applied 3 changes in \d+ ms/);
    expect(apply.stdout).toContain('All 3 providers are in sync.');
    expect(servedEverywhere(emu, 'app.example.test.')).toEqual([['192.0.2.10'], ['192.0.2.10'], ['192.0.2.10']]);
    expect(servedEverywhere(emu, 'www.example.test.')).toEqual(KINDS.map(() => ['192.0.2.10', '192.0.2.30']));
    expect(servedEverywhere(emu, 'info.example.test.', 'TXT')).toEqual(KINDS.map(() => ['"hello"']));
    expect(servedEverywhere(emu, '_mcf.app.example.test.', 'TXT')).toEqual(KINDS.map(() => ['"mcf-owner=cli-test;generation=1;type=A"']));

    const again = await failover('plan', '--config', file, '--endpoints-file', endpoints);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Summary: no changes on route53, azure, clouddns');
  });

  it('one API down: apply writes the other two, exits 1 and names the provider out of sync; a later apply converges it', async () => {
    const file = await config('services-moved.yaml', serviceConfig('192.0.2.11'));
    emu.azure.faults.set({ apiDown: true });
    try {
      const apply = await failover('apply', '--config', file, '--endpoints-file', endpoints, '--yes');
      expect(apply.code).toBe(1);
      expect(apply.stdout).toContain('azure: NOT REACHABLE (unavailable)');
      expect(apply.stdout).toMatch(/azure: OUT OF SYNC \(unavailable\): .*ECONNREFUSED/);
      expect(apply.stdout).toContain('azure is OUT OF SYNC: route53 and clouddns were still written.');
      expect(servedEverywhere(emu, 'app.example.test.')).toEqual([['192.0.2.11'], ['192.0.2.10'], ['192.0.2.11']]);
    } finally {
      emu.azure.faults.heal();
    }
    const plan = await failover('plan', '--config', file, '--endpoints-file', endpoints);
    expect(plan.code).toBe(3);
    expect(plan.stdout).toContain('azure (generation 3)\n  ~ update app.example.test. A 30 192.0.2.10 → 30 192.0.2.11 [generation 1 → 3]');
    const converge = await failover('apply', '--config', file, '--endpoints-file', endpoints, '--yes');
    expect(converge.code).toBe(0);
    expect(servedEverywhere(emu, 'app.example.test.')).toEqual([['192.0.2.11'], ['192.0.2.11'], ['192.0.2.11']]);
  });

  it('over the change-share limit apply refuses without --force and says how many names and the limit', async () => {
    await failover('apply', '--config', await config('bulk.yaml', bulkConfig(0)), '--endpoints-file', endpoints, '--yes');
    expect(servedEverywhere(emu, 'bulk3.example.test.')).toEqual(KINDS.map(() => ['198.51.100.1']));

    const moved = await config('bulk-moved.yaml', bulkConfig(4));
    const refused = await failover('apply', '--config', moved, '--endpoints-file', endpoints, '--yes');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('refusing to apply, nothing was written');
    expect(refused.stderr).toContain(
      'plan changes 4 of 10 managed names (40%), over the limit of 30% (safety.maxChangeShare); re-run with --force to apply anyway',
    );
    expect(servedEverywhere(emu, 'bulk3.example.test.')).toEqual(KINDS.map(() => ['198.51.100.1']));

    const forced = await failover('apply', '--config', moved, '--endpoints-file', endpoints, '--yes', '--force');
    expect(forced.code).toBe(0);
    expect(servedEverywhere(emu, 'bulk3.example.test.')).toEqual(KINDS.map(() => ['198.51.100.2']));
    expect(servedEverywhere(emu, 'bulk4.example.test.')).toEqual(KINDS.map(() => ['198.51.100.1']));
  });

  it('a bad configuration exits 2 naming file:line and the field', async () => {
    const file = await config('bad.yaml', serviceConfig('not-an-address'));
    const line =
      serviceConfig('not-an-address')
        .split('\n')
        .findIndex((l) => l.includes('not-an-address')) + 1;
    const okFile = await config('ok.yaml', serviceConfig('192.0.2.11'));
    // Independent runs at once: none of them gets as far as a provider.
    const [plan, apply, noEndpoints] = await Promise.all([
      failover('plan', '--config', file, '--endpoints-file', endpoints),
      failover('apply', '--yes', '--config', file, '--endpoints-file', endpoints),
      failover('plan', '--config', okFile, '--endpoints-file', join(dir, 'nope.json')),
    ]);
    for (const run of [plan, apply]) {
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${file}:${line}:`);
      expect(run.stderr).toContain('services[0].targets[0].address: expected an IPv4 or IPv6 address');
      expect(run.stdout).toBe('');
    }
    expect(noEndpoints.code).toBe(2);
    expect(noEndpoints.stderr).toContain("start 'failover emulators --endpoints-file");
  });
});
