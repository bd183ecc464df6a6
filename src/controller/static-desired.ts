/**
 * The desired state `failover plan` and `failover apply` write, without
 * health checks: the static `records`, and for each service the answer it
 * has when every target is healthy (failover: the preferred target;
 * multivalue: all of them). Pure.
 */
import type { FailoverConfig } from '../config/schema.js';
import { canonicalName } from '../dns/record.js';
import type { DesiredRecord } from '../plan/state.js';
import { answerOf } from '../routing/answer.js';
import { applyPolicy } from '../routing/policy.js';

export interface StaticDesired {
  readonly desired: readonly DesiredRecord[];
  /** Every name the configuration manages, canonical and sorted. */
  readonly managedNames: readonly string[];
}

export function staticDesired(config: Pick<FailoverConfig, 'services' | 'records'>): StaticDesired {
  const desired: DesiredRecord[] = [];
  for (const service of config.services) {
    const answer = answerOf(service, applyPolicy(service.policy, service.targets));
    desired.push({ name: canonicalName(service.name), type: service.type, ttl: service.ttl, values: answer.addresses });
  }
  for (const record of config.records) {
    desired.push({ name: canonicalName(record.name), type: record.type, ttl: record.ttl, values: record.values });
  }
  return { desired, managedNames: [...new Set(desired.map((d) => d.name))].sort() };
}
