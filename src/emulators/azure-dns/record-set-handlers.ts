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
import { aliasTargetOf } from './alias.js';
import { TrafficManagerStore } from './traffic-manager/profile-model.js';
import { APEX, absoluteOwner, relativeOwner } from './names.js';
import { nextLink, paginate, readPageRequest } from './paging.js';
import type { AzureRecordType, ParsedRecord } from './record-codec.js';
import { codecFor, isAzureRecordType, parseRecords, presentOne, presentRecords } from './record-codec.js';
import type { Route } from './routes.js';
import { MAX_RECORD_SETS_PER_ZONE, MAX_RECORDS_PER_SET, armZoneName, findAzureZone, transactAzure } from './zone-model.js';
import { forgetWritten, rememberWritten, writtenItems } from './written-forms.js';

type RecordSetRoute = Extract<Route, { kind: 'recordSet' }>;
type RecordSetsRoute = Extract<Route, { kind: 'recordSets' }>;

/** Azure DNS takes TTLs from 1 to 2,147,483,647 seconds (DNS zones and records overview, "Time-to-live"). */
const MIN_TTL = 1;
const MAX_TTL = 2147483647;
/** Azure DNS: "a total string length of up to 4096 characters in each TXT record set (across all records combined)". */
const MAX_TXT_SET_CHARACTERS = 4096;

