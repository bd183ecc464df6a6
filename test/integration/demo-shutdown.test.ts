/**
 * `failover demo` stops on SIGTERM: the whole topology (emulators, sample
 * services, controller, traffic) shuts down, demo.json is removed and the
 * process exits 0 on its own (nothing left holding it).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const stateDir = mkdtempSync(join(tmpdir(), 'demo-shutdown-'));

afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

describe('failover demo', () => {
  it('stops everything on SIGTERM, removes demo.json and exits 0', async () => {
    const child = spawn(process.execPath, ['bin/failover.js', 'demo', '--free-ports', '--state-dir', stateDir], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const until = performance.now() + 60_000;
      while (!stdout.includes('failover demo: running') && child.exitCode === null && performance.now() < until)
        await new Promise((r) => setTimeout(r, 50));
      expect(stdout, stderr).toContain('failover demo: running');
      expect(existsSync(join(stateDir, 'demo.json'))).toBe(true);
      // Let the controller publish and the traffic flow for a moment, then stop it mid-run.
      await new Promise((r) => setTimeout(r, 1_500));
      child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 20_000))]);
      expect(code, stderr).toBe(0);
      expect(stdout).toContain('failover demo: SIGTERM: stopping everything');
      expect(stdout).toContain('failover demo: stopped');
      expect(existsSync(join(stateDir, 'demo.json'))).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 90_000);
});
