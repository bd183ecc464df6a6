/**
 * `failover plan`: what `failover apply` would change in each DNS provider, as
 * a dry run that never writes. Also the shared first half of `apply`: load the
 * configuration, build the adapters, read every provider, plan, check.
 */
import { providersFromEndpoints } from '../../../src/drills/emulator-endpoints.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { loadConfigFile } from '../../../src/config/load.js';
import { configSchema } from '../../../src/config/schema.js';
import type { FailoverConfig } from '../../../src/config/schema.js';
import { readAll } from '../../../src/controller/apply-everywhere.js';
import type { ProviderRead } from '../../../src/controller/apply-everywhere.js';
import { plainMessage } from '../../../src/controller/deadline.js';
import { hasChanges, namesToRead, planRound } from '../../../src/controller/plan-round.js';
import type { PlannedRound } from '../../../src/controller/plan-round.js';
import { staticDesired } from '../../../src/controller/static-desired.js';
import type { StaticDesired } from '../../../src/controller/static-desired.js';
import { canonicalName } from '../../../src/dns/record.js';
import {
  DEFAULT_STATE_DIR,
  DemoNotRunningError,
  DemoStateError,
  DemoStateSchema,
  readDemoState,
  type DemoState,
} from '../../topology/demo-state.js';
import { topologyConfig } from '../../../src/drills/topology-config.js';
import { EndpointsFileError, readEndpointsFile, type EndpointsFile } from '../../../src/emulators/endpoints.js';
import { formatPlan } from '../../../src/plan/format.js';
import { nextGeneration, publishedGenerations } from '../../../src/plan/generations.js';
import type { CallPolicy, DnsProvider, ProviderErrorKind, ProviderId } from '../../../src/providers/provider.js';
import { EXIT } from '../exit-codes.js';

/**
 * An interactive command gives up sooner than the controller: three attempts
 * per call, and each provider gets 30 s in all, so a dead API is reported in
 * seconds while a slow one still gets its chance.
 */
export const CLI_CALL_POLICY: Partial<CallPolicy> = { timeoutMs: 5_000, maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 2_000 };
export const CLI_PROVIDER_TIMEOUT_MS = 30_000;

/** Bad input found by the command itself (exit 2); configuration errors are ConfigErrors, handled by main. */
export class CommandInputError extends Error {
  override readonly name = 'CommandInputError';
}

export interface Setup {
  readonly config: FailoverConfig;
  readonly providers: readonly DnsProvider[];
  readonly target: StaticDesired;
}

export interface Unreachable {
  readonly provider: ProviderId;
  readonly kind: ProviderErrorKind;
  readonly message: string;
}

export interface PlanView {
  readonly reads: readonly ProviderRead[];
  readonly generation: number;
  readonly round: PlannedRound;
  readonly unreachable: readonly Unreachable[];
}

/** Where `plan` and `apply` take their configuration and providers from. */
export interface SetupSource {
  /** The controller configuration (YAML); with `demo`, optional: the demo's own configuration is used. */
  readonly config?: string;
  /** An emulators' endpoints file, or a running demo's demo.json: its emulators replace `providers`. */
  readonly endpointsFile?: string;
  /** The running demo's state directory: its emulators, and its configuration unless `config` is given. */
  readonly demo?: string;
}

/**
 * The emulators of an endpoints file, or of a demo's state file (its `emulators`
 * section has the endpoints file's shape), so either path works.
 */
async function emulatorsFrom(path: string): Promise<EndpointsFile> {
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    // readEndpointsFile says what is wrong with a file that cannot be read.
  }
  if (text !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (typeof json === 'object' && json !== null && 'emulators' in json && 'version' in json) {
      const demo = DemoStateSchema.safeParse(json);
      if (!demo.success)
        throw new CommandInputError(
          `${path} looks like a demo state file but is not one (${demo.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')})`,
        );
      return demo.data.emulators;
    }
  }
  return readEndpointsFile(path);
}

