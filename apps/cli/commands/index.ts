import type { Command } from 'commander';

/**
 * Every subcommand, in the order `failover --help` lists them. Each module is imported only
 * when its command runs (or its own --help is asked for): the modules pull in the SDKs,
 * the emulators and the topology, which would make `failover --help` or `failover chaos`
 * take seconds to start. The top-level help needs only the name, arguments and summary.
 */
export interface CommandEntry {
  readonly name: string;
  /** Arguments as commander's usage shows them, e.g. `<target> <action>`. */
  readonly args?: string;
  /** One line, as `failover --help` lists it. */
  readonly summary: string;
  readonly load: () => Promise<(program: Command) => void>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'demo',
    summary: 'start the whole local topology: 3 clouds, 3 DNS emulators, controller, traffic',
    load: async () => (await import('./demo.js')).registerDemo,
  },
  {
    name: 'emulators',
    summary: 'start the Route 53, Azure DNS and Cloud DNS emulators with their DNS servers',
    load: async () => (await import('./emulators.js')).registerEmulators,
  },
  {
    name: 'controller',
    summary: 'run the health-checking failover controller and its HTTP API',
    load: async () => (await import('./controller.js')).registerController,
  },
  {
    name: 'plan',
    summary: 'show what would change in each DNS provider (dry run)',
    load: async () => (await import('./plan.js')).registerPlan,
  },
  {
    name: 'apply',
    summary: 'apply a static desired state to every provider with compare-and-swap writes',
    load: async () => (await import('./apply.js')).registerApply,
  },
  {
    name: 'drill',
    args: '<scenario>',
    summary: 'run a chaos scenario on a fresh local topology and report timings and invariants',
    load: async () => (await import('./drill.js')).registerDrill,
  },
  {
    name: 'chaos',
    args: '<target> <action>',
    summary: 'break or heal a local cloud or DNS provider of the running demo',
    load: async () => (await import('./chaos.js')).registerChaos,
  },
  {
    name: 'serve',
    summary: "run the sample service (one cloud's instance)",
    load: async () => (await import('./serve.js')).registerServe,
  },
];

/**
 * Registers the command that `argv` names in full and every other one as a listing entry
 * (name, arguments, summary) for the top-level help. `failover help CMD` loads CMD too.
 */
export async function registerCommands(program: Command, argv: readonly string[]): Promise<void> {
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  const wanted = words[0] === 'help' ? words[1] : words[0];
  for (const entry of COMMANDS) {
    if (entry.name === wanted) {
      (await entry.load())(program);
    } else {
      const listed = program.command(entry.name).summary(entry.summary).description(entry.summary);
      if (entry.args !== undefined) listed.arguments(entry.args);
      listed.allowUnknownOption().allowExcessArguments();
    }
  }
}
