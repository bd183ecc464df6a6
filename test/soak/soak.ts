/**
 * `npm run soak`: many failovers in a row against the local topology while the
 * controller process is killed (SIGKILL) or stopped (SIGTERM) at random points
 * and restarted. Not part of `npm test`: it takes minutes.
 *
 * The emulators and two sample services (AWS, Azure) run in this process; the
 * controller is a real `failover controller` child. Each cycle breaks or heals
 * AWS, so the answer moves AWS → Azure or back, then signals the controller at
 * a random moment and starts a new one. Measured:
 *
 * - audit completeness: every change an emulator committed to the service's
 *   ownership record (provider, generation) must have its record in the audit
 *   log (`provider-write`, or a `write` naming the provider as ok);
 * - empty answers: a poller asks all three nameservers every 20 ms throughout;
 * - convergence: fault → all three nameservers answer the new target.
 *
 * A SIGTERM that does not end the process within --stop-timeout-ms is escalated
 * to SIGKILL and counted as a hang.
 *
 *   npm run soak -- --cycles 50 --seed 7
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startSampleService, type SampleService } from '../../apps/sample-service/index.js';
import { ownershipName, parseOwnership } from '../../src/dns/ownership.js';
import { DnsPoller } from '../../src/drills/dns-poller.js';
import { startEmulators, writeEndpointsFile, type EmulatorKind } from '../../src/emulators/index.js';
import { readAuditLog } from '../../src/observability/audit-log.js';
import { silentLogger } from '../../src/observability/logger.js';

const ROOT = resolve(import.meta.dirname, '../..');
const PROVIDERS: readonly EmulatorKind[] = ['route53', 'azure', 'clouddns'];
const HOSTS = { aws: '127.0.0.11', azure: '127.0.0.12' } as const;
/** A commit this close before a SIGKILL counts as in flight at the kill (the process got no acknowledgement). */
const IN_FLIGHT_MS = 2000;

