/**
 * Configurations that validate but could never work must be refused by the loader,
 * each naming the file, the line and the field (issue: configs that cannot be
 * half-valid). The CLI's exit code for the same table is in
 * test/integration/config-cli-errors.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, parseConfig } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
import { BROKEN_CONFIGS, expectedLine, expectedPattern, VALID } from '../support/broken-configs.js';

const dir = mkdtempSync(join(tmpdir(), 'config-broken-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function refusal(file: string): ConfigError {
  try {
    loadConfigFile(file, configSchema);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected ${file} to be refused`);
}

describe('broken configurations', () => {
  it('the base configuration of the table is valid', () => {
    expect(parseConfig(VALID, configSchema, 'valid.yaml').services[0]?.targets).toHaveLength(2);
  });

  it('has at least 20 cases', () => {
    expect(BROKEN_CONFIGS.length).toBeGreaterThanOrEqual(20);
  });

  it.each(BROKEN_CONFIGS.map((c, i) => [c.name, c, i] as const))('%s', (_name, c, i) => {
    const file = join(dir, `broken-${i}.yaml`);
    writeFileSync(file, c.text);
    const err = refusal(file);
    expect(err.source).toBe(file);
    const problem = err.problems.find((p) => p.path === (c.field === '(top level)' ? '' : c.field));
    expect(problem, `${c.field} in ${err.message}`).toBeDefined();
    expect(problem?.line).toBe(expectedLine(c));
    expect(problem?.message).toContain(c.message);
    expect(err.message).toMatch(expectedPattern(file, c));
  });

  it('a missing file is named with the reason, not as a problem of the top level', () => {
    const file = join(dir, 'does-not-exist.yaml');
    const err = refusal(file);
    expect(err.message).toBe(
      `invalid configuration in ${file} (1 problem):\n  ${file}: cannot read the configuration file: no such file; expected the path of a YAML file (ENOENT)`,
    );
  });

  it('a directory given as the file is named as such', () => {
    expect(refusal(dir).message).toContain(`${dir}: cannot read the configuration file: it is a directory; expected a YAML file (EISDIR)`);
  });

  it('accepts a CNAME alone at its name, TXT strings of exactly 255 bytes and several addresses per static A record', () => {
    const text = `${VALID}records:
  - { name: alias.example.test, type: CNAME, values: [target.example.net.] }
  - { name: txt.example.test, type: TXT, values: ["${'y'.repeat(255)}", '"${'z'.repeat(255)}" "more"'] }
  - { name: multi.example.test, type: A, values: [192.0.2.7, 192.0.2.8] }
health:
  vantagePoints: [{ id: vp-1 }, { id: vp-2 }]
`;
    const config = parseConfig(text, configSchema, 'ok.yaml');
    expect(config.records.map((r) => r.type)).toEqual(['CNAME', 'TXT', 'A']);
  });
});
