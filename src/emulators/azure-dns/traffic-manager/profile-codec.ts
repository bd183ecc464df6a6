/**
 * Traffic Manager profile and endpoint JSON (api-version 2022-04-01) ⇄ the
 * emulator's model, with the checks Azure documents ("Traffic Manager endpoint
 * monitoring", "Traffic Manager routing methods", the REST spec's descriptions).
 * Features outside the emulated subset are refused with an error naming them.
 */
import { isIP, isIPv4, isIPv6 } from 'node:net';
import { badRequest } from '../arm-error.js';
import type { JsonObject } from '../json-fields.js';
import { asArray, asInteger, asObject, asString, asStringMap, given } from '../json-fields.js';
import type { EmulatedRoutingMethod, EndpointMonitorStatus } from './decision.js';
import type { ExternalEndpoint, MonitorConfig, MonitorProtocol, TrafficManagerProfile } from './profile-model.js';
import { TRAFFIC_MANAGER_DOMAIN } from './profile-model.js';

export const EMULATED_ROUTING_METHODS: readonly EmulatedRoutingMethod[] = ['Priority', 'MultiValue'];
/** The spec's other TrafficRoutingMethod values, refused by name. */
export const REFUSED_ROUTING_METHODS = ['Performance', 'Weighted', 'Geographic', 'Subnet'] as const;
export const ENDPOINT_TYPE = 'Microsoft.Network/trafficManagerProfiles/externalEndpoints';
const PROFILE_TYPE = 'Microsoft.Network/trafficManagerProfiles';
/** Azure: at most 200 endpoints per profile; MultiValue answers 1–8 records. */
const MAX_ENDPOINTS = 200;
const MAX_RETURN = 8;
const MAX_TTL = 2147483647;

function notEmulated(what: string, target: string): never {
  throw badRequest(
    `${what} is not emulated: the Traffic Manager emulator serves Priority and MultiValue profiles with external endpoints only.`,
    target,
  );
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], field: string): T {
  const s = asString(v, field);
  const hit = allowed.find((a) => a.toLowerCase() === s.toLowerCase());
  if (!hit) throw badRequest(`'${field}' must be one of ${allowed.join(', ')}, got '${s}'.`, field);
  return hit;
}

export function routingMethodOf(v: unknown): EmulatedRoutingMethod {
  const field = 'properties.trafficRoutingMethod';
  if (!given(v)) throw badRequest(`'${field}' is required.`, field);
  const s = asString(v, field);
  const refused = REFUSED_ROUTING_METHODS.find((m) => m.toLowerCase() === s.toLowerCase());
  if (refused) notEmulated(`The traffic routing method '${refused}' (of ${REFUSED_ROUTING_METHODS.join(', ')})`, field);
  return oneOf(s, EMULATED_ROUTING_METHODS, field);
}

/** intervalInSeconds 30 (default) or 10; timeoutInSeconds 5–10 with 30, 5–9 with 10; toleratedNumberOfFailures 0–9. */
export function monitorConfigOf(raw: unknown, previous?: MonitorConfig): MonitorConfig {
  const field = 'properties.monitorConfig';
  const m = given(raw) ? asObject(raw, field) : {};
  if (!previous && !given(m['protocol'])) throw badRequest(`'${field}.protocol' is required.`, `${field}.protocol`);
  const protocol: MonitorProtocol = given(m['protocol'])
    ? oneOf(m['protocol'], ['HTTP', 'HTTPS', 'TCP'] as const, `${field}.protocol`)
    : previous!.protocol;
  if (!previous && !given(m['port'])) throw badRequest(`'${field}.port' is required.`, `${field}.port`);
  const port = given(m['port']) ? asInteger(m['port'], `${field}.port`, 1, 65535) : previous!.port;
  const interval = given(m['intervalInSeconds'])
    ? asInteger(m['intervalInSeconds'], `${field}.intervalInSeconds`, 10, 30)
    : (previous?.intervalInSeconds ?? 30);
  if (interval !== 10 && interval !== 30) {
    throw badRequest(
      `'${field}.intervalInSeconds' must be 30 (normal probing) or 10 (fast probing), got ${interval}.`,
      `${field}.intervalInSeconds`,
    );
  }
  const maxTimeout = interval === 30 ? 10 : 9;
  const timeout = given(m['timeoutInSeconds'])
    ? asInteger(m['timeoutInSeconds'], `${field}.timeoutInSeconds`, 5, maxTimeout)
    : Math.min(previous?.timeoutInSeconds ?? maxTimeout, maxTimeout);
  const tolerated = given(m['toleratedNumberOfFailures'])
    ? asInteger(m['toleratedNumberOfFailures'], `${field}.toleratedNumberOfFailures`, 0, 9)
    : (previous?.toleratedNumberOfFailures ?? 3);
  // "Specifying the path setting is required [for HTTP and HTTPS]. Providing this setting for the TCP monitoring protocol results in an error."
  let path: string | undefined = given(m['path']) ? asString(m['path'], `${field}.path`) : protocol === 'TCP' ? undefined : previous?.path;
  if (protocol === 'TCP' && given(m['path']))
    throw badRequest(`'${field}.path' is not allowed with the TCP monitoring protocol.`, `${field}.path`);
  if (protocol === 'TCP') path = undefined;
  else if (path === undefined) throw badRequest(`'${field}.path' is required with the ${protocol} monitoring protocol.`, `${field}.path`);
  else if (!path.startsWith('/')) throw badRequest(`'${field}.path' must start with '/', got '${path}'.`, `${field}.path`);
  const customHeaders = given(m['customHeaders'])
    ? asArray(m['customHeaders'], `${field}.customHeaders`).map((h, i) => {
        const o = asObject(h, `${field}.customHeaders[${i}]`);
        return {
          name: asString(o['name'], `${field}.customHeaders[${i}].name`),
          value: asString(o['value'], `${field}.customHeaders[${i}].value`),
        };
      })
    : previous?.customHeaders;
  if (customHeaders && customHeaders.length > 8)
    throw badRequest(`'${field}.customHeaders' holds at most 8 headers.`, `${field}.customHeaders`);
  const ranges = given(m['expectedStatusCodeRanges'])
    ? asArray(m['expectedStatusCodeRanges'], `${field}.expectedStatusCodeRanges`).map((r, i) => {
        const f = `${field}.expectedStatusCodeRanges[${i}]`;
        const o = asObject(r, f);
        const min = asInteger(o['min'], `${f}.min`, 100, 999);
        const max = asInteger(o['max'], `${f}.max`, 100, 999);
        if (min > max) throw badRequest(`'${f}': min ${min} is above max ${max}.`, f);
        return { min, max };
      })
    : previous?.expectedStatusCodeRanges;
  if (ranges && ranges.length > 8)
    throw badRequest(`'${field}.expectedStatusCodeRanges' holds at most 8 ranges.`, `${field}.expectedStatusCodeRanges`);
  return {
    protocol,
    port,
    ...(path !== undefined ? { path } : {}),
    intervalInSeconds: interval,
    timeoutInSeconds: timeout,
    toleratedNumberOfFailures: tolerated,
    ...(customHeaders ? { customHeaders } : {}),
    ...(ranges ? { expectedStatusCodeRanges: ranges } : {}),
  };
}