/** The configuration the running demo's controller uses: same services, targets and TTL. */
function demoConfig(demo: DemoState): FailoverConfig {
  return topologyConfig({
    endpoints: demo.emulators,
    serviceUrls: { aws: demo.clouds.aws.url, azure: demo.clouds.azure.url, gcp: demo.clouds.gcp.url },
    apiPort: Number(new URL(demo.api.url).port),
  });
}

export async function loadSetup(source: SetupSource): Promise<Setup> {
  const { config: configFile, endpointsFile, demo: stateDir } = source;
  if (endpointsFile !== undefined && stateDir !== undefined)
    throw new CommandInputError('--demo and --endpoints-file both name the providers; give one of them');
  let config: FailoverConfig;
  let endpoints: EndpointsFile | undefined;
  let endpointsFrom: string | undefined;
  if (stateDir !== undefined) {
    let demo: DemoState;
    try {
      demo = await readDemoState(stateDir);
    } catch (err) {
      if (err instanceof DemoNotRunningError || err instanceof DemoStateError) throw new CommandInputError(err.message);
      throw err;
    }
    config = configFile !== undefined ? loadConfigFile(configFile, configSchema) : demoConfig(demo);
    endpoints = demo.emulators;
    endpointsFrom = join(stateDir, 'demo.json');
  } else {
    if (configFile === undefined)
      throw new CommandInputError("expected --config <file> (or --demo for the running demo's own configuration)");
    config = loadConfigFile(configFile, configSchema);
    if (endpointsFile !== undefined) {
      endpoints = await emulatorsFrom(endpointsFile);
      endpointsFrom = endpointsFile;
    }
  }
  if (endpoints !== undefined) {
    if (canonicalName(endpoints.zone) !== canonicalName(config.zone)) {
      throw new CommandInputError(
        `${endpointsFrom} is for zone ${endpoints.zone}, but ${configFile ?? 'the configuration'} manages zone ${config.zone}; start the emulators with --zone ${config.zone}`,
      );
    }
    config = { ...config, providers: providersFromEndpoints(endpoints) };
  }
  // Loaded here, not at start-up: the three SDKs take a while, and every other command would pay for them.
  const { createProviders } = await import('../../../src/providers/index.js');
  const providers = createProviders(config.providers, { zone: config.zone, policy: CLI_CALL_POLICY });
  return { config, providers, target: staticDesired(config) };
}

export async function computePlan(setup: Setup, force: boolean): Promise<PlanView> {
  const { config, providers, target } = setup;
  const reads = await readAll(providers, namesToRead(target.desired, target.managedNames), CLI_PROVIDER_TIMEOUT_MS);
  const states = reads.flatMap((r) => (r.ok ? [r.state] : []));
  const unreachable = reads.flatMap((r) => (r.ok ? [] : [{ provider: r.provider.id, kind: r.error.kind, message: plainMessage(r.error) }]));
  const generation = nextGeneration(publishedGenerations(states, config.owner));
  const round = planRound(states, {
    desired: target.desired,
    owner: config.owner,
    generation,
    managedNames: target.managedNames,
    safety: { maxChangeShare: config.safety.maxChangeShare, minNamesForShareLimit: config.safety.minNamesForShareLimit, force },
  });
  return { reads, generation, round, unreachable };
}

export function formatView(setup: Setup, view: PlanView): string {
  const { config, target } = setup;
  const lines = [
    `Plan for zone ${config.zone.replace(/\.$/, '')} (owner ${config.owner}, generation ${view.generation}, ${target.managedNames.length} managed names)`,
    '',
  ];
  if (view.round.plans.length > 0) lines.push(formatPlan(view.round.plans));
  for (const u of view.unreachable)
    lines.push(`${u.provider}: NOT REACHABLE (${u.kind}): ${u.message}; not planned, it stays as it is until it answers`);
  lines.push(
    view.round.check.ok
      ? 'Safety checks: passed'
      : `Safety checks: REFUSED\n${view.round.check.violations.map((v) => `  [${v.invariant}] ${v.message}`).join('\n')}`,
  );
  return lines.join('\n');
}

