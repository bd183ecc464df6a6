/**
 * ChangeResourceRecordSets semantics. A batch is read and checked whole first
 * (shape, limits, names, values), then applied change by change to a draft of
 * the zone inside `store.transact`; any problem aborts the transaction, so a
 * batch is all or nothing. DELETE must match the current set exactly (TTL and
 * every value, in any order): that is what makes DELETE+CREATE a
 * compare-and-swap.
 */
import type { EmuRecordSet, EmuRecordType, EmuZone, ZoneDraft } from '../core/zone-store.js';
import { invalidChangeBatch, invalidInput } from './errors.js';
import { decodeName, encodeName, nameProblem } from './names.js';
import { comparableValue, isRoute53Type, ROUTE53_TYPES, valueProblem } from './record-values.js';
import { applyRoutingChange, type RoutingDraft } from './routing-changes.js';
import type { ChangeAction, RecordChange, Routing } from './record-change.js';

export type { ChangeAction, RecordChange, Routing } from './record-change.js';
import { UNSUPPORTED_RRSET_FIELDS, type ChangeElement, type ChangeResourceRecordSetsRequest } from './request-shapes.js';

export const MAX_RECORDS_PER_REQUEST = 1000;
export const MAX_VALUE_CHARS_PER_REQUEST = 32_000;
const MAX_TTL = 2_147_483_647;

/** API Reference, ResourceRecordSet: SetIdentifier 1-128 characters, Weight 0-255, Failover PRIMARY|SECONDARY. */
function readRouting(rrs: ChangeElement['ResourceRecordSet'], where: string): Routing | undefined {
  const policies = (['Weight', 'Failover', 'MultiValueAnswer'] as const).filter((f) => rrs[f] !== undefined);
  if (rrs.SetIdentifier === undefined) {
    if (policies.length > 0 || rrs.HealthCheckId !== undefined)
      throw invalidInput(
        `${where}: ${[...policies, ...(rrs.HealthCheckId !== undefined ? ['HealthCheckId'] : [])].join(', ')} need${policies.length + (rrs.HealthCheckId !== undefined ? 1 : 0) === 1 ? 's' : ''} a SetIdentifier`,
      );
    return undefined;
  }
  if (rrs.SetIdentifier.length < 1 || rrs.SetIdentifier.length > 128)
    throw invalidInput(`${where}: SetIdentifier must be 1 to 128 characters`);
  if (policies.length !== 1)
    throw invalidInput(
      `${where}: a record set with a SetIdentifier needs exactly one routing policy of Weight, Failover or MultiValueAnswer (emulated), got ${policies.length === 0 ? 'none' : policies.join(', ')}`,
    );
  const routing: Routing = { setIdentifier: rrs.SetIdentifier };
  if (rrs.Weight !== undefined) {
    if (!/^\d{1,3}$/.test(rrs.Weight) || Number(rrs.Weight) > 255)
      throw invalidInput(`${where}: Weight must be an integer from 0 to 255, got '${rrs.Weight}'`);
    routing.weight = Number(rrs.Weight);
  }
  if (rrs.Failover !== undefined) {
    if (rrs.Failover !== 'PRIMARY' && rrs.Failover !== 'SECONDARY')
      throw invalidInput(
        `Invalid XML ; cvc-enumeration-valid: Value '${rrs.Failover}' is not facet-valid with respect to enumeration '[PRIMARY, SECONDARY]'. It must be a value from the enumeration.`,
      );
    routing.failover = rrs.Failover;
  }
  if (rrs.MultiValueAnswer !== undefined) {
    if (rrs.MultiValueAnswer !== 'true') throw invalidInput(`${where}: MultiValueAnswer must be true on a multivalue answer record set`);
    routing.multiValue = true;
  }
  if (rrs.HealthCheckId !== undefined) routing.healthCheckId = rrs.HealthCheckId;
  return routing;
}

const describe = (name: string, type: string) => `[name='${encodeName(name)}', type='${type}']`;

