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

/** The operator commands (status, drain, pin, pause, resume) share one module, which registers all five. */
const loadOperate = async () => (await import('./operate.js')).registerOperate;

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
    name: 'status',
    summary: "a running controller's view: targets, providers, and what each nameserver serves",
    load: loadOperate,
  },
  {
    name: 'drain',
    args: '<cloud>',
    summary: 'move every service off a cloud (urgent: no dwell), until `failover resume CLOUD`',
    load: loadOperate,
  },
  {
    name: 'pin',
    args: '<service> <target>',
    summary: 'serve one target of a service while it is up, until `failover resume SERVICE`',
    load: loadOperate,
  },
  {
    name: 'pause',
    args: '<service>',
    summary: "stop writing a service's records (drift is reported, not repaired), until `failover resume SERVICE`",
    load: loadOperate,
  },
  {
    name: 'resume',
    args: '<cloud-or-service>',
    summary: "undo an override: a cloud's drain, or a service's pin and pause",
    load: loadOperate,
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
 * Registers the command that `argv` names in full (with any command its module registers
 * alongside it) and every other one as a listing entry (name, arguments, summary) for the
 * top-level help. `failover help CMD` loads CMD too.
 */
export async function registerCommands(program: Command, argv: readonly string[]): Promise<void> {
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  const wanted = COMMANDS.find((c) => c.name === (words[0] === 'help' ? words[1] : words[0]));
  const loaded = wanted === undefined ? [] : COMMANDS.filter((c) => c.load === wanted.load);
  for (const entry of COMMANDS) {
    if (entry === wanted) {
      (await entry.load())(program);
    } else if (!loaded.includes(entry)) {
      const listed = program.command(entry.name).summary(entry.summary).description(entry.summary);
      if (entry.args !== undefined) listed.arguments(entry.args);
      listed.allowUnknownOption().allowExcessArguments();
    }
  }
}
