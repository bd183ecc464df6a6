/**
 * infra/observability/alerts.yml as Prometheus reads it: `promtool check rules`
 * (syntax, PromQL, templates) and `promtool test rules` on alerts.test.yml,
 * where every alert must be tested both firing and not firing. promtool is
 * Debian's `prometheus` package (`.ci/run` installs it when missing); this test
 * fails, rather than skips, without it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const DIR = join(import.meta.dirname, '..', '..', 'infra', 'observability');
const run = promisify(execFile);

async function promtool(cwd: string, ...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('promtool', args, { cwd, timeout: 60_000 });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { code?: number | string; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') throw new Error("promtool is not installed: install Debian's 'prometheus' package (bash .ci/run does)");
    return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

interface RulesFile {
  groups: { name: string; rules: { alert?: string; expr: string }[] }[];
}
interface RuleTests {
  rule_files: string[];
  tests: { name: string; alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
}

const rules = parse(readFileSync(join(DIR, 'alerts.yml'), 'utf8')) as RulesFile;
const tests = parse(readFileSync(join(DIR, 'alerts.test.yml'), 'utf8')) as RuleTests;
const alerts = rules.groups.flatMap((g) => g.rules.flatMap((r) => (r.alert !== undefined ? [r.alert] : [])));

describe('alerting rules (promtool)', () => {
  it('has the alerts operators need', () => {
    expect(alerts.sort()).toEqual(
      [
        'FailoverControllerDown',
        'FailoverDriftFound',
        'FailoverFailOpen',
        'FailoverNotPublishing',
        'FailoverProviderOutOfSync',
        'FailoverVantageNoSuccessfulProbe',
      ].sort(),
    );
  });

  it('passes promtool check rules', async () => {
    const { code, output } = await promtool(DIR, 'check', 'rules', 'alerts.yml');
    expect(output).toContain('SUCCESS: 6 rules found');
    expect(code).toBe(0);
  });

  it('tests every alert firing and not firing, and promtool test rules passes', async () => {
    expect(tests.rule_files).toEqual(['alerts.yml']);
    const cases = tests.tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const alert of alerts) {
      const own = cases.filter((c) => c.alertname === alert);
      expect(
        own.some((c) => (c.exp_alerts ?? []).length > 0),
        `${alert} is never tested firing`,
      ).toBe(true);
      expect(
        own.some((c) => (c.exp_alerts ?? []).length === 0),
        `${alert} is never tested not firing`,
      ).toBe(true);
    }
    const { code, output } = await promtool(DIR, 'test', 'rules', 'alerts.test.yml');
    expect(output).toContain('SUCCESS');
    expect(code).toBe(0);
  });

  it('promtool test rules would catch a broken rule (the harness is not vacuous)', async () => {
    // The same tests against a copy whose fail-open rule never fires must fail.
    const tmp = mkdtempSync(join(tmpdir(), 'alerts-'));
    try {
      const broken = readFileSync(join(DIR, 'alerts.yml'), 'utf8').replace(
        'expr: max by (service) (failover_fail_open) == 1',
        'expr: max by (service) (failover_fail_open) == 2',
      );
      writeFileSync(join(tmp, 'alerts.yml'), broken);
      writeFileSync(join(tmp, 'alerts.test.yml'), readFileSync(join(DIR, 'alerts.test.yml'), 'utf8'));
      const result = await promtool(tmp, 'test', 'rules', 'alerts.test.yml');
      expect(result.code).not.toBe(0);
      expect(result.output).toContain('alertname: FailoverFailOpen');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