/** Shape checks Route 53 reports as InvalidInput: fields, type, TTL. */
function readChange(el: ChangeElement, position: number): RecordChange {
  const rrs = el.ResourceRecordSet;
  const where = `Change ${position} (${el.Action} ${rrs.Name} ${rrs.Type})`;
  const used = UNSUPPORTED_RRSET_FIELDS.filter((f) => rrs[f] !== undefined);
  if (used.length > 0)
    throw invalidInput(
      `${where}: ${used.join(', ')} ${used.length === 1 ? 'is' : 'are'} not supported by this emulator; use plain record sets with TTL and ResourceRecords`,
    );
  if (!isRoute53Type(rrs.Type))
    throw invalidInput(`${where}: Type '${rrs.Type}' is not a Route 53 record type (one of ${ROUTE53_TYPES.join(', ')})`);
  if (rrs.TTL === undefined || rrs.ResourceRecords === undefined) {
    throw invalidInput(
      `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found none in Change with [Action=${el.Action}, Name=${rrs.Name}, Type=${rrs.Type}, SetIdentifier=${rrs.SetIdentifier ?? 'null'}]`,
    );
  }
  if (!/^\d{1,10}$/.test(rrs.TTL) || Number(rrs.TTL) > MAX_TTL)
    throw invalidInput(`${where}: TTL must be an integer from 0 to ${MAX_TTL}, got '${rrs.TTL}'`);
  const routing = readRouting(rrs, where);
  return {
    action: el.Action,
    name: decodeName(rrs.Name),
    type: rrs.Type,
    ttl: Number(rrs.TTL),
    values: rrs.ResourceRecords.ResourceRecord.map((r) => r.Value),
    ...(routing ? { routing } : {}),
  };
}

/** Route 53's per-request limits; an UPSERT counts twice (a delete and a create). */
function limitProblems(changes: readonly RecordChange[]): string[] {
  let records = 0;
  let chars = 0;
  for (const c of changes) {
    const weight = c.action === 'UPSERT' ? 2 : 1;
    records += weight * c.values.length;
    chars += weight * c.values.reduce((n, v) => n + v.length, 0);
  }
  // Route 53's own wording, as clients report it (e.g. DNSControl/dnscontrol#1114, kubernetes-sigs/external-dns#515).
  const problems: string[] = [];
  if (records > MAX_RECORDS_PER_REQUEST) problems.push(`Number of records limit of ${MAX_RECORDS_PER_REQUEST} exceeded.`);
  if (chars > MAX_VALUE_CHARS_PER_REQUEST) problems.push(`RDATA character limit of ${MAX_VALUE_CHARS_PER_REQUEST} exceeded.`);
  return problems;
}

/** Name and value checks Route 53 reports as InvalidChangeBatch; values stay as written. */
function contentProblems(change: RecordChange, zoneName: string): string[] {
  const { name, type } = change;
  const problems: string[] = [];
  const badName = nameProblem(name);
  if (badName) problems.push(`${encodeName(name)} is not a valid DNS name: ${badName}`);
  else if (!(name === zoneName || name.endsWith(`.${zoneName}`)))
    problems.push(`RRSet with DNS name ${encodeName(name)} is not permitted in zone ${encodeName(zoneName)}`);
  for (const v of change.values) {
    const p = valueProblem(type, v);
    if (p) problems.push(p);
  }
  if (problems.length > 0) return problems;
  // Two spellings of one value (`Mail.Example.test` and `mail.example.test.`) are one record.
  const seen = new Set<string>();
  for (const v of change.values) {
    const key = comparableValue(type, v);
    if (seen.has(key)) problems.push(`Duplicate Resource Record: '${v}' in RRSet ${describe(name, type)}`);
    seen.add(key);
  }
  if ((type === 'CNAME' || type === 'SOA') && change.values.length > 1)
    problems.push(
      `RRSet of type ${type} with DNS name ${encodeName(name)} has more than one resource record; ${type} takes exactly one value`,
    );
  if (type === 'SOA' && name !== zoneName)
    problems.push(
      `RRSet of type SOA with DNS name ${encodeName(name)} is not permitted: SOA is only allowed at the zone apex ${encodeName(zoneName)}`,
    );
  return problems;
}

/** Read and check a whole batch before anything is applied. Throws InvalidInput or InvalidChangeBatch. */
export function readChangeBatch(zone: EmuZone, request: ChangeResourceRecordSetsRequest): { changes: RecordChange[]; comment?: string } {
  const changes = request.ChangeBatch.Changes.Change.map((el, i) => readChange(el, i + 1));
  const limits = limitProblems(changes);
  if (limits.length > 0) throw invalidChangeBatch(limits);
  const problems = changes.flatMap((c) => contentProblems(c, zone.name));
  if (problems.length > 0) throw invalidChangeBatch(problems);
  const comment = request.ChangeBatch.Comment;
  return { changes, ...(comment !== undefined ? { comment } : {}) };
}

