import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditLog, readAuditLog } from '../../src/observability/audit-log.js';

const writer = fileURLToPath(new URL('./audit-crash-writer.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'audit-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run the writer until it has acknowledged `killAfter` records (counted from its start), SIGKILL it, and return every seq it acknowledged. */
function runAndKill(file: string, killAfter: number): Promise<{ acked: number[]; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: number[] = [];
    let buffered = '';
    let stderr = '';
    let seen = 0;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? ''; // only whole lines are acknowledgements
      for (const line of lines) {
        const m = /^ack (\d+)$/.exec(line);
        if (m === null) continue;
        acked.push(Number(m[1]));
        seen += 1;
        if (seen === killAfter) child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited with ${code ?? signal}: ${stderr}`));
      else resolve({ acked, signal });
    });
  });
}

describe('audit log survives kill -9', () => {
  it('keeps every acknowledged record, and the file stays valid JSON lines, across repeated crashes', async () => {
    const file = join(dir, 'audit.jsonl');
    const allAcked: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      // A different, random moment each round.
      const { acked } = await runAndKill(file, 50 + Math.floor(Math.random() * 400));
      expect(acked.length).toBeGreaterThan(0);
      allAcked.push(...acked);
    }

    // Reading tolerates a torn tail (if the kill landed inside a write) and finds every acknowledged seq.
    const read = await readAuditLog(file);
    expect(read.problems).toEqual([]);
    const seqs = new Set(read.records.map((r) => r.seq));
    const missing = allAcked.filter((s) => !seqs.has(s));
    expect(missing).toEqual([]);
    // seq continued across restarts: strictly increasing, no duplicates.
    const ordered = read.records.map((r) => r.seq);
    expect(ordered).toEqual([...ordered].sort((a, b) => a - b));
    expect(new Set(ordered).size).toBe(ordered.length);

    // Opening repairs any torn tail; then every line of the file parses.
    AuditLog.open(file).close();
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(lines.length).toBeGreaterThanOrEqual(allAcked.length);
  });
});
