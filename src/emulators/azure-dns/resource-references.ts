/**
 * DnsResourceReference_GetByTargetResources (POST
 * /subscriptions/{sub}/providers/Microsoft.Network/getDnsResourceReference):
 * which record sets are aliases of the given Azure resources. Alias record
 * sets are not emulated (a PUT with `properties.targetResource` is refused),
 * so every target comes back with no referencing record sets, in the shape
 * the REST spec gives: `{properties:{dnsResourceReferences:[{dnsResources,targetResource}]}}`.
 */
import type { ArmRequest, ArmResponse } from './handler-types.js';
import { asArray, asObject, given, requiredString } from './json-fields.js';

export function dnsResourceReferences(req: ArmRequest): ArmResponse {
  const body = asObject(req.body, 'body');
  const props = given(body['properties']) ? asObject(body['properties'], 'properties') : {};
  const targets = given(props['targetResources']) ? asArray(props['targetResources'], 'properties.targetResources') : [];
  const dnsResourceReferences = targets.map((t, i) => {
    const field = `properties.targetResources[${i}]`;
    const target = asObject(t, field);
    const id = requiredString(target, 'id', `${field}.id`);
    return { dnsResources: [], targetResource: { id } };
  });
  return { status: 200, body: { properties: { dnsResourceReferences } } };
}
