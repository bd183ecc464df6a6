/**
 * The part of a change batch that touches record sets with a SetIdentifier,
 * with Route 53's rules (API Reference, ChangeResourceRecordSets and
 * ResourceRecordSet; Developer Guide, "Choosing a routing policy"): a set is
 * named by name, type and SetIdentifier; DELETE must match it exactly,
 * routing fields included; one routing policy per name and type; at most one
 * PRIMARY and one SECONDARY; no routing set beside a plain set of the same
 * name and type; every HealthCheckId must exist.
 */
import type { RecordChange } from './record-change.js';
import { routingKind } from './engine/answer.js';
import { encodeName } from './names.js';
import { comparableValue, type Route53Type } from './record-values.js';
import type { RoutingSet } from './routing-sets.js';

const describe = (name: string, type: string, id: string) => `[name='${encodeName(name)}', type='${type}', set-identifier='${id}']`;

function sameSet(current: RoutingSet, change: RecordChange): boolean {
  const r = change.routing;
  if (!r || current.ttl !== change.ttl || current.values.length !== change.values.length) return false;
  if (current.failover !== r.failover || current.weight !== r.weight || current.multiValue !== r.multiValue) return false;
  if (current.healthCheckId !== r.healthCheckId) return false;
  const have = current.values.map((v) => comparableValue(change.type as Route53Type, v)).sort();
  const want = change.values.map((v) => comparableValue(change.type as Route53Type, v)).sort();
  return have.every((v, i) => v === want[i]);
}

export interface RoutingDraft {
  sets: RoutingSet[];
  /** Does a plain (non-routing) set exist at name/type in the zone draft? */
  plainExists: (name: string, type: string) => boolean;
  healthCheckExists: (id: string) => boolean;
}

/** Apply one routing change to the draft; returns the problems (the batch fails if any). */
export function applyRoutingChange(draft: RoutingDraft, change: RecordChange): string[] {
  const r = change.routing;
  if (!r) return [];
  const { name, type, action } = change;
  const at = (s: RoutingSet) => s.name === name && s.type === type;
  const index = draft.sets.findIndex((s) => at(s) && s.setIdentifier === r.setIdentifier);
  const current = index >= 0 ? draft.sets[index] : undefined;
  const label = describe(name, type, r.setIdentifier);
  if (action === 'DELETE') {
    if (!current) return [`Tried to delete resource record set ${label} but it was not found`];
    if (!sameSet(current, change))
      return [`Tried to delete resource record set ${label} but the values provided do not match the current values`];
    draft.sets.splice(index, 1);
    return [];
  }
  if (action === 'CREATE' && current) return [`Tried to create resource record set ${label} but it already exists`];
  if (r.healthCheckId !== undefined && !draft.healthCheckExists(r.healthCheckId))
    return [`The health check ${r.healthCheckId} named by resource record set ${label} does not exist`];
  if (draft.plainExists(name, type))
    return [`RRSet ${label} cannot be created because a non-routing RRSet with the same name and type already exists`];
  const next: RoutingSet = {
    name,
    type,
    ttl: change.ttl,
    values: change.values,
    setIdentifier: r.setIdentifier,
    ...(r.failover ? { failover: r.failover } : {}),
    ...(r.weight !== undefined ? { weight: r.weight } : {}),
    ...(r.multiValue ? { multiValue: true } : {}),
    ...(r.healthCheckId !== undefined ? { healthCheckId: r.healthCheckId } : {}),
  };
  const siblings = draft.sets.filter((s) => at(s) && s.setIdentifier !== r.setIdentifier);
  const kind = routingKind(next);
  const other = siblings.find((s) => routingKind(s) !== kind);
  if (other)
    return [
      `RRSet ${label} cannot be created because an RRSet of another routing policy (${routingKind(other) ?? 'none'}) with the same name and type already exists`,
    ];
  if (next.failover && siblings.some((s) => s.failover === next.failover))
    return [`RRSet ${label} cannot be created because a ${next.failover} failover RRSet with the same name and type already exists`];
  if (current) draft.sets[index] = next;
  else draft.sets.push(next);
  return [];
}
