import type { Command } from 'commander';
import { registerChaos } from './chaos.js';
import { registerController } from './controller.js';
import { registerDemo } from './demo.js';
import { registerEmulators } from './emulators.js';
import { registerServe } from './serve.js';
import { registerPlan } from './plan.js';
import { registerApply } from './apply.js';
import { registerDrill } from './drill.js';
import { registerOperate } from './operate.js';

/** Order here is the order `failover --help` lists them. */
export function registerCommands(program: Command): void {
  registerDemo(program);
  registerEmulators(program);
  registerController(program);
  registerPlan(program);
  registerApply(program);
  registerOperate(program);
  registerDrill(program);
  registerChaos(program);
  registerServe(program);
}
