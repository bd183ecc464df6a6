/** Every drill scenario, in the order `failover drill all` runs them. */
import { allDown } from './all-down.js';
import { cloudOutage } from './cloud-outage.js';
import { controlPlaneOutage } from './control-plane-outage.js';
import { dependencyDnsEmpty } from './dependency-dns-empty.js';
import { flapping } from './flapping.js';
import { partition } from './partition.js';
import { race } from './race.js';
import { recovery } from './recovery.js';
import type { Scenario } from './scenario.js';

export const SCENARIOS: readonly Scenario[] = [
  cloudOutage,
  dependencyDnsEmpty,
  controlPlaneOutage,
  race,
  flapping,
  allDown,
  partition,
  recovery,
];

/** A scenario name nobody wrote; the message lists the ones that exist. */
export class UnknownScenarioError extends Error {
  override readonly name = 'UnknownScenarioError';
}

export function scenarioNamed(name: string): Scenario {
  const found = SCENARIOS.find((s) => s.name === name);
  if (found === undefined)
    throw new UnknownScenarioError(`unknown drill '${name}': expected one of ${SCENARIOS.map((s) => s.name).join(', ')}, or all`);
  return found;
}
