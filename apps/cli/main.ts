/**
 * `failover`: one command for every part of the project. Each subcommand lives in
 * its own module under ./commands and registers itself here.
 */
import { Command, CommanderError, type Option } from 'commander';
import { ConfigError } from '../../src/config/load.js';
import { EXIT } from './exit-codes.js';
import { registerCommands } from './commands/index.js';

export async function buildProgram(argv: readonly string[]): Promise<Command> {
  const program = new Command();
  program
    .name('failover')
    .description(
      'Multi-cloud DNS failover: health-check a service in AWS, Azure and Google Cloud and move its DNS answer ' +
        'across Route 53, Azure DNS and Cloud DNS with compare-and-swap writes.',
    )
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true })
    .addHelpText(
      'after',
      `
Exit codes:
  0  success (for \`plan\`: nothing to change)
  1  failure (a drill invariant failed, a write failed, ...)
  2  bad input: invalid configuration or arguments (the message names file, field, expectation)
  3  \`plan\` only: changes are pending

Start here:
  npm run demo                      the whole local topology; break a cloud and watch traffic move
  failover <command> --help         help for one command`,
    );
  // Before registering: subcommands inherit exitOverride only from settings made before they exist.
  program.exitOverride();
  await registerCommands(program, argv);
  checkRequiredOptionsAfterUnknown(program);
  return program;
}

/**
 * Commander checks required options before unknown ones, so `--confg x` would say
 * "required option '--config' not specified" instead of suggesting `--config`. Required
 * options are checked here instead, in a preAction hook, which runs after commander has
 * refused unknown options (with its "Did you mean …?").
 */
function checkRequiredOptionsAfterUnknown(program: Command): void {
  const required = new Map<Command, Option[]>();
  const walk = (cmd: Command) => {
    const options = cmd.options.filter((o) => o.mandatory);
    for (const o of options) o.mandatory = false;
    if (options.length > 0) required.set(cmd, options);
    cmd.commands.forEach(walk);
  };
  walk(program);
  program.hook('preAction', (_program, action) => {
    for (let cmd: Command | null = action; cmd !== null; cmd = cmd.parent) {
      for (const option of required.get(cmd) ?? []) {
        if (cmd.getOptionValue(option.attributeName()) === undefined) {
          cmd.error(`error: required option '${option.flags}' not specified`, {
            code: 'commander.missingMandatoryOptionValue',
            exitCode: 1,
          });
        }
      }
    }
  });
}

export async function main(argv: string[]): Promise<void> {
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      process.exitCode = err.exitCode === 0 ? 0 : EXIT.badInput;
      return;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`failover: ${err.message}\n`);
      process.exitCode = EXIT.badInput;
      return;
    }
    process.stderr.write(`failover: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = EXIT.failure;
  }
}
