/**
 * `failover drill SCENARIO|all [--json FILE]`: run chaos scenarios, each on a
 * fresh local topology (free ports), print the figures and invariant checks,
 * and exit 1 when an invariant failed. Ctrl-C stops the running drill's
 * topology before exiting; a second Ctrl-C exits at once.
 */
import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { DrillReport } from '../../../src/drills/report.js';
import type { DrillSettingsInput } from '../../../src/drills/run-drill.js';
import { EXIT } from '../exit-codes.js';
import { CommandInputError, runCommand } from './plan.js';

/** 128 + SIGINT, what a shell reports for an interrupted command. */
const EXIT_INTERRUPTED = 130;

interface DrillCliOptions {
  json?: string;
  intervalMs?: number;
  fastIntervalMs?: number;
  timeoutMs?: number;
  rise?: number;
  fall?: number;
  dwellMs?: number;
  ttl?: number;
  rate?: number;
  failInvariant?: string;
}

const HELP = `
Scenarios (each on a fresh topology: 3 sample services, 3 DNS emulators, controller, traffic):
  cloud-outage           AWS stops answering; traffic moves to Azure
  dependency-dns-empty   AWS's dependency name resolves to nothing (the 20 Oct 2025 incident)
  control-plane-outage   AWS down and Route 53's API down; failover via Azure DNS and Cloud DNS
  race                   delayed writers race: naive last-writer-wins vs the product, side by side
  flapping               AWS toggles down/healthy; changes stay within what dwell allows
  all-down               every cloud down; fail open, never an empty answer
  partition              one vantage point loses AWS; no failover without a quorum
  recovery               AWS comes back; traffic returns after rise probes and the dwell
  all                    every scenario in turn, then one table

Figures: detect_ms, publish_ms per provider, rto_ms, client_error_window_ms,
client_errors, empty_answers, stale_writes_applied, api_calls per provider, and the
detection floor they are compared with. See docs/drills.md.

Defaults: probe every 1000 ms, timeout 500 ms, fall 3, rise 2, fast re-probe 500 ms,
dwell 3000 ms, TTL 1 s, 20 requests/s.

Exit codes: 0 every invariant held, 1 an invariant failed (or the drill could not
run), 2 bad arguments, 130 interrupted.

Examples:
  failover drill cloud-outage
  failover drill all --json drills.json`;

function integer(min: number, max: number) {
  return (text: string): number => {
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max)
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got '${text}'`);
    return Number(text);
  };
}

function settingsFrom(o: DrillCliOptions): DrillSettingsInput {
  const health = {
    ...(o.intervalMs !== undefined ? { intervalMs: o.intervalMs } : {}),
    ...(o.fastIntervalMs !== undefined ? { fastIntervalMs: o.fastIntervalMs } : {}),
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.rise !== undefined ? { rise: o.rise } : {}),
    ...(o.fall !== undefined ? { fall: o.fall } : {}),
  };
  return {
    ...(Object.keys(health).length > 0 ? { health } : {}),
    ...(o.dwellMs !== undefined ? { dwellMs: o.dwellMs } : {}),
    ...(o.ttl !== undefined ? { ttl: o.ttl } : {}),
    ...(o.rate !== undefined ? { trafficRate: o.rate } : {}),
  };
}

/** Aborts on the first SIGINT/SIGTERM; a second one exits at once. Returns a function that removes the handlers. */
function abortOnSignal(controller: AbortController): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
    process.stderr.write(`\n${signal}: stopping the drill's topology (again to exit at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

async function run(scenario: string, opts: DrillCliOptions): Promise<number> {
  // Loaded here: the topology pulls in the three SDKs, which other commands do not need.
  const [
    { runDrill, DrillAborted },
    { startTopology },
    { scenarioNamed, SCENARIOS, UnknownScenarioError },
    { formatReport, formatTable },
    { ConfigError },
  ] = await Promise.all([
    import('../../../src/drills/run-drill.js'),
    import('../../topology/topology.js'),
    import('../../../src/drills/scenarios/index.js'),
    import('../../../src/drills/report-format.js'),
    import('../../../src/config/load.js'),
  ]);
  let names: string[];
  try {
    names = scenario === 'all' ? SCENARIOS.map((s) => s.name) : [scenarioNamed(scenario).name];
  } catch (err) {
    if (err instanceof UnknownScenarioError) throw new CommandInputError(err.message);
    throw err;
  }

  const abort = new AbortController();
  const release = abortOnSignal(abort);
  const started = Date.now();
  const progress = (line: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}\n`);
  const reports: DrillReport[] = [];
  try {
    for (const name of names) {
      const report = await runDrill(name, {
        startTopology,
        settings: settingsFrom(opts),
        signal: abort.signal,
        progress,
        ...(opts.failInvariant !== undefined ? { forceFailure: opts.failInvariant } : {}),
      });
      reports.push(report);
      process.stdout.write(`${formatReport(report)}\n\n`);
    }
  } catch (err) {
    if (err instanceof DrillAborted) {
      process.stderr.write(`failover drill: interrupted; the topology was stopped\n`);
      return EXIT_INTERRUPTED;
    }
    if (err instanceof ConfigError) throw new CommandInputError(err.message);
    throw err;
  } finally {
    release();
  }
  if (reports.length > 1) process.stdout.write(`${formatTable(reports)}\n`);
  const ok = reports.every((r) => r.ok);
  if (opts.json !== undefined) {
    const body = reports.length === 1 ? reports[0] : { ok, drills: reports };
    await writeFile(opts.json, `${JSON.stringify(body, null, 2)}\n`);
  }
  return ok ? EXIT.ok : EXIT.failure;
}

export function registerDrill(program: Command): void {
  program
    .command('drill')
    .description('run a chaos scenario on a fresh local topology and report timings and invariants')
    .argument('<scenario>', 'a scenario name, or all')
    .option('--json <file>', 'also write the report as JSON')
    .addOption(new Option('--interval-ms <ms>', 'probe interval').argParser(integer(100, 600_000)))
    .addOption(new Option('--fast-interval-ms <ms>', 're-probe interval while suspect (≥ timeout)').argParser(integer(50, 600_000)))
    .addOption(new Option('--timeout-ms <ms>', 'probe timeout').argParser(integer(50, 60_000)))
    .addOption(new Option('--rise <n>', 'healthy probes in a row to come back').argParser(integer(1, 20)))
    .addOption(new Option('--fall <n>', 'failed probes in a row to go down').argParser(integer(1, 20)))
    .addOption(new Option('--dwell-ms <ms>', 'minimum time between two changes of the answer').argParser(integer(0, 86_400_000)))
    .addOption(new Option('--ttl <s>', 'TTL of the service record').argParser(integer(1, 86_400)))
    .addOption(new Option('--rate <n>', 'client requests per second').argParser(integer(1, 500)))
    // Shows a failing drill end to end (exit 1, topology stopped); used by the tests.
    .addOption(new Option('--fail-invariant <text>', 'add an invariant that fails').hideHelp())
    .addHelpText('after', HELP)
    .exitOverride()
    .action(async (scenario: string, opts: DrillCliOptions) => {
      await runCommand('drill', () => run(scenario, opts));
    });
}
