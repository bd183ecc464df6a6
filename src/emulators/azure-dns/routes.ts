/**
 * ARM paths of Microsoft.Network/dnsZones → a typed route and the operation
 * name used in fault counters (the REST spec's operation ids). Fixed segments
 * match case-insensitively, as ARM does; the SDK sends `dnsZones` and `dnszones`.
 */
import { ArmError } from './arm-error.js';

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
  | { kind: 'none'; operation: string; error: ArmError };

const ZONE_VERBS = { GET: 'Zones_Get', PUT: 'Zones_CreateOrUpdate', PATCH: 'Zones_Update', DELETE: 'Zones_Delete' } as const;
const RECORD_VERBS = {
  GET: 'RecordSets_Get',
  PUT: 'RecordSets_CreateOrUpdate',
  PATCH: 'RecordSets_Update',
  DELETE: 'RecordSets_Delete',
} as const;

function notAllowed(method: string, operation: string): Route {
  return {
    kind: 'none',
    operation,
    error: new ArmError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`),
  };
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

export function matchRoute(method: string, pathname: string): Route {
  const raw = pathname.split('/').filter((s) => s.length > 0);
  const seg = raw.map(decode);
  const notFound: Route = {
    kind: 'none',
    operation: 'Unknown',
    error: new ArmError(404, 'NotFound', `No Azure DNS resource at '${pathname}'.`),
  };
  if (seg.some((s) => s === undefined)) return notFound;
  const s = seg as string[];
  const is = (i: number, word: string) => s[i]?.toLowerCase() === word;
  if (!is(0, 'subscriptions') || s[1] === undefined) return notFound;
  const subscriptionId = s[1];

  // /subscriptions/{sub}/providers/Microsoft.Network/dnszones
  if (s.length === 5 && is(2, 'providers') && is(3, 'microsoft.network') && is(4, 'dnszones')) {
    return method === 'GET' ? { kind: 'zones', operation: 'Zones_List', subscriptionId } : notAllowed(method, 'Zones_List');
  }
  if (!(is(2, 'resourcegroups') && s[3] !== undefined && is(4, 'providers') && is(5, 'microsoft.network') && is(6, 'dnszones')))
    return notFound;
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
  return notFound;
}
