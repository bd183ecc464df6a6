/**
 * `failover apply`: the plan of `failover plan`, printed, confirmed, then
 * written to every provider in parallel with compare-and-swap writes. A
 * provider that does not answer is left out and reported; the others are
 * written anyway, so one cloud's control plane never holds up the rest (I5).
 */
import { createInterface } from 'node:readline/promises';
import { Option, type Command } from 'commander';
import { applyEverywhere } from '../../../src/controller/apply-everywhere.js';
import { describeOutcome } from '../../../src/controller/apply-outcome.js';
import type { ApplyOutcome } from '../../../src/controller/apply-outcome.js';
import { hasChanges } from '../../../src/controller/plan-round.js';
import { EXIT } from '../exit-codes.js';
import {
  CLI_PROVIDER_TIMEOUT_MS,
  closeAll,
  CommandInputError,
  computePlan,
  formatView,
  loadSetup,
  runCommand,
  setupOptions,
  sourceOf,
} from './plan.js';
import type { PlanView, Setup } from './plan.js';

interface ApplyOptions {
  config?: string;
  endpointsFile?: string;
  demo?: boolean;
  stateDir: string;
  force?: boolean;
  yes?: boolean;
}

async function confirmed(providers: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`\nApply these changes to ${providers}? Only 'yes' is accepted: `);
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}

function refusal(view: PlanView): string {
  const check = view.round.check;
  const messages = check.ok ? [] : check.violations.map((v) => v.message);
  return `refusing to apply, nothing was written:\n${messages.map((m) => `  ${m}`).join('\n')}`;
}

function results(outcome: ApplyOutcome): string {
  const lines = [`\nResults (generation ${outcome.generation}):`, ...outcome.providers.map((o) => `  ${describeOutcome(o)}`)];
  const behind = outcome.providers.filter((o) => o.status !== 'in-sync').map((o) => o.provider);
  const written = outcome.providers.filter((o) => o.status === 'in-sync').map((o) => o.provider);
  if (outcome.status === 'superseded' && outcome.superseded) {
    const s = outcome.superseded;
    lines.push(
      `Stopped: generation ${s.published} is already published for ${s.name} on ${s.provider} (this plan is ${s.planGeneration}); another writer is newer. Re-run 'failover plan' to see the current state.`,
    );
  } else if (behind.length > 0) {
    const others = written.length > 0 ? `${written.join(' and ')} ${written.length === 1 ? 'was' : 'were'} still written. ` : '';
    lines.push(
      `${behind.join(' and ')} ${behind.length === 1 ? 'is' : 'are'} OUT OF SYNC: ${others}Re-run 'failover apply' once ${behind.length === 1 ? 'it answers' : 'they answer'}; ${behind.length === 1 ? 'its' : 'their'} records stay as they were until then.`,
    );
  } else {
    lines.push(`All ${outcome.providers.length} providers are in sync.`);
  }
  return lines.join('\n');
}

async function run(opts: ApplyOptions, setup: Setup): Promise<number> {
  const view = await computePlan(setup, opts.force === true);
  process.stdout.write(`${formatView(setup, view)}\n`);
  if (!view.round.check.ok) {
    process.stderr.write(`failover apply: ${refusal(view)}\n`);
    return EXIT.failure;
  }
  if (!hasChanges(view.round)) {
    const down = view.unreachable.map((u) => u.provider);
    process.stdout.write(
      down.length > 0
        ? `\nNothing to apply on the providers that answered; ${down.join(' and ')} could not be read.\n`
        : '\nNothing to apply: every provider already serves the desired state.\n',
    );
    return down.length > 0 ? EXIT.failure : EXIT.ok;
  }
  if (opts.yes !== true) {
    if (!process.stdin.isTTY)
      throw new CommandInputError(
        'refusing to apply without confirmation: stdin is not a terminal; re-run with --yes to apply the plan above',
      );
    if (!(await confirmed(view.round.plans.map((p) => p.provider).join(', ')))) {
      process.stdout.write('Not applied.\n');
      return EXIT.failure;
    }
  }
  const { config, providers, target } = setup;
  const outcome = await applyEverywhere({
    providers,
    desired: target.desired,
    managedNames: target.managedNames,
    owner: config.owner,
    generation: view.generation,
    safety: {
      maxChangeShare: config.safety.maxChangeShare,
      minNamesForShareLimit: config.safety.minNamesForShareLimit,
      force: opts.force === true,
    },
    providerTimeoutMs: CLI_PROVIDER_TIMEOUT_MS,
    // Apply exactly what was shown; a conflict since then means re-read and re-plan.
    initialReads: view.reads,
  });
  process.stdout.write(`${results(outcome)}\n`);
  return outcome.status === 'in-sync' ? EXIT.ok : EXIT.failure;
}

const HELP = `
Prints the plan of 'failover plan', asks for confirmation (or takes --yes), then writes
every provider in parallel. Each write is conditional on what was read; a conflict is
re-read and re-planned, never forced. A provider that does not answer is reported out
of sync and the others are still written.

Exit codes: 0 every provider in sync, 1 refused by a safety check, a provider out of
sync, or not confirmed, 2 bad input (including no --yes when stdin is not a terminal).

Examples:
  failover apply --config failover.yaml
  failover apply --config failover.yaml --endpoints-file .failover/emulators/endpoints.json --yes
  failover apply --config failover.yaml --force --yes   # over the change-share limit
  failover apply --demo --yes                           # the running demo's providers and configuration

With --demo, apply writes beside the demo's own controller, which keeps deciding and
writing too; to steer a running controller use failover drain, pin or pause instead.`;

export function registerApply(program: Command): void {
  setupOptions(program.command('apply').description('apply a static desired state to every provider with compare-and-swap writes'))
    .addOption(
      new Option('--force', 'apply even if the plan changes more than safety.maxChangeShare of the managed names (lifts nothing else)'),
    )
    .addOption(new Option('--yes', 'do not ask for confirmation (required when stdin is not a terminal)'))
    .addHelpText('after', HELP)
    .action(async (opts: ApplyOptions) => {
      await runCommand('apply', async () => {
        const setup = await loadSetup(sourceOf(opts));
        try {
          return await run(opts, setup);
        } finally {
          await closeAll(setup.providers);
        }
      });
    });
}
