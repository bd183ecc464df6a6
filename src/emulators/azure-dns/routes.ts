/**
 * ARM paths of Microsoft.Network/dnsZones → a typed route and the operation
 * name used in fault counters (the REST spec's operation ids). Fixed segments
 * match case-insensitively, as ARM does; the SDK sends `dnsZones` and `dnszones`.
 */
import { ArmError } from './arm-error.js';
import type { EndpointRoute, ProfileRoute, ProfilesRoute } from './traffic-manager/handlers.js';

interface Scope {
  subscriptionId: string;
}
interface ZoneScope extends Scope {
  resourceGroup: string;
  zoneName: string;
}

export type Route =
  | (Scope & { kind: 'zones'; operation: 'Zones_List' | 'Zones_ListByResourceGroup'; resourceGroup?: string })
  | (ZoneScope & { kind: 'zone'; operation: 'Zones_Get' | 'Zones_CreateOrUpdate' | 'Zones_Update' | 'Zones_Delete' })
  | (ZoneScope & {
      kind: 'recordSets';
      operation: 'RecordSets_ListByDnsZone' | 'RecordSets_ListAllByDnsZone' | 'RecordSets_ListByType';
      recordType?: string;
    })
  | (ZoneScope & {
      kind: 'recordSet';
      operation: 'RecordSets_Get' | 'RecordSets_CreateOrUpdate' | 'RecordSets_Update' | 'RecordSets_Delete';
      recordType: string;
      relativeName: string;
    })
  | (Scope & { kind: 'dnsResourceReference'; operation: 'DnsResourceReference_GetByTargetResources' })
  | ProfilesRoute
  | ProfileRoute
  | EndpointRoute
  /** A served path that refuses this request (wrong verb): answered after the api-version check. */
  | { kind: 'none'; operation: string; error: ArmError }
  /** A path nothing here serves, or one that names no resource at all: answered before the api-version check, as ARM does. */
  | { kind: 'unserved'; operation: 'Unknown'; error: (apiVersion: string | null) => ArmError };

const ZONE_VERBS = { GET: 'Zones_Get', PUT: 'Zones_CreateOrUpdate', PATCH: 'Zones_Update', DELETE: 'Zones_Delete' } as const;
const RECORD_VERBS = {
  GET: 'RecordSets_Get',
  PUT: 'RecordSets_CreateOrUpdate',
  PATCH: 'RecordSets_Update',
  DELETE: 'RecordSets_Delete',
} as const;

const PROFILE_VERBS = { GET: 'Profiles_Get', PUT: 'Profiles_CreateOrUpdate', PATCH: 'Profiles_Update', DELETE: 'Profiles_Delete' } as const;
const ENDPOINT_VERBS = {
  GET: 'Endpoints_Get',
  PUT: 'Endpoints_CreateOrUpdate',
  PATCH: 'Endpoints_Update',
  DELETE: 'Endpoints_Delete',
} as const;
const ENDPOINT_TYPES = ['azureendpoints', 'externalendpoints', 'nestedendpoints'];

/** What this emulator serves, named in every "not served" answer. */
const SERVED =
  'Microsoft.Network/dnszones (zones and record sets), Microsoft.Network/getDnsResourceReference and Microsoft.Network/trafficManagerProfiles (profiles and endpoints)';

/** Traffic Manager paths below /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/trafficmanagerprofiles. */
function trafficManagerRoute(method: string, s: string[], subscriptionId: string, resourceGroup: string): Route {
  if (s.length === 7) {
    return method === 'GET'
      ? { kind: 'tmProfiles', operation: 'Profiles_ListByResourceGroup', subscriptionId, resourceGroup }
      : notAllowed(method, 'Profiles_ListByResourceGroup');
  }
  const scope = { subscriptionId, resourceGroup, profileName: s[7] as string };
  if (s.length === 8) {
    const operation = PROFILE_VERBS[method as keyof typeof PROFILE_VERBS];
    return operation ? { kind: 'tmProfile', operation, ...scope } : notAllowed(method, 'Profiles');
  }
  if (s.length === 10 && ENDPOINT_TYPES.includes((s[8] as string).toLowerCase())) {
    const operation = ENDPOINT_VERBS[method as keyof typeof ENDPOINT_VERBS];
    return operation
      ? { kind: 'tmEndpoint', operation, ...scope, endpointType: s[8] as string, endpointName: s[9] as string }
      : notAllowed(method, 'Endpoints');
  }
  return typeAfterProviders(s, 4);
}

