/**
 * RecordSets_*: get, create or update (PUT), update (PATCH), delete, and the
 * three lists. Every write is one `store.transact`, with the If-Match /
 * If-None-Match check inside it, so a check and its write cannot be split.
 *
 * Empty record sets are allowed, as in Azure (they are not served over DNS);
 * keeping a name from going empty is the caller's job.
 */
import type { EmuRecordSet, EmuZone, ZoneStore } from '../core/zone-store.js';
import { recordKey } from '../core/zone-store.js';
import { ArmError, badRequest } from './arm-error.js';
import { checkPreconditions, recordSetEtag } from './etag.js';
import type { ArmRequest, ArmResponse } from './handler-types.js';
import type { JsonObject } from './json-fields.js';
import { asInteger, asObject, asStringMap, given } from './json-fields.js';
import { APEX, absoluteOwner, relativeOwner } from './names.js';
import { nextLink, paginate, readPageRequest } from './paging.js';
import type { AzureRecordType } from './record-codec.js';
import { codecFor, isAzureRecordType, parseRecords, presentRecords } from './record-codec.js';
import type { Route } from './routes.js';
import { MAX_RECORD_SETS_PER_ZONE, MAX_RECORDS_PER_SET, armZoneName, findAzureZone } from './zone-model.js';

type RecordSetRoute = Extract<Route, { kind: 'recordSet' }>;
type RecordSetsRoute = Extract<Route, { kind: 'recordSets' }>;

const MAX_TTL = 2147483647;

export function recordSetJson(zone: EmuZone, rs: EmuRecordSet): Record<string, unknown> {
  const type = rs.type as AzureRecordType;
  const name = relativeOwner(rs.name, zone.name);
  const metadata = rs.metadata && Object.keys(rs.metadata).length > 0 ? { metadata: { ...rs.metadata } } : {};
  return {
    id: `${zone.id}/${type}/${name}`,
    name,
    type: `Microsoft.Network/dnszones/${type}`,
    etag: recordSetEtag(zone, rs),
    properties: { ...metadata, TTL: rs.ttl, fqdn: rs.name, provisioningState: 'Succeeded', ...presentRecords(type, rs.values) },
  };
}

function checkType(raw: string): AzureRecordType {
  const t = raw.toUpperCase();
  if (!isAzureRecordType(t))
    throw badRequest(
      `The record type '${raw}' is not supported; use one of A, AAAA, CAA, CNAME, MX, NS, PTR, SOA, SRV, TXT.`,
      'recordType',
    );
  return t;
}

function propertiesOf(body: unknown): JsonObject {
  const b = asObject(body, 'body');
  return given(b['properties']) ? asObject(b['properties'], 'properties') : {};
}

function checkValues(type: AzureRecordType, values: string[]): void {
  const field = `properties.${codecFor(type).field}`;
  if (values.length > MAX_RECORDS_PER_SET) {
    throw badRequest(`'${field}' holds ${values.length} records; a record set holds at most ${MAX_RECORDS_PER_SET}.`, field);
  }
  if (new Set(values).size !== values.length) throw badRequest(`'${field}' contains duplicate records.`, field);
}

export class RecordSetHandlers {
  constructor(private readonly store: ZoneStore) {}

  private zoneOf(route: RecordSetRoute | RecordSetsRoute): EmuZone {
    const zone = findAzureZone(this.store, route, route.zoneName);
    if (!zone) {
      throw new ArmError(
        404,
        'ParentResourceNotFound',
        `Can not perform requested operation on nested resource. Parent resource '${route.zoneName}' not found.`,
      );
    }
    return zone;
  }

  /** Re-read after a commit: the store may have rewritten the SOA serial. */
  private current(zoneId: string, owner: string, type: AzureRecordType): { zone: EmuZone; rs: EmuRecordSet } {
    const zone = this.store.getZone(zoneId);
    const rs = zone?.records.get(recordKey(owner, type));
    if (!zone || !rs) throw new ArmError(500, 'InternalServerError', 'The record set vanished while being written.');
    return { zone, rs };
  }

  handle(route: RecordSetRoute, req: ArmRequest): ArmResponse {
    const zone = this.zoneOf(route);
    const type = checkType(route.recordType);
    const owner = absoluteOwner(route.relativeName, zone.name);
    switch (route.operation) {
      case 'RecordSets_Get': {
        const rs = zone.records.get(recordKey(owner, type));
        if (!rs) {
          throw new ArmError(
            404,
            'NotFound',
            `The resource record '${route.relativeName}' of type '${type}' does not exist in zone '${armZoneName(zone)}' of resource group '${route.resourceGroup}'.`,
          );
        }
        return { status: 200, body: recordSetJson(zone, rs), etag: recordSetEtag(zone, rs) };
      }
      case 'RecordSets_CreateOrUpdate':
        return this.put(zone, type, owner, req);
      case 'RecordSets_Update':
        return this.patch(zone, type, owner, route, req);
      case 'RecordSets_Delete':
        return this.delete(zone, type, owner, req);
    }
  }

