/**
 * `npm run test:stress`: the whole vitest suite while a CPU hog keeps every core
 * busy, as on a shared CI runner. Reports the wall time of each run; exits
 * non-zero if any run failed.
 *
 *   npm run test:stress                    one run, one hog per core
 *   npm run test:stress -- --runs 3        three runs in a row
 *   npm run test:stress -- --hogs 4 -- test/integration   extra vitest arguments after --
 *
 * The hogs are child processes spinning in a loop; each ends by itself after
 * --hog-max-s (so an interrupted run never leaves one behind for long) and is
 * killed, by its own pid, when the runs are over.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const ROOT = resolve(import.meta.dirname, '../..');

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '1' },
    hogs: { type: 'string', default: String(availableParallelism()) },
    'hog-max-s': { type: 'string', default: '3600' },
  },
});
const RUNS = Number(args.runs);
const HOGS = Number(args.hogs);
const HOG_MAX_MS = Number(args['hog-max-s']) * 1000;

/** A busy loop that checks the clock now and then and ends by itself at its deadline. */
const HOG_SOURCE = `const end = Date.now() + ${HOG_MAX_MS}; let x = 0; for (;;) { for (let i = 0; i < 1e7; i++) x = (x * 31 + i) | 0; if (Date.now() > end) break; }`;

function startHogs(n: number): ChildProcess[] {
  return Array.from({ length: n }, () => spawn(process.execPath, ['-e', HOG_SOURCE], { stdio: 'ignore' }));
}

function stopHogs(hogs: readonly ChildProcess[]): void {
  for (const hog of hogs) if (hog.exitCode === null && hog.signalCode === null) hog.kill('SIGKILL');
}

function runSuite(extra: readonly string[]): Promise<number> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [resolve(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', ...extra], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    child.on('exit', (code, signal) => done(code ?? (signal ? 128 : 1)));
  });
}

const hogs = startHogs(HOGS);
const onSignal = () => {
  stopHogs(hogs);
  process.exit(130);
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);

const results: { run: number; code: number; wallSeconds: number }[] = [];
try {
  for (let run = 1; run <= RUNS; run++) {
    process.stdout.write(`\ntest:stress: run ${run}/${RUNS} with ${HOGS} CPU hog(s) busy\n`);
    const started = performance.now();
    const code = await runSuite(positionals);
    results.push({ run, code, wallSeconds: Math.round((performance.now() - started) / 100) / 10 });
  }
} finally {
  stopHogs(hogs);
}
process.stdout.write(`\ntest:stress: ${HOGS} hog(s)\n`);
for (const r of results)
  process.stdout.write(`  run ${r.run}: ${r.code === 0 ? 'passed' : `FAILED (exit ${r.code})`} in ${r.wallSeconds} s\n`);
process.exitCode = results.every((r) => r.code === 0) ? 0 : 1;
