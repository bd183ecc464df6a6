/**
 * The acceptance of the operator commands, as a user meets it: `failover demo`
 * runs as a process (free ports); from another process `failover drain aws
 * --reason test` moves traffic off AWS — every provider's nameserver, asked
 * with dig, answers another cloud — and the demo's audit log holds the drain
 * with its reason; `failover resume aws` brings AWS back on every nameserver.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DemoStateSchema } from '../../apps/topology/demo-state.js';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'demo-operator-'));
const run = promisify(execFile);
const AWS = '127.0.0.11';
let demo: ReturnType<typeof spawn> | undefined;

afterAll(async () => {
  if (demo && demo.exitCode === null && demo.signalCode === null) {
    const exited = new Promise((r) => demo!.once('exit', r));
    demo.kill('SIGINT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (demo.exitCode === null && demo.signalCode === null) demo.kill('SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
});

async function failover(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/failover.js', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '' },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** `dig +short` against one nameserver: what a resolver asking it gets. */
async function dig(port: number): Promise<string[]> {
  const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(port), 'app.example.test', 'A', '+short', '+time=2', '+tries=2']);
  return stdout.split('\n').filter((l) => l !== '');
}

describe('failover drain / resume against the demo as a process', () => {
  it('drain aws moves every nameserver off AWS and is in the audit log with its reason; resume aws brings it back', async () => {
    demo = spawn(process.execPath, ['bin/failover.js', 'demo', '--free-ports', '--no-traffic', '--state-dir', dir], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    demo.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
    demo.stderr!.setEncoding('utf8').on('data', (c: string) => (out += c));
    const start = Date.now();
    while (!out.includes('failover demo: running')) {
      expect(Date.now() - start, `the demo should come up:\n${out}`).toBeLessThan(90_000);
      expect(demo.exitCode, out).toBeNull();
      await new Promise((r) => setTimeout(r, 100));
    }
    const state = DemoStateSchema.parse(JSON.parse(readFileSync(join(dir, 'demo.json'), 'utf8')));
    const ports = [state.emulators.route53.dns.port, state.emulators.azure.dns.port, state.emulators.clouddns.dns.port];
    for (const port of ports) expect(await dig(port), `nameserver :${port}`).toEqual([AWS]);

    const drain = await failover(['drain', 'aws', '--reason', 'test', '--state-dir', dir]);
    expect(drain.stderr).toBe('');
    expect(drain.code).toBe(0);
    const moved = await Promise.all(ports.map(dig));
    for (const answer of moved) {
      expect(answer).toHaveLength(1);
      expect(answer).not.toContain(AWS);
      expect(answer).toEqual(moved[0]);
    }

    const auditFile = join(dir, 'audit.jsonl');
    expect(existsSync(auditFile)).toBe(true);
    const records = readFileSync(auditFile, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { kind: string; reason: string; actor: string; detail?: Record<string, unknown> });
    expect(records.filter((r) => r.kind === 'override')).toEqual([
      expect.objectContaining({ actor: 'operator', reason: 'drain aws: test', detail: { action: 'drain', cloud: 'aws' } }),
    ]);

    const resume = await failover(['resume', 'aws', '--reason', 'test done', '--state-dir', dir]);
    expect(resume.stderr).toBe('');
    expect(resume.code).toBe(0);
    for (const port of ports) expect(await dig(port), `nameserver :${port}`).toEqual([AWS]);
    expect(readFileSync(auditFile, 'utf8')).toContain('"reason":"undrain aws: test done"');
  }, 240_000);
});