function notAllowed(method: string, operation: string): Route {
  return {
    kind: 'none',
    operation,
    error: new ArmError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`),
  };
}

/**
 * ARM's 404 for a resource type it does not know (`InvalidResourceType`), naming
 * the type and namespace asked for and saying what the emulator does serve.
 */
function unknownType(namespace: string, type: string): Route {
  return {
    kind: 'unserved',
    operation: 'Unknown',
    error: (apiVersion) =>
      new ArmError(
        404,
        'InvalidResourceType',
        `The resource type '${type}' could not be found in the namespace '${namespace}'${apiVersion ? ` for api version '${apiVersion}'` : ''}. Not emulated: the Azure DNS emulator serves ${SERVED} only.`,
      ),
  };
}

/** A path ARM routes nowhere (not under /subscriptions/{id}/...). */
function noRoute(path: string): Route {
  return {
    kind: 'unserved',
    operation: 'Unknown',
    error: () =>
      new ArmError(
        404,
        'NotFound',
        `No HTTP resource was found that matches the request URI '${path}'. The Azure DNS emulator serves ${SERVED}.`,
      ),
  };
}

/**
 * A path with an empty, '.' or '..' segment (a trailing slash, '//', '%2e%2e')
 * names no resource. It is refused as it is, never resolved: resolving
 * `dnsZones/z/A/..` would land on the zone itself.
 */
function badPath(path: string, what: string): Route {
  return {
    kind: 'unserved',
    operation: 'Unknown',
    error: () =>
      new ArmError(
        400,
        'BadRequest',
        `The request path '${path}' ${what}; no Azure resource is named so, and the path is not normalised onto another resource.`,
      ),
  };
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The path as the client sent it (origin-form or absolute-form), before any dot-segment resolution. */
export function rawPathOf(requestUrl: string): string {
  const noOrigin = requestUrl.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/, '');
  const path = noOrigin.split(/[?#]/, 1)[0] ?? '';
  return path.startsWith('/') ? path : `/${path}`;
}

/** The namespace and resource type a provider path names, for the 404 (`.../providers/{ns}/{type}/{name}/{type}...`). */
function typeAfterProviders(s: string[], at: number): Route {
  const namespace = s[at + 1] ?? '';
  const types = s.slice(at + 2).filter((_, i) => i % 2 === 0);
  return unknownType(namespace, types.join('/'));
}

export function matchRoute(method: string, rawPath: string): Route {
  const raw = rawPath.split('/').slice(1);
  if (raw.length === 0 || raw.some((r) => r.length === 0)) {
    return rawPath === '/'
      ? noRoute(rawPath)
      : badPath(rawPath, "has an empty segment (a trailing or doubled slash; clients turn a record-set name '.' or '..' into one)");
  }
  const seg = raw.map(decode);
  if (seg.some((x) => x === undefined)) return badPath(rawPath, 'has a malformed percent-encoding');
  const s = seg as string[];
  if (s.some((x) => x === '.' || x === '..')) return badPath(rawPath, "has a '.' or '..' segment");
  const is = (i: number, word: string) => s[i]?.toLowerCase() === word;
  if (!is(0, 'subscriptions') || s[1] === undefined) return noRoute(rawPath);
  const subscriptionId = s[1];
  if (s.length === 2) return unknownType('Microsoft.Resources', 'subscriptions');

  if (is(2, 'providers')) {
    // /subscriptions/{sub}/providers/Microsoft.Network/dnszones
    if (s.length === 5 && is(3, 'microsoft.network') && is(4, 'dnszones')) {
      return method === 'GET' ? { kind: 'zones', operation: 'Zones_List', subscriptionId } : notAllowed(method, 'Zones_List');
    }
    // /subscriptions/{sub}/providers/Microsoft.Network/getDnsResourceReference
    if (s.length === 5 && is(3, 'microsoft.network') && is(4, 'getdnsresourcereference')) {
      return method === 'POST'
        ? { kind: 'dnsResourceReference', operation: 'DnsResourceReference_GetByTargetResources', subscriptionId }
        : notAllowed(method, 'DnsResourceReference_GetByTargetResources');
    }
    // /subscriptions/{sub}/providers/Microsoft.Network/trafficmanagerprofiles
    if (s.length === 5 && is(3, 'microsoft.network') && is(4, 'trafficmanagerprofiles')) {
      return method === 'GET'
        ? { kind: 'tmProfiles', operation: 'Profiles_ListBySubscription', subscriptionId }
        : notAllowed(method, 'Profiles_ListBySubscription');
    }
    return typeAfterProviders(s, 2);
  }
  if (!is(2, 'resourcegroups') || s[3] === undefined) return unknownType('Microsoft.Resources', s[2] ?? '');
  if (s.length === 4) return unknownType('Microsoft.Resources', 'resourceGroups');
  if (is(4, 'providers') && is(5, 'microsoft.network') && is(6, 'trafficmanagerprofiles')) {
    return trafficManagerRoute(method, s, subscriptionId, s[3]);
  }
  if (!(is(4, 'providers') && is(5, 'microsoft.network') && is(6, 'dnszones'))) {
    return is(4, 'providers') ? typeAfterProviders(s, 4) : unknownType('Microsoft.Resources', `resourceGroups/${s[4] ?? ''}`);
  }
  const resourceGroup = s[3];
  if (s.length === 7) {
    return method === 'GET'
      ? { kind: 'zones', operation: 'Zones_ListByResourceGroup', subscriptionId, resourceGroup }
      : notAllowed(method, 'Zones_ListByResourceGroup');
  }
  const zoneName = s[7] as string;
  const scope = { subscriptionId, resourceGroup, zoneName };
  if (s.length === 8) {
    const operation = ZONE_VERBS[method as keyof typeof ZONE_VERBS];
    return operation ? { kind: 'zone', operation, ...scope } : notAllowed(method, 'Zones');
  }
  const eighth = s[8] as string;
  if (s.length === 9) {
    const lower = eighth.toLowerCase();
    const operation =
      lower === 'recordsets' ? 'RecordSets_ListByDnsZone' : lower === 'all' ? 'RecordSets_ListAllByDnsZone' : 'RecordSets_ListByType';
    if (method !== 'GET') return notAllowed(method, operation);
    return operation === 'RecordSets_ListByType'
      ? { kind: 'recordSets', operation, ...scope, recordType: eighth }
      : { kind: 'recordSets', operation, ...scope };
  }
  if (s.length === 10) {
    const operation = RECORD_VERBS[method as keyof typeof RECORD_VERBS];
    return operation
      ? { kind: 'recordSet', operation, ...scope, recordType: eighth, relativeName: s[9] as string }
      : notAllowed(method, 'RecordSets');
  }
  return typeAfterProviders(s, 4);
}
