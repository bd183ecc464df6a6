import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isLoopbackHost, parseServiceConfig } from '../../apps/sample-service/config.js';
import { loadServiceConfig, SETTINGS } from '../../apps/sample-service/config-sources.js';
import { ConfigError } from '../../src/config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'sample-service-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('sample service configuration', () => {
  it('fills defaults around the one required setting', () => {
    const config = loadServiceConfig({ env: { SERVICE_CLOUD: 'gcp' } });
    expect(config).toMatchObject({
      cloud: 'gcp',
      region: 'local',
      version: 'dev',
      host: '127.0.0.1',
      port: 8080,
      drainMs: 10_000,
      shutdownDelayMs: 0,
      chaos: { enabled: false },
    });
    expect(config.instanceId).toMatch(/^gcp-/);
    expect(config.dependency).toBeUndefined();
  });

  it('reads every documented environment variable', () => {
    const config = loadServiceConfig({
      env: {
        SERVICE_CLOUD: 'azure',
        SERVICE_REGION: 'westeurope',
        SERVICE_INSTANCE_ID: 'azure-7',
        SERVICE_VERSION: '2.0.1',
        SERVICE_HOST: '127.0.0.12',
        SERVICE_PORT: '8081',
        DEPENDENCY_URL: 'http://app-db.example.test:9000/health',
        DEPENDENCY_DNS_SERVER: '127.0.0.1:5353',
        DEPENDENCY_TIMEOUT_MS: '750',
        CHAOS_ENABLED: 'true',
        CHAOS_TOKEN: 'local-chaos-token',
        CHAOS_PORT: '9091',
        DRAIN_MS: '2500',
        SHUTDOWN_DELAY_MS: '300',
        UNRELATED: 'ignored',
      },
    });
    expect(config).toEqual({
      cloud: 'azure',
      region: 'westeurope',
      instanceId: 'azure-7',
      version: '2.0.1',
      host: '127.0.0.12',
      port: 8081,
      drainMs: 2500,
      shutdownDelayMs: 300,
      dependency: { url: 'http://app-db.example.test:9000/health', dnsServer: '127.0.0.1:5353', timeoutMs: 750 },
      chaos: { enabled: true, token: 'local-chaos-token', port: 9091 },
    });
  });

  it('layers file < environment < flags', () => {
    const path = file('layers.yaml', 'cloud: aws\nregion: us-east-1\nport: 7000\ndependency:\n  host: app-db.example.test\n');
    const config = loadServiceConfig({
      env: { SERVICE_CONFIG: path, SERVICE_PORT: '7001', SERVICE_REGION: 'us-west-2' },
      flags: { port: '7002' },
    });
    expect(config).toMatchObject({
      cloud: 'aws',
      region: 'us-west-2',
      port: 7002,
      dependency: { host: 'app-db.example.test', timeoutMs: 1000 },
    });
  });

  it('treats empty variables as unset', () => {
    expect(loadServiceConfig({ env: { SERVICE_CLOUD: 'aws', SERVICE_PORT: '' } }).port).toBe(8080);
  });

  it('names the environment variable and what it expected', () => {
    const err = configError(() => loadServiceConfig({ env: { SERVICE_CLOUD: 'aws', SERVICE_PORT: 'eighty', CHAOS_ENABLED: 'maybe' } }));
    expect(err.source).toBe('environment');
    expect(err.problems).toEqual(
      expect.arrayContaining([
        { path: 'SERVICE_PORT', message: 'expected a whole number' },
        { path: 'CHAOS_ENABLED', message: 'expected true or false' },
      ]),
    );
    expect(err.message).toContain('environment: SERVICE_PORT: expected a whole number');
  });

  it('names the flag when the bad value came from the command line', () => {
    const err = configError(() => loadServiceConfig({ env: { SERVICE_PORT: '8080' }, flags: { cloud: 'oracle', port: '70000' } }));
    expect(err.problems.map((p) => p.path).sort()).toEqual(['--cloud', '--port']);
    expect(err.problems.find((p) => p.path === '--port')?.message).toBe('Too big: expected number to be <=65535');
    expect(err.problems.find((p) => p.path === '--cloud')?.message).toBe('Invalid option: expected one of "aws"|"azure"|"gcp"');
  });

  it('names the file, line and field for a bad file value, and rejects unknown keys', () => {
    const path = file('bad.yaml', 'cloud: aws\nport: "8080"\ndependency:\n  url: ftp://app-db.example.test/\nchaoss:\n  enabled: true\n');
    const err = configError(() => loadServiceConfig({ file: path }));
    expect(err.source).toBe(path);
    const byPath = Object.fromEntries(err.problems.map((p) => [p.path, p]));
    expect(byPath.port).toMatchObject({ line: 2, message: 'Invalid input: expected number, received string' });
    expect(byPath['dependency.url']).toMatchObject({ line: 4, message: expect.stringContaining('expected an http:// or https:// URL') });
    expect(err.problems.find((p) => p.message.includes('chaoss'))).toMatchObject({ path: 'chaoss', line: 5, column: 1 });
    expect(err.message).toContain(`${path}:2:1: port:`);
  });

  it('reports a missing file by name', () => {
    const err = configError(() => loadServiceConfig({ file: join(dir, 'missing.yaml') }));
    expect(err.message).toContain('missing.yaml');
    expect(err.problems[0]?.message).toBe('cannot read the configuration file: no such file; expected the path of a YAML file (ENOENT)');
  });

  it('says where to set a missing required setting', () => {
    const err = configError(() => loadServiceConfig({ env: {} }));
    expect(err.source).toBe('defaults');
    expect(err.problems).toEqual([
      { path: 'cloud', message: expect.stringContaining('(set SERVICE_CLOUD, --cloud or cloud in the config file)') },
    ]);
  });

  it('refuses chaos without a token', () => {
    const err = configError(() => loadServiceConfig({ env: { SERVICE_CLOUD: 'aws', CHAOS_ENABLED: 'true' } }));
    expect(err.problems).toEqual([
      {
        path: 'chaos.token',
        message:
          'expected a token when chaos is enabled: every chaos request must carry it (set CHAOS_TOKEN, --chaos-token or chaos.token in the config file)',
      },
    ]);
  });

  it('refuses chaos on an address other machines can reach', () => {
    const err = configError(() =>
      loadServiceConfig({
        env: { SERVICE_CLOUD: 'aws', CHAOS_TOKEN: 'long-enough-token' },
        flags: { chaosEnabled: true, host: '0.0.0.0' },
      }),
    );
    expect(err.source).toBe('command line + environment');
    expect(err.problems[0]?.path).toBe('chaos.enabled');
    expect(err.problems[0]?.message).toContain('chaos is local only: it cannot be enabled while listening on 0.0.0.0');
  });

  it('refuses a chaos admin port without chaos, and one equal to the service port', () => {
    expect(configError(() => parseServiceConfig({ cloud: 'aws', chaos: { port: 9000 } })).problems[0]).toMatchObject({
      path: 'chaos.port',
      message: 'the chaos admin listener only exists when chaos is enabled',
    });
    expect(
      configError(() => parseServiceConfig({ cloud: 'aws', port: 9000, chaos: { enabled: true, token: 'long-enough-token', port: 9000 } }))
        .problems[0],
    ).toMatchObject({
      path: 'chaos.port',
      message: 'expected a port other than the service port (9000)',
    });
  });

  it('refuses a dependency given both as URL and as host, or as neither', () => {
    const both = configError(() =>
      parseServiceConfig({ cloud: 'aws', dependency: { url: 'http://a.example.test/', host: 'b.example.test' } }),
    );
    expect(both.problems[0]?.path).toBe('dependency.host');
    const neither = configError(() => parseServiceConfig({ cloud: 'aws', dependency: { timeoutMs: 500 } }));
    expect(neither.problems[0]?.path).toBe('dependency');
  });

  it('checks the DNS server address and short tokens', () => {
    const err = configError(() =>
      loadServiceConfig({ env: { SERVICE_CLOUD: 'aws', DEPENDENCY_DNS_SERVER: 'dns.example.test:53', CHAOS_TOKEN: 'short' } }),
    );
    expect(err.problems).toEqual(
      expect.arrayContaining([
        { path: 'DEPENDENCY_DNS_SERVER', message: 'expected a DNS server address such as 127.0.0.1:5353' },
        { path: 'CHAOS_TOKEN', message: 'expected a token of at least 8 characters' },
      ]),
    );
    for (const ok of ['127.0.0.1', '127.0.0.1:5353', '::1', '[::1]:5353']) {
      expect(parseServiceConfig({ cloud: 'aws', dependency: { host: 'a.example.test', dnsServer: ok } }).dependency?.dnsServer).toBe(ok);
    }
  });

  it.each([
    ['127.0.0.1', true],
    ['127.0.0.13', true],
    ['localhost', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['10.0.0.5', false],
    ['::', false],
    ['example.test', false],
  ])('isLoopbackHost(%s) is %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });

  it('documents a unique variable and flag for every setting', () => {
    expect(new Set(SETTINGS.map((s) => s.env)).size).toBe(SETTINGS.length);
    expect(new Set(SETTINGS.map((s) => s.flag.split(' ')[0])).size).toBe(SETTINGS.length);
    for (const s of SETTINGS) expect(s.flag).toMatch(/^--[a-z-]+( <[a-z:-]+>)?$/);
  });
});