const { values: args } = parseArgs({
  options: {
    cycles: { type: 'string', default: '50' },
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    'kill-window-ms': { type: 'string', default: '3000' },
    'stop-timeout-ms': { type: 'string', default: '15000' },
    'converge-timeout-ms': { type: 'string', default: '60000' },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const CYCLES = Number(args.cycles);
const SEED = Number(args.seed);
const KILL_WINDOW_MS = Number(args['kill-window-ms']);
const STOP_TIMEOUT_MS = Number(args['stop-timeout-ms']);
const CONVERGE_TIMEOUT_MS = Number(args['converge-timeout-ms']);

/** mulberry32: a seeded PRNG, so a run can be repeated with --seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(SEED);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function freePort(host: string): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, host, r));
  const address = probe.address();
  await new Promise<void>((r) => probe.close(() => r()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Committed {
  readonly provider: EmulatorKind;
  readonly generation: number;
  readonly addresses: readonly string[];
  readonly at: number;
}

interface CycleResult {
  readonly cycle: number;
  readonly expected: string;
  readonly signal: 'SIGKILL' | 'SIGTERM';
  readonly signalAfterMs: number;
  /** How the process ended: exit code, the signal that ended it, or `hang` (SIGTERM escalated). */
  readonly ended: string;
  readonly stopMs: number;
  readonly convergedMs: number | null;
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'failover-soak-'));
  const auditPath = join(dir, 'audit.jsonl');
  const configPath = join(dir, 'failover.yaml');
  const endpointsPath = join(dir, 'endpoints.json');
  const controllerLog = createWriteStream(join(dir, 'controller.log'));
  process.stdout.write(`soak: ${CYCLES} cycles, seed ${SEED}, files in ${dir}\n`);

  const emulators = await startEmulators({ freePorts: true });
  const service = `app.${emulators.zone.replace(/\.$/, '')}`;
  const port = await freePort(HOSTS.aws);
  const services: Record<keyof typeof HOSTS, SampleService> = {
    aws: await startSampleService(
      { cloud: 'aws', region: 'aws-1', instanceId: 'aws-1', host: HOSTS.aws, port, chaos: { enabled: true, token: 'soak-chaos-token' } },
      { logger: silentLogger() },
    ),
    azure: await startSampleService(
      {
        cloud: 'azure',
        region: 'azure-1',
        instanceId: 'azure-1',
        host: HOSTS.azure,
        port,
        chaos: { enabled: true, token: 'soak-chaos-token' },
      },
      { logger: silentLogger() },
    ),
  };
  await writeEndpointsFile(endpointsPath, emulators.endpoints());
  writeFileSync(
    configPath,
    JSON.stringify({
      owner: 'soak',
      zone: emulators.zone,
      providers: { route53: { hostedZoneId: 'replaced-by-the-endpoints-file' } },
      services: [
        {
          name: service,
          ttl: 1,
          targets: [
            { id: 'aws', cloud: 'aws', address: HOSTS.aws, healthUrl: `${services.aws.url}/readyz`, priority: 10 },
            { id: 'azure', cloud: 'azure', address: HOSTS.azure, healthUrl: `${services.azure.url}/readyz`, priority: 20 },
          ],
        },
      ],
      health: { intervalMs: 400, fastIntervalMs: 200, timeoutMs: 200, rise: 2, fall: 3 },
      routing: { dwellMs: 300 },
      auditLog: auditPath,
    }),
  );

  // What every emulator committed to the ownership record: the writes it acknowledged.
  const committed: Committed[] = [];
  const ownership = ownershipName(service);
  for (const provider of PROVIDERS) {
    const store = emulators[provider].store;
    const zone = store.zonesByName(emulators.zone)[0];
    if (zone === undefined) throw new Error(`no zone in the ${provider} emulator`);
    let last: string | undefined;
    store.on('change', () => {
      const records = [...(store.getZone(zone.id)?.records.values() ?? [])];
      const txt = records.find((r) => r.name === ownership && r.type === 'TXT')?.values[0];
      if (txt === undefined || txt === last) return;
      last = txt;
      const parsed = parseOwnership({ name: ownership, type: 'TXT', ttl: 300, values: [txt] });
      if (!parsed.ok) throw new Error(`${provider}: unreadable ownership record ${txt}`);
      const a = records.find((r) => r.name === `${service}.` && r.type === 'A');
      committed.push({
        provider,
        generation: parsed.ownership.generation,
        addresses: [...(a?.values ?? [])].sort(),
        at: performance.now(),
      });
    });
  }

  let child: ChildProcess | undefined;
  const running = new WeakSet<ChildProcess>();
  /** Wait until `c` runs its loop, so a cycle's signal lands in detection or a publish, not in start-up. */
  const untilRunning = async (c: ChildProcess): Promise<number> => {
    const started = performance.now();
    while (!running.has(c) && performance.now() - started < CONVERGE_TIMEOUT_MS) await sleep(50);
    return Math.round(performance.now() - started);
  };
  const startController = () => {
    const c = spawn(
      process.execPath,
      ['bin/failover.js', 'controller', '--config', configPath, '--endpoints-file', endpointsPath, '--api-port', '0'],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          LOG_LEVEL: 'info',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          METADATA_SERVER_DETECTION: 'none',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    c.stdout?.pipe(controllerLog, { end: false });
    // Running once it logs so (after its start-up read of every provider).
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen = (seen + chunk.toString('utf8')).slice(-4096);
      if (seen.includes('"msg":"controller running"')) {
        running.add(c);
        c.stdout?.off('data', onData);
      }
    };
    c.stdout?.on('data', onData);
    c.stderr?.pipe(controllerLog, { end: false });
    child = c;
    return c;
  };
  const exited = (c: ChildProcess) =>
    c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => c.once('exit', () => r()));

  /** Signal the controller; SIGTERM escalates to SIGKILL after STOP_TIMEOUT_MS. */
  const kills: number[] = [];
  const stopController = async (c: ChildProcess, signal: 'SIGKILL' | 'SIGTERM'): Promise<{ ended: string; stopMs: number }> => {
    const started = performance.now();
    if (signal === 'SIGKILL') kills.push(started);
    c.kill(signal);
    const inTime = await Promise.race([
      exited(c).then(() => true),
      sleep(signal === 'SIGKILL' ? 30_000 : STOP_TIMEOUT_MS).then(() => false),
    ]);
    if (!inTime) {
      kills.push(performance.now());
      c.kill('SIGKILL');
      await exited(c);
      return { ended: 'hang', stopMs: Math.round(performance.now() - started) };
    }
    return { ended: c.signalCode ?? `exit ${c.exitCode}`, stopMs: Math.round(performance.now() - started) };
  };

  const nameservers = PROVIDERS.map((p) => ({ provider: p, host: emulators[p].dns.host, port: emulators[p].dns.port }));
  const poller = new DnsPoller({
    servers: nameservers,
    name: service,
    intervalMs: 20,
    now: () => performance.now(),
    maxDurationMs: 24 * 3600_000,
  });
  /** Wait until every nameserver answers exactly [address]; the time (performance.now) it first did, after `since`. */
  const converged = async (address: string, since: number): Promise<number | null> => {
    const until = performance.now() + CONVERGE_TIMEOUT_MS;
    while (performance.now() < until) {
      const at = poller.firstTimeAllServe([address], since);
      if (at !== undefined) return at;
      await sleep(50);
    }
    return null;
  };

  const results: CycleResult[] = [];
  let exitCode = 0;
  try {
    startController();
    poller.start();
    // The poller starts before the first publish: empty answers are only counted from the first convergence on.
    const first = await converged(HOSTS.aws, 0);
    if (first === null)
      throw new Error(`the first answer was not served everywhere within ${CONVERGE_TIMEOUT_MS} ms; see ${dir}/controller.log`);
    const emptyBefore = Object.fromEntries(PROVIDERS.map((p) => [p, poller.emptyAnswers(p)]));

    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      await untilRunning(child!);
      const expected = cycle % 2 === 1 ? HOSTS.azure : HOSTS.aws;
      const signal = random() < 0.5 ? 'SIGKILL' : 'SIGTERM';
      const signalAfterMs = Math.round(random() * KILL_WINDOW_MS);
      const faultAt = performance.now();
      await services.aws.setChaos(expected === HOSTS.azure ? 'down' : 'healthy');
      await sleep(signalAfterMs);
      const { ended, stopMs } = await stopController(child!, signal);
      startController();
      const at = await converged(expected, faultAt);
      const convergedMs = at === null ? null : Math.round(at - faultAt);
      results.push({ cycle, expected, signal, signalAfterMs, ended, stopMs, convergedMs });
      process.stdout.write(
        `cycle ${String(cycle).padStart(3)}: → ${expected}  ${signal.padEnd(7)} after ${String(signalAfterMs).padStart(4)} ms, ended ${ended.padEnd(9)} in ${String(stopMs).padStart(5)} ms; ` +
          `${convergedMs === null ? 'NOT converged' : `converged in ${convergedMs} ms`}\n`,
      );
      // Let the new controller settle (its start-up read) before the next fault; the next cycle's dwell starts here.
      await sleep(500);
    }
    await untilRunning(child!);
    const last = await stopController(child!, 'SIGTERM');
    await poller.stop();

    const records = (await readAuditLog(auditPath)).records;
    const inAudit = (c: Committed) =>
      records.some(
        (r) =>
          r.generation === c.generation &&
          ((r.kind === 'provider-write' && (r.detail?.provider === c.provider || r.providers?.some((p) => p.provider === c.provider))) ||
            (r.kind === 'write' && r.providers?.some((p) => p.provider === c.provider && p.result === 'ok'))),
      );
    const missing = committed.filter((c) => !inAudit(c));
    // A change the emulator committed while the controller was being SIGKILLed: its acknowledgement never
    // reached the process, so the controller never acknowledged it either. Counted apart from the rest.
    const inFlightAtKill = (c: Committed) => kills.some((k) => k >= c.at - 50 && k - c.at <= IN_FLIGHT_MS);
    const missingAcknowledged = missing.filter((c) => !inFlightAtKill(c));
    const missingInFlight = missing.filter(inFlightAtKill);
    const times = results.flatMap((r) => (r.convergedMs === null ? [] : [r.convergedMs])).sort((a, b) => a - b);
    // Before the first publish the name does not exist yet: only answers after the first convergence count.
    const empty = Object.fromEntries(PROVIDERS.map((p) => [p, poller.emptyAnswers(p) - (emptyBefore[p] ?? 0)]));
    const emptyAfterStart = Object.values(empty).reduce((a, b) => a + b, 0);
    const summary = {
      cycles: results.length,
      seed: SEED,
      converged: times.length,
      not_converged: results.length - times.length,
      convergence_ms: { p50: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1) ?? null },
      signals: {
        SIGKILL: results.filter((r) => r.signal === 'SIGKILL').length,
        SIGTERM: results.filter((r) => r.signal === 'SIGTERM').length,
      },
      sigterm: {
        clean_exit: results.filter((r) => r.signal === 'SIGTERM' && r.ended === 'exit 0').length,
        // Default action: the signal came before the CLI had installed its handlers (start-up), nothing written yet.
        terminated_during_startup: results.filter((r) => r.signal === 'SIGTERM' && r.ended === 'SIGTERM').length,
        hangs_escalated_to_sigkill: results.filter((r) => r.ended === 'hang').length + (last.ended === 'hang' ? 1 : 0),
        other: results
          .filter((r) => r.signal === 'SIGTERM' && !['exit 0', 'hang', 'SIGTERM'].includes(r.ended))
          .map((r) => `${r.cycle}: ${r.ended}`),
        final_stop: last,
      },
      committed_writes: committed.length,
      audit_records: records.length,
      committed_writes_missing_from_audit: missingAcknowledged.length,
      missing: missingAcknowledged.map((m) => `${m.provider}@${m.generation} [${m.addresses.join(', ')}]`),
      committed_in_flight_at_sigkill_not_in_audit: missingInFlight.map((m) => `${m.provider}@${m.generation} [${m.addresses.join(', ')}]`),
      empty_answers: emptyAfterStart,
      empty_answers_by_provider: empty,
      polls: Object.fromEntries(PROVIDERS.map((p) => [p, poller.polls(p)])),
    };
    process.stdout.write(`\n${JSON.stringify(summary, null, 2)}\n`);
    if (args.json) writeFileSync(args.json, `${JSON.stringify({ summary, cycles: results }, null, 2)}\n`);
    if (missingAcknowledged.length > 0 || emptyAfterStart > 0 || summary.not_converged > 0) exitCode = 1;
  } finally {
    await poller.stop();
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(Object.values(services).map((s) => s.stop({ drainMs: 0, shutdownDelayMs: 0 })));
    await emulators.stop();
    controllerLog.end();
    if (!args.keep && exitCode === 0) rmSync(dir, { recursive: true, force: true });
    else process.stdout.write(`files kept in ${dir}\n`);
  }
  return exitCode;
}

process.exitCode = await main();
