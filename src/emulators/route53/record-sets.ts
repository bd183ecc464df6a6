/**
 * ListResourceRecordSets and ChangeResourceRecordSets. Record sets are listed
 * in Route 53's order (name with labels reversed, then type), a page starting at
 * the first set at or after (name, type); a truncated page names the next one.
 */
import type { EmuRecordSet, EmuRecordType, ZoneDraft } from '../core/zone-store.js';
import { applyChangeBatch, readChangeBatch, type RecordChange } from './change-batch.js';
import { LIVE_SOURCE_PREFIX } from './live-answers.js';
import type { RoutingDraft } from './routing-changes.js';
import type { RoutingSet } from './routing-sets.js';
import { changeInfoXml } from './change-log.js';
import { requireZone, type Operation } from './context.js';
import { invalidInput } from './errors.js';
import { compareNames, decodeName, encodeName } from './names.js';
import { maxItems, param } from './query.js';
import { isRoute53Type } from './record-values.js';
import { changeResourceRecordSetsRequest, readRequest } from './request-shapes.js';
import { parseRequestXml } from './xml.js';

const PAGE_DEFAULT = 300;
const PAGE_MAX = 300;

type Listed = (EmuRecordSet & { setIdentifier?: undefined }) | RoutingSet;
type Position = { name: string; type: string; setIdentifier?: string | undefined };

const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Name (labels reversed), type, then SetIdentifier (API Reference, ListResourceRecordSets). */
function compareSets(a: Position, b: Position): number {
  return compareNames(a.name, b.name) || order(a.type, b.type) || order(a.setIdentifier ?? '', b.setIdentifier ?? '');
}

/** Elements in the model's order: Name, Type, SetIdentifier, Weight, Failover, MultiValueAnswer, TTL, ResourceRecords, HealthCheckId. */
function recordSetXml(rs: Listed): Record<string, unknown> {
  const routing = rs.setIdentifier === undefined ? undefined : (rs as RoutingSet);
  return {
    Name: encodeName(rs.name),
    Type: rs.type,
    ...(routing ? { SetIdentifier: routing.setIdentifier } : {}),
    ...(routing?.weight !== undefined ? { Weight: routing.weight } : {}),
    ...(routing?.failover !== undefined ? { Failover: routing.failover } : {}),
    ...(routing?.multiValue ? { MultiValueAnswer: true } : {}),
    TTL: rs.ttl,
    ResourceRecords: { ResourceRecord: rs.values.map((Value) => ({ Value })) },
    ...(routing?.healthCheckId !== undefined ? { HealthCheckId: routing.healthCheckId } : {}),
  };
}

/**
 * The first raw space, control or 8-bit character of a name: Route 53 wants
 * them written as `\\DDD` escapes (Developer Guide, "DNS domain name format").
 */
function unsupportedCharacter(name: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0020\u007f-\u00ff]/.exec(name)?.[0];
}

export const listResourceRecordSets: Operation = (ctx, req) => {
  const zone = requireZone(ctx, req.params.id ?? '');
  const rawName = param(req.query, 'name');
  const type = param(req.query, 'type');
  const identifier = param(req.query, 'identifier');
  if (identifier !== undefined && (rawName === undefined || type === undefined))
    throw invalidInput('The input is not valid: StartRecordIdentifier (identifier) needs StartRecordName and StartRecordType');
  // Route 53 itself sends this InvalidInput with an empty message (aws/aws-sdk-go#4386, boto/boto3#941); one that says why helps more.
  if (type !== undefined && rawName === undefined)
    throw invalidInput('The input is not valid: StartRecordType (type) was given without StartRecordName (name)');
  if (rawName !== undefined) {
    const unsupported = unsupportedCharacter(rawName);
    if (unsupported !== undefined)
      throw invalidInput(`FATAL problem: UnsupportedCharacter (Value contains unsupported characters) encountered with '${unsupported}'`);
  }
  if (type !== undefined && !isRoute53Type(type)) throw invalidInput(`type '${type}' is not a Route 53 record type`);
  const limit = maxItems(req.query, PAGE_DEFAULT, PAGE_MAX);
  const plain = [...zone.records.values()].filter((rs) => rs.liveSource === undefined);
  const sets: Listed[] = [...plain, ...ctx.routing.all(zone.id)].sort(compareSets);
  const start =
    rawName === undefined
      ? 0
      : sets.findIndex((rs) => compareSets(rs, { name: decodeName(rawName), type: type ?? '', setIdentifier: identifier }) >= 0);
  const from = start < 0 ? sets.length : start;
  const page = sets.slice(from, from + limit);
  const next = sets[from + limit];
  return {
    root: 'ListResourceRecordSetsResponse',
    content: {
      ResourceRecordSets: { ResourceRecordSet: page.map(recordSetXml) },
      IsTruncated: next !== undefined,
      ...(next ? { NextRecordName: encodeName(next.name), NextRecordType: next.type } : {}),
      ...(next?.setIdentifier !== undefined ? { NextRecordIdentifier: next.setIdentifier } : {}),
      MaxItems: limit,
    },
  };
};

/**
 * For every name and type holding routing sets, one set in the zone store with
 * a live source, so the DNS data plane asks the engine for its values at
 * query time (`liveAnswers`); removed when the last routing set goes.
 */
function syncLiveSets(draft: ZoneDraft, changes: readonly RecordChange[], sets: readonly RoutingSet[]): void {
  for (const c of changes) {
    if (!c.routing) continue;
    const here = sets.filter((s) => s.name === c.name && s.type === c.type);
    const current = draft.get(c.name, c.type);
    if (here[0]) {
      // The store's type list is the data plane's; Route 53 keeps every type it documents.
      draft.put({
        name: c.name,
        type: c.type as EmuRecordType,
        ttl: here[0].ttl,
        values: [],
        liveSource: `${LIVE_SOURCE_PREFIX}${draft.zone.id}`,
      });
    } else if (current?.liveSource !== undefined) draft.delete(c.name, c.type);
  }
}

export const changeResourceRecordSets: Operation = (ctx, req) => {
  const root = 'ChangeResourceRecordSetsRequest';
  const request = readRequest(changeResourceRecordSetsRequest, root, parseRequestXml(req.body, root));
  const zone = requireZone(ctx, req.params.id ?? '');
  const { changes, comment } = readChangeBatch(zone, request);
  const routing: RoutingDraft = {
    sets: [...ctx.routing.all(zone.id)],
    healthCheckExists: (id) => ctx.healthChecks.byId.has(id),
    plainExists: () => false,
  };
  ctx.store.transact(zone.id, (draft) => {
    routing.plainExists = (name, type) => {
      const rs = draft.get(name, type);
      return rs !== undefined && rs.liveSource === undefined;
    };
    applyChangeBatch(draft, changes, routing);
    syncLiveSets(draft, changes, routing.sets);
  });
  // Reached only when the whole batch applied.
  ctx.routing.replace(zone.id, routing.sets);
  return { root: 'ChangeResourceRecordSetsResponse', content: { ChangeInfo: changeInfoXml(ctx.changes.submit(comment)) } };
};
