/**
 * DnsResourceReference_GetByTargetResources (POST
 * /subscriptions/{sub}/providers/Microsoft.Network/getDnsResourceReference):
 * which record sets are aliases of the given Azure resources, in the shape the
 * REST spec gives: `{properties:{dnsResourceReferences:[{dnsResources:[{id}],targetResource}]}}`.
 * Only Traffic Manager profiles can be alias targets here; other targets come
 * back with no referencing record sets.
 */
import type { ZoneStore } from '../core/zone-store.js';
import type { ArmRequest, ArmResponse } from './handler-types.js';
import { asArray, asObject, given, requiredString } from './json-fields.js';
import { relativeOwner } from './names.js';
import { idKey } from './traffic-manager/profile-model.js';

export function dnsResourceReferences(req: ArmRequest, store: ZoneStore): ArmResponse {
  const body = asObject(req.body, 'body');
  const props = given(body['properties']) ? asObject(body['properties'], 'properties') : {};
  const targets = given(props['targetResources']) ? asArray(props['targetResources'], 'properties.targetResources') : [];
  const dnsResourceReferences = targets.map((t, i) => {
    const field = `properties.targetResources[${i}]`;
    const target = asObject(t, field);
    const id = requiredString(target, 'id', `${field}.id`);
    const dnsResources = store
      .listZones()
      .flatMap((zone) =>
        [...zone.records.values()]
          .filter((rs) => rs.liveSource !== undefined && idKey(rs.liveSource) === idKey(id))
          .map((rs) => ({ id: `${zone.id}/${rs.type}/${relativeOwner(rs.name, zone.name)}` })),
      );
    return { dnsResources, targetResource: { id } };
  });
  return { status: 200, body: { properties: { dnsResourceReferences } } };
}
