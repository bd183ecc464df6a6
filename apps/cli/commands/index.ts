import type { Command } from 'commander';
import { registerChaos } from './chaos.js';
import { registerController } from './controller.js';
import { registerDemo } from './demo.js';
import { registerEmulators } from './emulators.js';
import { registerServe } from './serve.js';
import { registerPending } from './pending.js';
import { registerPlan } from './plan.js';
import { registerApply } from './apply.js';

/** Order here is the order `failover --help` lists them. */
export function registerCommands(program: Command): void {
  registerDemo(program);
  registerEmulators(program);
  registerController(program);
  registerPlan(program);
  registerApply(program);
  registerPending(program, 'drill', 'run a chaos scenario on a fresh local topology and report timings', 'issue 5');
  registerChaos(program);
  registerServe(program);
}
