/**
 * Profiles_* and Endpoints_* (Traffic Manager, api-version 2022-04-01). Traffic
 * Manager profiles carry no ETag in this API version (the spec's Profile and
 * Endpoint have none, and the SDK sends no If-Match), so writes are last-writer-wins
 * as in Azure; the alias record sets that point at a profile keep Azure DNS's
 * ETags and If-Match.
 */
import { ArmError, badRequest } from '../arm-error.js';
import type { ArmRequest, ArmResponse } from '../handler-types.js';
import type { JsonObject } from '../json-fields.js';
import { asArray, asObject, asString, given } from '../json-fields.js';
import type { EndpointMonitorStatus } from './decision.js';
import {
  checkLocation,
  checkProfile,
  ENDPOINT_TYPE,
  endpointJson,
  endpointOf,
  maxReturnOf,
  monitorConfigOf,
  profileJson,
  relativeNameOf,
  routingMethodOf,
  tagsOf,
  ttlOf,
  type StatusOf,
} from './profile-codec.js';
import type { ExternalEndpoint, TrafficManagerProfile } from './profile-model.js';
import { idKey, profileResourceId, type TrafficManagerStore } from './profile-model.js';

interface ProfileScope {
  subscriptionId: string;
  resourceGroup: string;
  profileName: string;
}
export type ProfileRoute = ProfileScope & {
  kind: 'tmProfile';
  operation: 'Profiles_Get' | 'Profiles_CreateOrUpdate' | 'Profiles_Update' | 'Profiles_Delete';
};
export type ProfilesRoute = {
  kind: 'tmProfiles';
  operation: 'Profiles_ListBySubscription' | 'Profiles_ListByResourceGroup';
  subscriptionId: string;
  resourceGroup?: string;
};
export type EndpointRoute = ProfileScope & {
  kind: 'tmEndpoint';
  operation: 'Endpoints_Get' | 'Endpoints_CreateOrUpdate' | 'Endpoints_Update' | 'Endpoints_Delete';
  endpointType: string;
  endpointName: string;
};

const sameText = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function notFound(scope: ProfileScope): ArmError {
  return new ArmError(
    404,
    'ResourceNotFound',
    `The Resource 'Microsoft.Network/trafficManagerProfiles/${scope.profileName}' under resource group '${scope.resourceGroup}' was not found.`,
  );
}

function checkEndpointType(raw: string, target: string): void {
  if (sameText(raw, 'ExternalEndpoints') || sameText(raw, ENDPOINT_TYPE)) return;
  const known = ['AzureEndpoints', 'NestedEndpoints'].find((t) => raw.toLowerCase().endsWith(t.toLowerCase()));
  if (known) {
    throw badRequest(
      `Endpoint type '${known}' is not emulated: the Traffic Manager emulator serves external endpoints (ExternalEndpoints) only.`,
      target,
    );
  }
  throw badRequest(`The endpoint type '${raw}' is invalid; expected ExternalEndpoints, AzureEndpoints or NestedEndpoints.`, target);
}

export class TrafficManagerHandlers {
  constructor(
    private readonly store: TrafficManagerStore,
    private readonly status: StatusOf,
    private readonly onDelete: (profileId: string) => void = () => undefined,
  ) {}

  private idOf(scope: ProfileScope): string {
    return profileResourceId(scope.subscriptionId, scope.resourceGroup, scope.profileName);
  }

  private existing(scope: ProfileScope): TrafficManagerProfile | undefined {
    return this.store.get(this.idOf(scope));
  }

  list(route: ProfilesRoute): ArmResponse {
    const value = this.store
      .list()
      .filter((p) => sameText(p.subscriptionId, route.subscriptionId))
      .filter((p) => route.resourceGroup === undefined || sameText(p.resourceGroup, route.resourceGroup))
      .map((p) => profileJson(p, this.status));
    return { status: 200, body: { value } };
  }

  profile(route: ProfileRoute, req: ArmRequest): ArmResponse {
    const current = this.existing(route);
    switch (route.operation) {
      case 'Profiles_Get':
        if (!current) throw notFound(route);
        return { status: 200, body: profileJson(current, this.status) };
      case 'Profiles_CreateOrUpdate': {
        const next = this.build(route, asObject(req.body, 'body'), undefined, current);
        this.store.put(next);
        return { status: current ? 200 : 201, body: profileJson(next, this.status) };
      }
      case 'Profiles_Update': {
        if (!current) throw notFound(route);
        const next = this.build(route, asObject(req.body, 'body'), current, current);
        this.store.put(next);
        return { status: 200, body: profileJson(next, this.status) };
      }
      case 'Profiles_Delete': {
        if (!current) return { status: 204 };
        this.store.delete(current.id);
        this.onDelete(current.id);
        return { status: 200, body: { boolean: true } };
      }
    }
  }

