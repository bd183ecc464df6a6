import type { Command } from 'commander';

/** A subcommand whose implementation has not landed yet: listed, and says so plainly when run. */
export function registerPending(program: Command, name: string, description: string, tracking: string): void {
  program
    .command(name)
    .description(`${description} (not yet available)`)
    .allowUnknownOption(true)
    .action(() => {
      throw new Error(`'failover ${name}' is not implemented yet (tracked in ${tracking})`);
    });
}