function sameContent(current: EmuRecordSet, change: RecordChange): boolean {
  if (current.ttl !== change.ttl || current.values.length !== change.values.length) return false;
  const have = current.values.map((v) => comparableValue(change.type, v)).sort();
  const want = change.values.map((v) => comparableValue(change.type, v)).sort();
  return have.every((v, i) => v === want[i]);
}

/** Types present per name, kept current while the batch is applied (for CNAME conflicts). */
class TypesByName {
  private readonly map = new Map<string, Set<string>>();
  constructor(records: readonly EmuRecordSet[]) {
    for (const r of records) this.add(r.name, r.type);
  }
  add(name: string, type: string): void {
    let set = this.map.get(name);
    if (!set) this.map.set(name, (set = new Set()));
    set.add(type);
  }
  remove(name: string, type: string): void {
    this.map.get(name)?.delete(type);
  }
  others(name: string, type: string): string[] {
    return [...(this.map.get(name) ?? [])].filter((t) => t !== type).sort();
  }
}

function conflictProblem(types: TypesByName, change: RecordChange, zoneName: string): string | undefined {
  const { name, type } = change;
  const z = encodeName(zoneName);
  if (type === 'CNAME' && name === zoneName)
    return `RRSet of type CNAME with DNS name ${encodeName(name)} is not permitted at apex in zone ${z}`;
  const others = types.others(name, type);
  // Route 53's two wordings, as clients report them (ansible-collections/amazon.aws#2694, boto/boto3#1475).
  if (type === 'CNAME' && others.length > 0)
    return `RRSet of type CNAME with DNS name ${encodeName(name)} is not permitted as it conflicts with other records with the same DNS name in zone ${z}`;
  if (type !== 'CNAME' && others.includes('CNAME'))
    return `RRSet of type ${type} with DNS name ${encodeName(name)} is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone ${z}`;
  return undefined;
}

/**
 * Apply checked changes in order to `draft`; throws InvalidChangeBatch listing
 * every problem, which aborts the surrounding transaction.
 */
export function applyChangeBatch(draft: ZoneDraft, changes: readonly RecordChange[], routing: RoutingDraft): void {
  const zoneName = draft.zone.name;
  const types = new TypesByName(draft.list());
  const actionsByKey = new Map<string, ChangeAction[]>();
  const problems: string[] = [];
  for (const change of changes) {
    const { action, name, type } = change;
    const key = `${name}|${type}|${change.routing?.setIdentifier ?? ''}`;
    const earlier = actionsByKey.get(key) ?? [];
    actionsByKey.set(key, [...earlier, action]);
    // Within one batch a set may appear twice only as DELETE then CREATE (a replace).
    if (earlier.length > 0 && !(earlier.length === 1 && earlier[0] === 'DELETE' && action === 'CREATE')) {
      problems.push(`The request contains an invalid set of changes for a resource record set '${type} ${encodeName(name)}'`);
      continue;
    }
    if (change.routing) {
      problems.push(...applyRoutingChange(routing, change));
      continue;
    }
    const stored = draft.get(name, type);
    // A live set stands for the routing sets at name/type; it is not a plain set.
    const current = stored?.liveSource === undefined ? stored : undefined;
    if (action !== 'DELETE' && routing.sets.some((s) => s.name === name && s.type === type)) {
      problems.push(`RRSet ${describe(name, type)} cannot be created because RRSets with a SetIdentifier and the same name and type exist`);
      continue;
    }
    if (action === 'DELETE') {
      if (!current) problems.push(`Tried to delete resource record set ${describe(name, type)} but it was not found`);
      else if (!sameContent(current, change))
        problems.push(
          `Tried to delete resource record set ${describe(name, type)} but the values provided do not match the current values`,
        );
      else {
        draft.delete(name, type);
        types.remove(name, type);
      }
      continue;
    }
    if (action === 'CREATE' && current) {
      problems.push(`Tried to create resource record set ${describe(name, type)} but it already exists`);
      continue;
    }
    const conflict = conflictProblem(types, change, zoneName);
    if (conflict) {
      problems.push(conflict);
      continue;
    }
    // The store's type list is the data plane's; Route 53 keeps every type it documents, served or not.
    draft.put({ name, type: type as EmuRecordType, ttl: change.ttl, values: change.values });
    types.add(name, type);
  }
  if (!draft.get(zoneName, 'SOA'))
    problems.push('A HostedZone must contain exactly one SOA record at its apex; the apex SOA cannot be deleted');
  if (!draft.get(zoneName, 'NS'))
    problems.push('A HostedZone must contain at least one NS record for the zone itself; the apex NS cannot be deleted');
  if (problems.length > 0) throw invalidChangeBatch(problems);
}