  /**
   * A PUT (base undefined: everything not given takes its default) or a PATCH
   * (base = the current profile: what is not given stays). `current` keeps the
   * resource's name as first written.
   */
  private build(
    scope: ProfileScope,
    body: JsonObject,
    base: TrafficManagerProfile | undefined,
    current?: TrafficManagerProfile,
  ): TrafficManagerProfile {
    checkLocation(body['location']);
    const props = given(body['properties']) ? asObject(body['properties'], 'properties') : {};
    const routing =
      given(props['trafficRoutingMethod']) || !base ? routingMethodOf(props['trafficRoutingMethod']) : base.trafficRoutingMethod;
    const dns = given(props['dnsConfig']) ? asObject(props['dnsConfig'], 'properties.dnsConfig') : {};
    if (!base && !given(props['dnsConfig'])) throw badRequest("'properties.dnsConfig' is required.", 'properties.dnsConfig');
    const relativeName = given(dns['relativeName']) || !base ? relativeNameOf(dns['relativeName']) : base.relativeName;
    const holder = this.store.holderOf(relativeName);
    if (holder && idKey(holder.id) !== idKey(this.idOf(scope))) {
      throw new ArmError(
        409,
        'Conflict',
        `The relative DNS name '${relativeName}' is already used by the Traffic Manager profile '${holder.id}'.`,
        'properties.dnsConfig.relativeName',
      );
    }
    if (base && current && !sameText(relativeName, current.relativeName)) {
      throw badRequest(
        "'properties.dnsConfig.relativeName' cannot be changed after the profile is created.",
        'properties.dnsConfig.relativeName',
      );
    }
    if (!base && !given(props['monitorConfig'])) throw badRequest("'properties.monitorConfig' is required.", 'properties.monitorConfig');
    const monitorConfig = monitorConfigOf(props['monitorConfig'], base?.monitorConfig);
    const profileStatus = given(props['profileStatus'])
      ? ((['Enabled', 'Disabled'] as const).find((s) => sameText(s, asString(props['profileStatus'], 'properties.profileStatus'))) ??
        (() => {
          throw badRequest("'properties.profileStatus' must be Enabled or Disabled.", 'properties.profileStatus');
        })())
      : (base?.profileStatus ?? 'Enabled');
    if (given(props['trafficViewEnrollmentStatus']) && sameText(String(props['trafficViewEnrollmentStatus']), 'Enabled')) {
      throw badRequest('Traffic View is not emulated.', 'properties.trafficViewEnrollmentStatus');
    }
    const endpoints = given(props['endpoints'])
      ? asArray(props['endpoints'], 'properties.endpoints').map((raw, i) => {
          const field = `properties.endpoints[${i}]`;
          const item = asObject(raw, field);
          if (!given(item['name'])) throw badRequest(`'${field}.name' is required.`, `${field}.name`);
          const name = asString(item['name'], `${field}.name`);
          if (!given(item['type'])) throw badRequest(`'${field}.type' is required (${ENDPOINT_TYPE}).`, `${field}.type`);
          checkEndpointType(asString(item['type'], `${field}.type`), `${field}.type`);
          const eprops = given(item['properties']) ? asObject(item['properties'], `${field}.properties`) : {};
          const previous = current?.endpoints.find((e) => sameText(e.name, name));
          return endpointOf(name, eprops, `${field}.properties`, { index: i, previous: base ? previous : undefined });
        })
      : (base?.endpoints ?? []);
    const maxReturn = given(props['maxReturn']) ? maxReturnOf(props['maxReturn']) : routing === 'MultiValue' ? base?.maxReturn : undefined;
    const next: TrafficManagerProfile = {
      id: current?.id ?? this.idOf(scope),
      subscriptionId: current?.subscriptionId ?? scope.subscriptionId,
      resourceGroup: current?.resourceGroup ?? scope.resourceGroup,
      name: current?.name ?? scope.profileName,
      tags: given(body['tags']) || !base ? tagsOf(body['tags']) : base.tags,
      profileStatus,
      trafficRoutingMethod: routing,
      relativeName,
      ttl: ttlOf(dns['ttl'], base?.ttl),
      monitorConfig,
      endpoints,
      ...(maxReturn !== undefined ? { maxReturn } : {}),
    };
    checkProfile(next);
    return next;
  }

  endpoint(route: EndpointRoute, req: ArmRequest): ArmResponse {
    checkEndpointType(route.endpointType, 'endpointType');
    const profile = this.existing(route);
    if (!profile) throw notFound(route);
    const current = profile.endpoints.find((e) => sameText(e.name, route.endpointName));
    const missing = () =>
      new ArmError(404, 'NotFound', `The endpoint '${route.endpointName}' does not exist in Traffic Manager profile '${profile.name}'.`);
    switch (route.operation) {
      case 'Endpoints_Get':
        if (!current) throw missing();
        return { status: 200, body: endpointJson(profile, current, this.status) };
      case 'Endpoints_CreateOrUpdate':
      case 'Endpoints_Update': {
        const patch = route.operation === 'Endpoints_Update';
        if (patch && !current) throw missing();
        const body = asObject(req.body, 'body');
        if (given(body['type'])) checkEndpointType(asString(body['type'], 'type'), 'type');
        const props = given(body['properties']) ? asObject(body['properties'], 'properties') : {};
        // A priority not given: the endpoint's own, or after the last one (Azure appends new endpoints last).
        const index = current ? current.priority - 1 : Math.max(0, ...profile.endpoints.map((e) => e.priority));
        const next: ExternalEndpoint = endpointOf(current?.name ?? route.endpointName, props, 'properties', {
          index,
          previous: patch ? current : undefined,
        });
        const endpoints = current ? profile.endpoints.map((e) => (e === current ? next : e)) : [...profile.endpoints, next];
        const updated = { ...profile, endpoints };
        checkProfile(updated);
        this.store.put(updated);
        return { status: current ? 200 : 201, body: endpointJson(updated, next, this.status) };
      }
      case 'Endpoints_Delete': {
        if (!current) return { status: 204 };
        this.store.put({ ...profile, endpoints: profile.endpoints.filter((e) => e !== current) });
        return { status: 200, body: { boolean: true } };
      }
    }
  }
}

export type { EndpointMonitorStatus };
