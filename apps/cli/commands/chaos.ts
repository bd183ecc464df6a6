/**
 * `failover chaos TARGET ACTION`: break or heal part of the running demo from
 * another terminal. A cloud's action goes to that sample service's own chaos
 * listener (with the chaos token); a DNS provider's to the emulators' admin
 * API. Both are found in the demo's state file (.failover/demo.json).
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import {
  applyRemoteCloudChaos,
  applyRemoteProviderChaos,
  ChaosArgumentError,
  ChaosRequestFailed,
  chaosChoices,
  parseChaosCommand,
  PROVIDER_TARGET_NAMES,
  type ChaosCommand,
} from '../../../src/drills/chaos.js';
import { DEFAULT_STATE_DIR, DemoNotRunningError, DemoStateError, readDemoState } from '../../topology/demo-state.js';
import { EXIT } from '../exit-codes.js';
import { CommandInputError, runCommand } from './plan.js';

interface ChaosCliOptions {
  stateDir: string;
  delayMs?: number;
}

const HELP = `
Targets and actions:
  aws | azure | gcp (clouds: the sample service there)
    down                   the service refuses connections
    blackhole              connections are accepted, nothing is ever answered
    slow                   every answer is delayed (--delay-ms, default 1000)
    error                  GET / answers 500 and /readyz 503
    dependency-dns-empty   its dependency's name resolves to nothing (20 October 2025)
    heal                   back to healthy

  route53 | azuredns | clouddns (DNS providers; also route-53, azure-dns, cloud-dns)
    api-down               its control plane refuses connections (writes fail)
    dns-down               its nameserver stops answering
    throttle               every API call is throttled
    heal                   every fault cleared

Examples:
  failover chaos aws down
  failover chaos aws slow --delay-ms 2000
  failover chaos route53 api-down
  failover chaos azure-dns heal

Needs a running 'failover demo' (npm run demo); it finds it through .failover/demo.json.`;

function delay(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 600_000)
    throw new InvalidArgumentError(`expected milliseconds from 0 to 600000, got '${text}'`);
  return Number(text);
}

/** What the change means, in a sentence. */
function effect(cmd: ChaosCommand, url: string): string {
  if (cmd.kind === 'provider') {
    const name = PROVIDER_TARGET_NAMES[cmd.provider][0];
    switch (cmd.action) {
      case 'api-down':
        return `${name}: API down — writes to it fail; the controller keeps writing to the other providers and reconciles ${name} when it is back`;
      case 'dns-down':
        return `${name}: nameserver down — resolvers ask the other providers' nameservers`;
      case 'throttle':
        return `${name}: every API call throttled — the controller backs off and retries`;
      case 'heal':
        return `${name}: healed — every fault cleared`;
    }
  }
  switch (cmd.mode) {
    case 'healthy':
      return `${cmd.cloud}: healthy again (${url})`;
    case 'down':
      return `${cmd.cloud}: down — ${url} refuses connections; watch the controller move the answer away`;
    case 'blackhole':
      return `${cmd.cloud}: blackhole — ${url} accepts connections and never answers`;
    case 'slow':
      return `${cmd.cloud}: slow — every answer from ${url} waits ${cmd.delayMs ?? 1000} ms`;
    case 'error':
      return `${cmd.cloud}: error — ${url} answers 500 and its /readyz 503`;
    case 'dependency-dns-empty':
      return `${cmd.cloud}: its dependency's name now resolves to no addresses — /readyz 503 while the process stays alive`;
  }
}

async function run(target: string, action: string, opts: ChaosCliOptions): Promise<number> {
  let cmd: ChaosCommand;
  try {
    cmd = parseChaosCommand(target, action, opts.delayMs !== undefined ? { delayMs: opts.delayMs } : {});
  } catch (err) {
    if (err instanceof ChaosArgumentError)
      throw new CommandInputError(`${err.message} (choices: ${chaosChoices()}; see failover chaos --help)`);
    throw err;
  }
  try {
    const demo = await readDemoState(opts.stateDir);
    if (cmd.kind === 'cloud') {
      const cloud = demo.clouds[cmd.cloud];
      await applyRemoteCloudChaos(cloud, cmd.mode, cmd.delayMs);
      process.stdout.write(`${effect(cmd, cloud.url)}\n`);
    } else {
      await applyRemoteProviderChaos(demo.emulators.admin.endpoint, cmd.provider, cmd.action);
      process.stdout.write(`${effect(cmd, demo.emulators.admin.endpoint)}\n`);
    }
    return EXIT.ok;
  } catch (err) {
    if (err instanceof DemoNotRunningError || err instanceof DemoStateError || err instanceof ChaosRequestFailed) {
      process.stderr.write(`failover chaos: ${err.message}\n`);
      return EXIT.failure;
    }
    throw err;
  }
}

export function registerChaos(program: Command): void {
  program
    .command('chaos')
    .description('break or heal a local cloud or DNS provider of the running demo')
    .argument('<target>', 'aws | azure | gcp | route53 | azuredns (azure-dns) | clouddns')
    .argument(
      '<action>',
      'clouds: down | blackhole | slow | error | dependency-dns-empty | heal; DNS providers: api-down | dns-down | throttle | heal',
    )
    .addOption(new Option('--delay-ms <ms>', "the delay of a cloud's 'slow' action").argParser(delay))
    .option('--state-dir <dir>', "the running demo's state directory", DEFAULT_STATE_DIR)
    .addHelpText('after', HELP)
    .exitOverride()
    .action(async (target: string, action: string, opts: ChaosCliOptions) => {
      await runCommand('chaos', () => run(target, action, opts));
    });
}
