/**
 * Bad configuration and misspelt options, as a user meets them: `failover plan`
 * and `failover controller` as child processes exit 2 and name the file, line
 * and field (a representative part of the loader's table in
 * test/unit/config-broken.test.ts), before touching any provider.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKEN_CONFIGS, expectedPattern, VALID } from '../support/broken-configs.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/failover.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function failover(args: string[]): Promise<Run> {
  return new Promise((done) => {
    // No timeout of our own: under load a start-up can take long, and vitest's test timeout bounds the whole.
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
    });
  });
}

/** Run at most `limit` at once: each child loads tsx and the CLI, which is CPU-heavy. */
async function pooled<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

const CLI_CASES = [
  'static A record that is not an address',
  'CNAME with two values',
  'CNAME at a name that also has a service',
  'duplicate vantage point ids',
  'health URL with the file: scheme',
  'two targets with the same address',
  'YAML alias bomb',
  'empty file',
  'misspelt nested key (wrong case)',
];

describe('configuration errors through the CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'config-cli-errors-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('plan and controller exit 2 naming file:line:col: field for each broken configuration', { timeout: 240_000 }, async () => {
    const cases = CLI_CASES.map((name, i) => {
      const c = BROKEN_CONFIGS.find((b) => b.name === name);
      if (!c) throw new Error(`no case named ${name}`);
      // Alternate between the two commands that load a configuration.
      return { c, file: join(dir, `cli-${i}.yaml`), command: i % 2 === 0 ? 'plan' : 'controller' };
    });
    await Promise.all(cases.map(({ c, file }) => writeFile(file, c.text)));
    const runs = await pooled(cases, 3, ({ file, command }) => failover([command, '--config', file]));
    runs.forEach((run, i) => {
      const { c, file, command } = cases[i]!;
      expect({ name: c.name, command, code: run.code }).toEqual({ name: c.name, command, code: 2 });
      expect(run.stderr).toMatch(expectedPattern(file, c));
      expect(run.stderr).toMatch(/^failover: invalid configuration in /);
      expect(run.stdout).toBe('');
    });
  });

  it('a missing file exits 2 and says the file does not exist', { timeout: 120_000 }, async () => {
    const file = join(dir, 'nope.yaml');
    const [plan, controller] = await Promise.all([failover(['plan', '--config', file]), failover(['controller', '--config', file])]);
    for (const run of [plan, controller]) {
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${file}: cannot read the configuration file: no such file; expected the path of a YAML file (ENOENT)`);
      expect(run.stderr).not.toContain('(top level)');
    }
  });

  it('a misspelt option suggests the right one instead of calling --config missing', { timeout: 120_000 }, async () => {
    const file = join(dir, 'valid.yaml');
    await writeFile(file, VALID);
    const [plan, controller, missing, planMissing] = await Promise.all([
      failover(['plan', '--confg', file]),
      failover(['controller', '--confg', file]),
      failover(['controller']),
      failover(['plan']),
    ]);
    for (const run of [plan, controller]) {
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("error: unknown option '--confg'\n(Did you mean --config?)");
      expect(run.stderr).not.toContain('required option');
    }
    // With no misspelling, a missing --config is still reported as such.
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("error: required option '--config <file>' not specified");
    // plan takes --config or --demo, and says so.
    expect(planMissing.code).toBe(2);
    expect(planMissing.stderr).toContain('expected --config <file> (or --demo');
  });
});
