import type { Command } from 'commander';
import { registerController } from './controller.js';
import { registerEmulators } from './emulators.js';
import { registerServe } from './serve.js';
import { registerPending } from './pending.js';
import { registerPlan } from './plan.js';
import { registerApply } from './apply.js';

/** Order here is the order `failover --help` lists them. */
export function registerCommands(program: Command): void {
  registerPending(program, 'demo', 'start the whole local topology: 3 clouds, 3 DNS emulators, controller, traffic', 'issue 5');
  registerEmulators(program);
  registerController(program);
  registerPlan(program);
  registerApply(program);
  registerPending(program, 'drill', 'run a chaos scenario on a fresh local topology and report timings', 'issue 5');
  registerPending(program, 'chaos', 'break or heal a local cloud or DNS provider', 'issue 5');
  registerServe(program);
}