export function recordSetJson(zone: EmuZone, rs: EmuRecordSet): Record<string, unknown> {
  const type = rs.type as AzureRecordType;
  const name = relativeOwner(rs.name, zone.name);
  const metadata = rs.metadata && Object.keys(rs.metadata).length > 0 ? { metadata: { ...rs.metadata } } : {};
  return {
    id: `${zone.id}/${type}/${name}`,
    name,
    type: `Microsoft.Network/dnszones/${type}`,
    etag: recordSetEtag(zone, rs),
    properties: {
      ...metadata,
      TTL: rs.ttl,
      fqdn: rs.name,
      provisioningState: 'Succeeded',
      ...(rs.liveSource !== undefined ? { targetResource: { id: rs.liveSource } } : {}),
      ...presentRecords(type, rs.values, writtenItems(zone, rs)),
    },
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

/** Did the write give this type's records (its ARM property, non-empty)? */
function recordsGiven(type: AzureRecordType, props: JsonObject): boolean {
  const v = props[codecFor(type).field];
  return given(v) && !(Array.isArray(v) && v.length === 0);
}

function ttlOf(props: JsonObject): number {
  return asInteger(props['TTL'], 'properties.TTL', MIN_TTL, MAX_TTL);
}

function checkValues(type: AzureRecordType, records: readonly ParsedRecord[]): void {
  const field = `properties.${codecFor(type).field}`;
  if (records.length > MAX_RECORDS_PER_SET) {
    throw badRequest(`'${field}' holds ${records.length} records; a record set holds at most ${MAX_RECORDS_PER_SET}.`, field);
  }
  const values = records.map((r) => r.value);
  if (new Set(values).size !== values.length) throw badRequest(`'${field}' contains duplicate records.`, field);
  if (type === 'TXT') {
    // Characters as .NET counts them (UTF-16 code units), the same as JavaScript's length.
    const total = records.reduce((n, r) => n + (r.shown['value'] as string[]).reduce((m, s) => m + s.length, 0), 0);
    if (total > MAX_TXT_SET_CHARACTERS) {
      throw badRequest(
        `The combined length of all TXT records in a record set may not exceed ${MAX_TXT_SET_CHARACTERS} characters (got ${total}).`,
        field,
      );
    }
  }
}

/** Azure's own name servers stay in the apex NS set: they can be added to, never removed or emptied. */
function checkApexNs(zone: EmuZone, records: readonly ParsedRecord[]): void {
  const have = new Set(records.map((r) => r.value));
  const missing = zone.nameServers.filter((ns) => !have.has(ns));
  if (missing.length > 0) {
    throw badRequest(
      `The NS record set at the zone apex (@) must keep the Azure DNS name servers assigned to the zone; they cannot be removed or modified. Missing: ${missing.join(', ')}.`,
      'properties.NSRecords',
    );
  }
}

export class RecordSetHandlers {
  constructor(
    private readonly store: ZoneStore,
    /** The Traffic Manager profiles alias record sets may point at. */
    private readonly profiles: TrafficManagerStore = new TrafficManagerStore(),
  ) {}

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

  /** Re-read after a commit and remember how the client wrote the records. */
  private committed(
    zoneId: string,
    owner: string,
    type: AzureRecordType,
    items?: readonly JsonObject[],
  ): { zone: EmuZone; rs: EmuRecordSet } {
    const zone = this.store.getZone(zoneId);
    const rs = zone?.records.get(recordKey(owner, type));
    if (!zone || !rs) throw new ArmError(500, 'InternalServerError', 'The record set vanished while being written.');
    if (items) rememberWritten(zone, rs, items);
    return { zone, rs };
  }

  /** The apex SOA as the client last saw it, for an SOA write to be merged into. */
  private currentSoa(zone: EmuZone): ParsedRecord | undefined {
    const soa = zone.records.get(recordKey(zone.name, 'SOA'));
    if (!soa?.values[0]) return undefined;
    return { value: soa.values[0], shown: writtenItems(zone, soa)?.[0] ?? presentOne('SOA', soa.values[0]) };
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
    const ttl = ttlOf(props);
    const metadata = given(props['metadata']) ? asStringMap(props['metadata'], 'properties.metadata') : undefined;
    const apex = owner === zone.name;
    if (type === 'SOA' && !apex) throw badRequest('SOA record sets exist only at the zone apex (@).', 'relativeRecordSetName');
    if (type === 'SOA' && !given(props['SOARecord'])) throw badRequest("'properties.SOARecord' is required.", 'properties.SOARecord');
    if (type === 'CNAME' && apex) throw badRequest('CNAME record sets are not allowed at the zone apex.', 'relativeRecordSetName');
    if (type === 'NS' && owner.startsWith('*.')) {
      throw badRequest('Wildcard record sets are supported for every record type except NS and SOA.', 'relativeRecordSetName');
    }
    const alias = aliasTargetOf(props, type, recordsGiven(type, props), this.profiles);
    const records = parseRecords(type, props, this.currentSoa(zone)) ?? [];
    checkValues(type, records);
    if (type === 'NS' && apex) checkApexNs(zone, records);
    const values = records.map((r) => r.value);

    const created = transactAzure(this.store, zone.id, (draft) => {
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
      draft.put({ name: owner, type, ttl, values, ...(metadata ? { metadata } : {}), ...(alias ? { liveSource: alias } : {}) });
      return current === undefined;
    });
    const after = this.committed(
      zone.id,
      owner,
      type,
      records.map((r) => r.shown),
    );
    return { status: created ? 201 : 200, body: recordSetJson(after.zone, after.rs), etag: recordSetEtag(after.zone, after.rs) };
  }

  /** Given properties replace, the others stay. */
  private patch(zone: EmuZone, type: AzureRecordType, owner: string, route: RecordSetRoute, req: ArmRequest): ArmResponse {
    const props = propertiesOf(req.body);
    const ttl = given(props['TTL']) ? ttlOf(props) : undefined;
    const metadata = given(props['metadata']) ? asStringMap(props['metadata'], 'properties.metadata') : undefined;
    const alias = aliasTargetOf(props, type, recordsGiven(type, props), this.profiles);
    const records = parseRecords(type, props, this.currentSoa(zone));
    if (records) checkValues(type, records);
    if (records && type === 'NS' && owner === zone.name) checkApexNs(zone, records);

    const kept = transactAzure(this.store, zone.id, (draft) => {
      const current = draft.get(owner, type);
      checkPreconditions(current && recordSetEtag(zone, current), { ifMatch: req.preconditions.ifMatch });
      if (!current) throw new ArmError(404, 'NotFound', `The resource record '${route.relativeName}' of type '${type}' does not exist.`);
      const nextMetadata = metadata ?? current.metadata;
      // Records given replace an alias; an alias given replaces records; neither keeps what is there.
      const liveSource = alias ?? (records && records.length > 0 ? undefined : current.liveSource);
      draft.put({
        name: owner,
        type,
        ttl: ttl ?? current.ttl,
        values: records ? records.map((r) => r.value) : alias ? [] : current.values,
        ...(nextMetadata ? { metadata: nextMetadata } : {}),
        ...(liveSource !== undefined ? { liveSource } : {}),
      });
      // Records not given keep the form they were written in.
      return records ? undefined : writtenItems(zone, current);
    });
    const after = this.committed(zone.id, owner, type, records ? records.map((r) => r.shown) : kept);
    return { status: 200, body: recordSetJson(after.zone, after.rs), etag: recordSetEtag(after.zone, after.rs) };
  }

  private delete(zone: EmuZone, type: AzureRecordType, owner: string, req: ArmRequest): ArmResponse {
    if (type === 'SOA') throw badRequest('The SOA record set is deleted with its zone and cannot be deleted alone.', 'recordType');
    if (type === 'NS' && owner === zone.name)
      throw badRequest('The NS record set at the zone apex (@) cannot be deleted.', 'relativeRecordSetName');
    const deleted = transactAzure(this.store, zone.id, (draft) => {
      const current = draft.get(owner, type);
      checkPreconditions(current && recordSetEtag(zone, current), { ifMatch: req.preconditions.ifMatch });
      return current ? draft.delete(owner, type) : false;
    });
    if (deleted) forgetWritten(zone, owner, type);
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