  private put(zone: EmuZone, type: AzureRecordType, owner: string, req: ArmRequest): ArmResponse {
    const props = propertiesOf(req.body);
    if (!given(props['TTL'])) throw badRequest("'properties.TTL' is required.", 'properties.TTL');
    const ttl = asInteger(props['TTL'], 'properties.TTL', 0, MAX_TTL);
    const metadata = given(props['metadata']) ? asStringMap(props['metadata'], 'properties.metadata') : undefined;
    const apex = owner === zone.name;
    const existingSoa = zone.records.get(recordKey(zone.name, 'SOA'))?.values[0];
    if (type === 'SOA' && !apex) throw badRequest('SOA record sets exist only at the zone apex (@).', 'relativeRecordSetName');
    if (type === 'SOA' && !given(props['SOARecord'])) throw badRequest("'properties.SOARecord' is required.", 'properties.SOARecord');
    if (type === 'CNAME' && apex) throw badRequest('CNAME record sets are not allowed at the zone apex.', 'relativeRecordSetName');
    const values = parseRecords(type, props, existingSoa) ?? [];
    checkValues(type, values);

    const created = this.store.transact(zone.id, (draft) => {
      const current = draft.get(owner, type);
      checkPreconditions(current && recordSetEtag(zone, current), req.preconditions);
      if (!current && type === 'SOA') throw badRequest('SOA record sets are created with the zone and cannot be created.', 'recordType');
      if (!current && draft.list().length >= MAX_RECORD_SETS_PER_ZONE) {
        throw badRequest(`The zone already holds the maximum of ${MAX_RECORD_SETS_PER_ZONE} record sets.`);
      }
      const sameName = draft.list().filter((r) => r.name === owner && r.type !== type);
      if ((type === 'CNAME' && sameName.length > 0) || sameName.some((r) => r.type === 'CNAME')) {
        throw new ArmError(
          409,
          'Conflict',
          type === 'CNAME'
            ? 'The CNAME record could not be created because another record with the same name already exists in this zone.'
            : `The ${type} record could not be created because a CNAME record with the same name already exists in this zone.`,
        );
      }
      draft.put({ name: owner, type, ttl, values, ...(metadata ? { metadata } : {}) });
      return current === undefined;
    });
    const after = this.current(zone.id, owner, type);
    return { status: created ? 201 : 200, body: recordSetJson(after.zone, after.rs), etag: recordSetEtag(after.zone, after.rs) };
  }

  /** Given properties replace, the others stay. */
  private patch(zone: EmuZone, type: AzureRecordType, owner: string, route: RecordSetRoute, req: ArmRequest): ArmResponse {
    const props = propertiesOf(req.body);
    const ttl = given(props['TTL']) ? asInteger(props['TTL'], 'properties.TTL', 0, MAX_TTL) : undefined;
    const metadata = given(props['metadata']) ? asStringMap(props['metadata'], 'properties.metadata') : undefined;
    const existingSoa = zone.records.get(recordKey(zone.name, 'SOA'))?.values[0];
    const values = parseRecords(type, props, existingSoa);
    if (values) checkValues(type, values);

    this.store.transact(zone.id, (draft) => {
      const current = draft.get(owner, type);
      checkPreconditions(current && recordSetEtag(zone, current), { ifMatch: req.preconditions.ifMatch });
      if (!current) throw new ArmError(404, 'NotFound', `The resource record '${route.relativeName}' of type '${type}' does not exist.`);
      const nextMetadata = metadata ?? current.metadata;
      draft.put({
        name: owner,
        type,
        ttl: ttl ?? current.ttl,
        values: values ?? current.values,
        ...(nextMetadata ? { metadata: nextMetadata } : {}),
      });
    });
    const after = this.current(zone.id, owner, type);
    return { status: 200, body: recordSetJson(after.zone, after.rs), etag: recordSetEtag(after.zone, after.rs) };
  }

  private delete(zone: EmuZone, type: AzureRecordType, owner: string, req: ArmRequest): ArmResponse {
    if (type === 'SOA') throw badRequest('The SOA record set is deleted with its zone and cannot be deleted alone.', 'recordType');
    if (type === 'NS' && owner === zone.name)
      throw badRequest('The NS record set at the zone apex (@) cannot be deleted.', 'relativeRecordSetName');
    const deleted = this.store.transact(zone.id, (draft) => {
      const current = draft.get(owner, type);
      checkPreconditions(current && recordSetEtag(zone, current), { ifMatch: req.preconditions.ifMatch });
      // Deleting nothing must not count as a write (it would bump the SOA serial).
      return current ? draft.delete(owner, type) : false;
    });
    return { status: deleted ? 200 : 204 };
  }

  list(route: RecordSetsRoute, req: ArmRequest): ArmResponse {
    const zone = this.zoneOf(route);
    const type = route.recordType === undefined ? undefined : checkType(route.recordType);
    const page = readPageRequest(req.query);
    const suffix = req.query.get('$recordsetnamesuffix')?.toLowerCase();
    const keyOf = (rs: EmuRecordSet) => `${rs.name}|${rs.type}`;
    const matches = (rs: EmuRecordSet) => {
      if (type !== undefined && rs.type !== type) return false;
      if (!suffix) return true;
      const rel = relativeOwner(rs.name, zone.name);
      return suffix === APEX ? rel === APEX : rel === suffix || rel.endsWith(`.${suffix}`);
    };
    const sets = [...zone.records.values()].filter(matches).sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
    const result = paginate(sets, keyOf, page);
    const body: Record<string, unknown> = { value: result.items.map((rs) => recordSetJson(zone, rs)) };
    if (result.nextAfter !== undefined) body['nextLink'] = nextLink(req.origin, req.pathname, req.query, result.nextAfter, page.top);
    return { status: 200, body };
  }
}
