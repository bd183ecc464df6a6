/**
 * src/config/load.ts (YAML + zod with file:line:col and field paths) and the
 * controller schema in src/config/schema.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, formatPath, loadConfigFile, parseConfig, parseEnv } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'config-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const small = z.strictObject({
  name: z.string(),
  limits: z.strictObject({ maxMs: z.number().int() }).optional(),
  items: z.array(z.strictObject({ id: z.string(), weight: z.number() })).default([]),
});

const VALID_CONTROLLER = `owner: failover-test
zone: example.test
providers:
  route53:
    hostedZoneId: Z123
services:
  - name: app.example.test
    targets:
      - id: aws
        cloud: aws
        address: 127.0.0.11
        healthUrl: http://127.0.0.11:8080/readyz
      - id: azure
        cloud: azure
        address: 127.0.0.12
        healthUrl: http://127.0.0.12:8080/readyz
`;

describe('parseConfig', () => {
  it('returns the validated value with defaults', () => {
    expect(parseConfig('name: x\n', small, 'small.yaml')).toEqual({ name: 'x', items: [] });
  });

  it('reports a YAML syntax error with its line and column', () => {
    const err = configError(() => parseConfig('name: x\nlimits: [\n', small, 'broken.yaml'));
    expect(err.source).toBe('broken.yaml');
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]?.message).toMatch(/^YAML syntax: /);
    expect(err.problems[0]?.line).toBe(3);
    expect(err.message).toContain('broken.yaml:3:1: (top level): YAML syntax:');
  });

  it('refuses duplicate keys as a syntax problem', () => {
    const err = configError(() => parseConfig('name: x\nname: y\n', small, 'dup.yaml'));
    expect(err.problems[0]?.message).toBe('YAML syntax: Map keys must be unique');
  });

  it('refuses unknown keys, placed at the unknown key itself', () => {
    const err = configError(() => parseConfig('name: x\nlimits:\n  maxMs: 5\n  minMs: 1\n', small, 'extra.yaml'));
    expect(err.problems).toEqual([{ path: 'limits.minMs', line: 4, column: 3, message: "unknown key 'minMs'; expected one of maxMs" }]);
  });

  it('reports a wrong type with the field path, line and column', () => {
    const err = configError(() =>
      parseConfig('name: x\nitems:\n  - id: a\n    weight: 1\n  - id: b\n    weight: heavy\n', small, 'types.yaml'),
    );
    expect(err.problems).toEqual([
      { path: 'items[1].weight', line: 6, column: 5, message: 'Invalid input: expected number, received string' },
    ]);
    expect(err.message).toBe(
      'invalid configuration in types.yaml (1 problem):\n  types.yaml:6:5: items[1].weight: Invalid input: expected number, received string',
    );
  });

  it('locates a missing field at its nearest parent and counts several problems', () => {
    const err = configError(() => parseConfig('limits:\n  maxMs: 1.5\n', small, 'two.yaml'));
    expect(err.message).toMatch(/^invalid configuration in two\.yaml \(2 problems\):/);
    expect(err.problems).toEqual(
      expect.arrayContaining([
        { path: 'name', line: 1, column: 1, message: 'missing; expected a string' },
        { path: 'limits.maxMs', line: 2, column: 3, message: 'Invalid input: expected int, received number' },
      ]),
    );
  });

  it('treats an empty document as an empty object', () => {
    const err = configError(() => parseConfig('', small, 'empty.yaml'));
    expect(err.problems.map((p) => p.path)).toEqual(['name']);
  });
});

describe('loadConfigFile and parseEnv', () => {
  it('reads a file and names it in errors', () => {
    const path = join(dir, 'ok.yaml');
    writeFileSync(path, 'name: from-file\n');
    expect(loadConfigFile(path, small)).toEqual({ name: 'from-file', items: [] });
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: 5\n');
    expect(configError(() => loadConfigFile(bad, small)).message).toContain(
      `${bad}:1:1: name: Invalid input: expected string, received number`,
    );
  });

  it('says when the file cannot be read', () => {
    const missing = join(dir, 'nope.yaml');
    const err = configError(() => loadConfigFile(missing, small));
    expect(err.problems).toEqual([
      { path: '', message: 'cannot read the configuration file: no such file; expected the path of a YAML file (ENOENT)' },
    ]);
    expect(err.message).toContain(missing);
  });

  it('parseEnv names the variable, not the schema key', () => {
    const schema = z.object({ port: z.coerce.number().int().max(65535), mode: z.enum(['a', 'b']) });
    const err = configError(() => parseEnv({ port: '99999', mode: 'c' }, schema, { port: 'APP_PORT', mode: 'APP_MODE' }));
    expect(err.source).toBe('environment');
    expect(err.problems).toEqual([
      { path: 'APP_PORT', message: 'Too big: expected number to be <=65535' },
      { path: 'APP_MODE', message: 'Invalid option: expected one of "a"|"b"' },
    ]);
  });

  it.each([
    [[], ''],
    [['a'], 'a'],
    [['a', 0, 'b'], 'a[0].b'],
    [['services', 2, 'targets', 10, 'url'], 'services[2].targets[10].url'],
  ])('formatPath(%j) is %j', (path, expected) => {
    expect(formatPath(path)).toBe(expected);
  });
});

describe('controller schema', () => {
  it('accepts a minimal config and fills the documented defaults', () => {
    const config = parseConfig(VALID_CONTROLLER, configSchema, 'failover.yaml');
    expect(config.services[0]).toMatchObject({ type: 'A', ttl: 30, policy: 'failover' });
    expect(config.services[0]?.targets[0]).toMatchObject({ priority: 100, expectStatus: 200 });
    expect(config.health).toMatchObject({
      intervalMs: 1000,
      timeoutMs: 500,
      rise: 2,
      fall: 3,
      vantagePoints: [{ id: 'vp-1' }, { id: 'vp-2' }, { id: 'vp-3' }],
    });
    expect(config.safety).toEqual({ maxChangeShare: 0.3, minNamesForShareLimit: 10 });
    expect(config.api).toEqual({ host: '127.0.0.1', port: 4600 });
    expect(config.providers.route53?.region).toBe('us-east-1');
  });

  it('names a bad target field with its line', () => {
    const text = VALID_CONTROLLER.replace('cloud: azure', 'cloud: oracle').replace(
      'healthUrl: http://127.0.0.11:8080/readyz',
      'healthUrl: not a url',
    );
    const err = configError(() => parseConfig(text, configSchema, 'failover.yaml'));
    const byPath = Object.fromEntries(err.problems.map((p) => [p.path, p]));
    expect(byPath['services[0].targets[1].cloud']).toMatchObject({
      line: 14,
      message: 'Invalid option: expected one of "aws"|"azure"|"gcp"',
    });
    expect(byPath['services[0].targets[0].healthUrl']).toMatchObject({ line: 12 });
  });

  it('refuses a health timeout not shorter than the interval, and a quorum larger than the vantage points', () => {
    const text = `${VALID_CONTROLLER}health:\n  intervalMs: 1000\n  timeoutMs: 1000\n  quorum: 4\n`;
    const err = configError(() => parseConfig(text, configSchema, 'failover.yaml'));
    expect(err.problems).toEqual([
      { path: 'health.timeoutMs', line: 19, column: 3, message: 'expected less than intervalMs (1000)' },
      // fastIntervalMs is absent (default 250), so it is placed at its parent, health:
      { path: 'health.fastIntervalMs', line: 17, column: 1, message: 'expected at least timeoutMs (1000): probes never overlap' },
      { path: 'health.quorum', line: 20, column: 3, message: 'expected at most the number of vantagePoints (3)' },
    ]);
  });

  it('refuses duplicate target ids, the wrong address family and names outside the zone', () => {
    const text = VALID_CONTROLLER.replace('id: azure', 'id: aws')
      .replace('address: 127.0.0.12', 'address: "::1"')
      .replace('name: app.example.test', 'name: app.other.test');
    const err = configError(() => parseConfig(text, configSchema, 'failover.yaml'));
    const messages = Object.fromEntries(err.problems.map((p) => [p.path, p.message]));
    expect(messages).toMatchObject({
      'services[0].targets[1].id': "duplicate target id 'aws'",
      'services[0].targets[1].address': 'expected an IPv4 address for a A service',
      'services[0].name': 'expected a name inside the zone example.test',
    });
  });

  it('refuses a config without providers and a static record with no values', () => {
    const text = 'owner: o\nzone: example.test\nproviders: {}\nrecords:\n  - name: www.example.test\n    type: A\n    values: []\n';
    const err = configError(() => parseConfig(text, configSchema, 'static.yaml'));
    expect(err.problems).toEqual(
      expect.arrayContaining([
        { path: 'providers', line: 3, column: 1, message: 'expected at least one of route53, azure, clouddns' },
        { path: 'records[0].values', line: 7, column: 5, message: 'expected at least one value (an empty answer is never published)' },
      ]),
    );
  });
});