export interface EndpointDefaults {
  /** Position in the profile, for the default priority. */
  readonly index: number;
  readonly previous?: ExternalEndpoint;
}

/** An endpoint's `properties` (from an endpoint PUT/PATCH or an item of the profile's `endpoints`). */
export function endpointOf(name: string, props: JsonObject, field: string, d: EndpointDefaults): ExternalEndpoint {
  if (given(props['targetResourceId'])) notEmulated("'targetResourceId' (Azure endpoints)", `${field}.targetResourceId`);
  if (given(props['alwaysServe']) && String(props['alwaysServe']).toLowerCase() === 'enabled')
    notEmulated("'alwaysServe: Enabled'", `${field}.alwaysServe`);
  for (const k of ['geoMapping', 'subnets', 'minChildEndpoints']) {
    if (given(props[k]) && !(Array.isArray(props[k]) && props[k].length === 0)) notEmulated(`'${k}'`, `${field}.${k}`);
  }
  const target = given(props['target']) ? asString(props['target'], `${field}.target`).trim() : d.previous?.target;
  if (!target) throw badRequest(`'${field}.target' is required for external endpoints.`, `${field}.target`);
  if (
    !isIP(target) &&
    !/^(?=.{1,253}$)([A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.?$/.test(target)
  ) {
    throw badRequest(`'${field}.target' must be an IP address or a fully-qualified domain name, got '${target}'.`, `${field}.target`);
  }
  const endpointStatus = given(props['endpointStatus'])
    ? oneOf(props['endpointStatus'], ['Enabled', 'Disabled'] as const, `${field}.endpointStatus`)
    : (d.previous?.endpointStatus ?? 'Enabled');
  const priority = given(props['priority'])
    ? asInteger(props['priority'], `${field}.priority`, 1, 1000)
    : (d.previous?.priority ?? d.index + 1);
  const weight = given(props['weight']) ? asInteger(props['weight'], `${field}.weight`, 1, 1000) : (d.previous?.weight ?? 1);
  const location = given(props['endpointLocation'])
    ? asString(props['endpointLocation'], `${field}.endpointLocation`)
    : d.previous?.endpointLocation;
  return { name, target, endpointStatus, priority, weight, ...(location ? { endpointLocation: location } : {}) };
}

/** The checks that involve the whole profile: unique names and priorities, MultiValue's address-only targets. */
export function checkProfile(p: Omit<TrafficManagerProfile, 'id' | 'subscriptionId' | 'resourceGroup' | 'name' | 'tags'>): void {
  if (p.endpoints.length > MAX_ENDPOINTS) throw badRequest(`A profile holds at most ${MAX_ENDPOINTS} endpoints.`, 'properties.endpoints');
  const names = new Set<string>();
  const priorities = new Map<number, string>();
  for (const e of p.endpoints) {
    const key = e.name.toLowerCase();
    if (names.has(key)) throw badRequest(`The endpoint name '${e.name}' is used twice in the profile.`, 'properties.endpoints');
    names.add(key);
    if (p.trafficRoutingMethod === 'Priority') {
      const other = priorities.get(e.priority);
      if (other)
        throw badRequest(
          `Endpoints '${other}' and '${e.name}' share priority ${e.priority}; priorities must be unique.`,
          'properties.endpoints',
        );
      priorities.set(e.priority, e.name);
    }
    if (p.trafficRoutingMethod === 'MultiValue' && !isIP(e.target)) {
      throw badRequest(
        `MultiValue profiles take external endpoints with IPv4 or IPv6 address targets only; endpoint '${e.name}' has '${e.target}'.`,
        'properties.endpoints',
      );
    }
  }
  if (p.trafficRoutingMethod === 'MultiValue' && p.maxReturn === undefined) {
    throw badRequest(`'properties.maxReturn' is required for the MultiValue routing method (1 to ${MAX_RETURN}).`, 'properties.maxReturn');
  }
  if (p.trafficRoutingMethod !== 'MultiValue' && p.maxReturn !== undefined) {
    throw badRequest("'properties.maxReturn' applies to the MultiValue routing method only.", 'properties.maxReturn');
  }
}

export function maxReturnOf(v: unknown): number | undefined {
  return given(v) ? asInteger(v, 'properties.maxReturn', 1, MAX_RETURN) : undefined;
}

export function ttlOf(v: unknown, previous?: number): number {
  return given(v) ? asInteger(v, 'properties.dnsConfig.ttl', 0, MAX_TTL) : (previous ?? 60);
}

export function relativeNameOf(v: unknown): string {
  const field = 'properties.dnsConfig.relativeName';
  if (!given(v)) throw badRequest(`'${field}' is required.`, field);
  const s = asString(v, field).toLowerCase();
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(s)) {
    throw badRequest(`'${field}' must be one DNS label (letters, digits, hyphens; 1–63 characters), got '${s}'.`, field);
  }
  return s;
}

export function tagsOf(v: unknown): Record<string, string> {
  return given(v) ? asStringMap(v, 'tags') : {};
}

export function checkLocation(v: unknown): void {
  if (given(v) && asString(v, 'location').toLowerCase() !== 'global') {
    throw badRequest(`Traffic Manager profiles live in location 'global', got '${String(v)}'.`, 'location');
  }
}

export type StatusOf = (profile: TrafficManagerProfile, endpoint: ExternalEndpoint) => EndpointMonitorStatus;

export function endpointJson(p: TrafficManagerProfile, e: ExternalEndpoint, status: StatusOf): JsonObject {
  return {
    id: `${p.id}/externalEndpoints/${e.name}`,
    name: e.name,
    type: ENDPOINT_TYPE,
    properties: {
      endpointStatus: e.endpointStatus,
      endpointMonitorStatus: status(p, e),
      target: e.target,
      weight: e.weight,
      priority: e.priority,
      ...(e.endpointLocation ? { endpointLocation: e.endpointLocation } : {}),
      alwaysServe: 'Disabled',
    },
  };
}

/** The profile's own monitor status: Online when any endpoint is, else the most telling of theirs. */
function profileMonitorStatus(p: TrafficManagerProfile, status: StatusOf): string {
  if (p.profileStatus === 'Disabled') return 'Disabled';
  const all = p.endpoints.map((e) => status(p, e));
  if (all.includes('Online')) return 'Online';
  if (all.includes('CheckingEndpoint')) return 'CheckingEndpoints';
  if (all.includes('Degraded')) return 'Degraded';
  return 'Inactive';
}

export function profileJson(p: TrafficManagerProfile, status: StatusOf): JsonObject {
  const { customHeaders, expectedStatusCodeRanges, ...monitor } = p.monitorConfig;
  return {
    id: p.id,
    name: p.name,
    type: PROFILE_TYPE,
    location: 'global',
    tags: { ...p.tags },
    properties: {
      profileStatus: p.profileStatus,
      trafficRoutingMethod: p.trafficRoutingMethod,
      dnsConfig: { relativeName: p.relativeName, fqdn: `${p.relativeName}.${TRAFFIC_MANAGER_DOMAIN}`, ttl: p.ttl },
      monitorConfig: {
        profileMonitorStatus: profileMonitorStatus(p, status),
        ...monitor,
        ...(customHeaders ? { customHeaders } : {}),
        ...(expectedStatusCodeRanges ? { expectedStatusCodeRanges } : {}),
      },
      endpoints: p.endpoints.map((e) => endpointJson(p, e, status)),
      trafficViewEnrollmentStatus: 'Disabled',
      ...(p.maxReturn !== undefined ? { maxReturn: p.maxReturn } : {}),
    },
  };
}

/** Address families a profile's targets can answer; used for alias record sets. */
export function targetsFor(recordType: 'A' | 'AAAA', targets: readonly string[]): string[] {
  return targets.filter((t) => (recordType === 'A' ? isIPv4(t) : isIPv6(t)));
}
