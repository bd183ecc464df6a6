/**
 * Zones_*: get, create or update (PUT, with If-Match / If-None-Match), update
 * tags (PATCH), delete, and list by subscription or resource group. Zone tags
 * and the zone's write version live here, beside the store, as only ARM has them.
 */
import type { EmuZone, ZoneStore } from '../core/zone-store.js';
import { ArmError, badRequest } from './arm-error.js';
import { checkPreconditions, uuidShaped } from './etag.js';
import type { ArmRequest, ArmResponse } from './handler-types.js';
import { asArray, asObject, asString, asStringMap, given } from './json-fields.js';
import { checkZoneName } from './names.js';
import { nextLink, paginate, readPageRequest } from './paging.js';
import type { Route } from './routes.js';
import {
  MAX_RECORD_SETS_PER_ZONE,
  MAX_RECORDS_PER_SET,
  armZoneName,
  createAzureZone,
  findAzureZone,
  listAzureZones,
} from './zone-model.js';

type ZoneRoute = Extract<Route, { kind: 'zone' }>;
type ZonesRoute = Extract<Route, { kind: 'zones' }>;

interface ZoneExtras {
  version: number;
  tags: Record<string, string>;
}

export class ZoneHandlers {
  /** Keyed by id and creation time, so a re-created zone starts afresh. */
  private readonly extras = new Map<string, ZoneExtras>();

  constructor(private readonly store: ZoneStore) {}

  private extrasOf(zone: EmuZone): ZoneExtras {
    const key = `${zone.id}|${zone.createdAt.getTime()}`;
    let e = this.extras.get(key);
    if (!e) {
      e = { version: 1, tags: {} };
      this.extras.set(key, e);
    }
    return e;
  }

  etag(zone: EmuZone): string {
    const e = this.extrasOf(zone);
    return uuidShaped('zone', zone.id, zone.createdAt.getTime(), e.version, e.tags);
  }

  json(zone: EmuZone): Record<string, unknown> {
    const { tags } = this.extrasOf(zone);
    return {
      id: zone.id,
      name: armZoneName(zone),
      type: 'Microsoft.Network/dnszones',
      location: 'global',
      ...(Object.keys(tags).length > 0 ? { tags } : {}),
      etag: this.etag(zone),
      properties: {
        maxNumberOfRecordSets: MAX_RECORD_SETS_PER_ZONE,
        maxNumberOfRecordsPerRecordSet: MAX_RECORDS_PER_SET,
        numberOfRecordSets: zone.records.size,
        nameServers: [...zone.nameServers],
        zoneType: 'Public',
      },
    };
  }

  private notFound(route: ZoneRoute): ArmError {
    return new ArmError(
      404,
      'ResourceNotFound',
      `The Resource 'Microsoft.Network/dnszones/${route.zoneName}' under resource group '${route.resourceGroup}' was not found.`,
    );
  }

  handle(route: ZoneRoute, req: ArmRequest): ArmResponse {
    switch (route.operation) {
      case 'Zones_Get': {
        const zone = findAzureZone(this.store, route, route.zoneName);
        if (!zone) throw this.notFound(route);
        return { status: 200, body: this.json(zone), etag: this.etag(zone) };
      }
      case 'Zones_CreateOrUpdate':
        return this.put(route, req);
      case 'Zones_Update':
        return this.patch(route, req);
      case 'Zones_Delete':
        return this.delete(route, req);
    }
  }

  private put(route: ZoneRoute, req: ArmRequest): ArmResponse {
    const zoneName = checkZoneName(route.zoneName);
    const body = asObject(req.body, 'body');
    if (!given(body['location']))
      throw new ArmError(400, 'LocationRequired', 'The location property is required for this definition.', 'location');
    const location = asString(body['location'], 'location');
    if (location.toLowerCase() !== 'global')
      throw badRequest(`DNS zones are global: 'location' must be 'global', got '${location}'.`, 'location');
    const tags = given(body['tags']) ? asStringMap(body['tags'], 'tags') : {};
    const props = given(body['properties']) ? asObject(body['properties'], 'properties') : {};
    if (given(props['zoneType']) && asString(props['zoneType'], 'properties.zoneType') !== 'Public') {
      throw badRequest(
        "Private zones are not emulated: only zoneType 'Public' is served (private zones are Microsoft.Network/privateDnsZones).",
        'properties.zoneType',
      );
    }
    for (const key of ['registrationVirtualNetworks', 'resolutionVirtualNetworks']) {
      // Virtual-network links belong to private zones; a public zone takes none.
      if (given(props[key]) && asArray(props[key], `properties.${key}`).length > 0) {
        throw badRequest(
          `Virtual network links of private zones are not emulated: 'properties.${key}' must be empty for a public zone.`,
          `properties.${key}`,
        );
      }
    }
    const existing = findAzureZone(this.store, route, zoneName);
    checkPreconditions(existing && this.etag(existing), req.preconditions);
    const zone = existing ?? createAzureZone(this.store, route, zoneName);
    const extras = this.extrasOf(zone);
    if (existing) extras.version += 1;
    extras.tags = tags;
    return { status: existing ? 200 : 201, body: this.json(zone), etag: this.etag(zone) };
  }

  private patch(route: ZoneRoute, req: ArmRequest): ArmResponse {
    const body = asObject(req.body, 'body');
    const zone = findAzureZone(this.store, route, route.zoneName);
    checkPreconditions(zone && this.etag(zone), { ifMatch: req.preconditions.ifMatch });
    if (!zone) throw this.notFound(route);
    const extras = this.extrasOf(zone);
    if (given(body['tags'])) extras.tags = asStringMap(body['tags'], 'tags');
    extras.version += 1;
    return { status: 200, body: this.json(zone), etag: this.etag(zone) };
  }

  /** Done at once: a 200 without polling headers is a finished long-running operation to the SDK. */
  private delete(route: ZoneRoute, req: ArmRequest): ArmResponse {
    const zone = findAzureZone(this.store, route, route.zoneName);
    checkPreconditions(zone && this.etag(zone), { ifMatch: req.preconditions.ifMatch });
    if (!zone) return { status: 204 };
    this.extras.delete(`${zone.id}|${zone.createdAt.getTime()}`);
    this.store.deleteZone(zone.id);
    return { status: 200 };
  }

  list(route: ZonesRoute, req: ArmRequest): ArmResponse {
    const page = readPageRequest(req.query);
    const keyOf = (z: EmuZone) => `${z.name}|${z.id.toLowerCase()}`;
    const zones = listAzureZones(this.store, route.subscriptionId, route.resourceGroup).sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
    const result = paginate(zones, keyOf, page);
    const body: Record<string, unknown> = { value: result.items.map((z) => this.json(z)) };
    if (result.nextAfter !== undefined) body['nextLink'] = nextLink(req.origin, req.pathname, req.query, result.nextAfter, page.top);
    return { status: 200, body };
  }
}