function asJson(setup: Setup, view: PlanView): unknown {
  return {
    zone: canonicalName(setup.config.zone),
    owner: setup.config.owner,
    generation: view.generation,
    pending: hasChanges(view.round),
    providers: setup.providers.map((p) => {
      const plan = view.round.plans.find((x) => x.provider === p.id);
      const down = view.unreachable.find((u) => u.provider === p.id);
      return plan
        ? { provider: p.id, reachable: true, plan }
        : { provider: p.id, reachable: false, error: { kind: down?.kind, message: down?.message } };
    }),
    safety: view.round.check.ok ? { ok: true, violations: [] } : { ok: false, violations: view.round.check.violations },
  };
}

/** Exit code of `plan`: 1 refused or unreachable, 3 changes pending, 0 nothing to do. */
export function planExitCode(view: PlanView): number {
  if (!view.round.check.ok || view.unreachable.length > 0 || view.round.superseded !== undefined) return EXIT.failure;
  return hasChanges(view.round) ? EXIT.changesPending : EXIT.ok;
}

/** Close every adapter (one failing to close does not keep the others open). */
export async function closeAll(providers: readonly DnsProvider[]): Promise<void> {
  await Promise.allSettled(providers.map((p) => p.close()));
}

/** Runs a command body; its own bad-input errors exit 2 with their message, the rest go to main. */
export async function runCommand(name: string, body: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await body();
  } catch (err) {
    if (err instanceof EndpointsFileError || err instanceof CommandInputError) {
      process.stderr.write(`failover ${name}: ${err.message}\n`);
      process.exitCode = EXIT.badInput;
      return;
    }
    throw err;
  }
}

interface PlanOptions {
  config?: string;
  endpointsFile?: string;
  demo?: boolean;
  stateDir: string;
  json?: boolean;
}

/** The setup source of `plan`/`apply` options. */
export function sourceOf(opts: { config?: string; endpointsFile?: string; demo?: boolean; stateDir: string }): SetupSource {
  return {
    ...(opts.config !== undefined ? { config: opts.config } : {}),
    ...(opts.endpointsFile !== undefined ? { endpointsFile: opts.endpointsFile } : {}),
    ...(opts.demo === true ? { demo: opts.stateDir } : {}),
  };
}

/** --config, --endpoints-file, --demo and --state-dir, shared by plan and apply. */
export function setupOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--config <file>', 'controller configuration (YAML); optional with --demo'))
    .addOption(
      new Option(
        '--endpoints-file <file>',
        "use local emulators: the file 'failover emulators --endpoints-file' wrote, or a running demo's .failover/demo.json",
      ),
    )
    .addOption(new Option('--demo', 'the running demo: its emulators, and its own configuration unless --config is given'))
    .option('--state-dir <dir>', "the running demo's state directory (with --demo)", DEFAULT_STATE_DIR);
}

const HELP = `
Reads every provider, plans the desired state (the static records, and each service's
answer with all targets healthy) and runs the safety checks. Never writes.

Exit codes: 0 nothing to change, 3 changes pending, 1 a safety check refused the plan
or a provider did not answer, 2 bad input.

Examples:
  failover plan --config failover.yaml
  failover plan --config failover.yaml --endpoints-file .failover/emulators/endpoints.json --json
  failover plan --demo                       # the running demo (npm run demo), its own configuration
  failover plan --config docs/examples/local.yaml --endpoints-file .failover/demo.json`;

export function registerPlan(program: Command): void {
  setupOptions(program.command('plan').description('show what would change in each DNS provider (dry run)'))
    .addOption(new Option('--json', 'print the plan as JSON'))
    .addHelpText('after', HELP)
    .action(async (opts: PlanOptions) => {
      await runCommand('plan', async () => {
        const setup = await loadSetup(sourceOf(opts));
        try {
          const view = await computePlan(setup, false);
          process.stdout.write(`${opts.json ? JSON.stringify(asJson(setup, view), null, 2) : formatView(setup, view)}\n`);
          return planExitCode(view);
        } finally {
          await closeAll(setup.providers);
        }
      });
    });
}
