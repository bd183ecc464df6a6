/**
 * Hosted-zone operations: create (idempotency by CallerReference), get, list,
 * list by name, count and delete (refused while the zone holds more than its
 * own SOA and NS). `seedRoute53Zone` creates a zone the same way, for fixtures.
 */
import type { EmuZone, ZoneStore } from '../core/zone-store.js';
import { changeInfoXml } from './change-log.js';
import { requireZone, zoneMeta, type Operation, type Route53Context } from './context.js';
import { hostedZoneAlreadyExists, hostedZoneNotEmpty, invalidDomainName, invalidInput } from './errors.js';
import { newHostedZoneId, newNameServers } from './ids.js';
import { compareNames, decodeName, encodeName, nameProblem } from './names.js';
import { maxItems, param } from './query.js';
import { createHostedZoneRequest, readRequest, updateHostedZoneCommentRequest } from './request-shapes.js';
import { parseRequestXml } from './xml.js';

const SOA_TTL = 900;
const NS_TTL = 172_800;
const HOSTMASTER = 'awsdns-hostmaster.amazon.com.';
const LIST_DEFAULT = 100;
const LIST_MAX = 100;

interface NewZone {
  name: string;
  callerReference: string;
  comment?: string;
}

function createZone(store: ZoneStore, input: NewZone): EmuZone {
  const problem = nameProblem(input.name) ?? (input.name.includes('*') ? "a zone name cannot contain '*'" : undefined);
  if (problem) throw invalidDomainName(input.name, problem);
  return store.createZone({
    id: newHostedZoneId(),
    name: input.name,
    nameServers: newNameServers(),
    attributes: { callerReference: input.callerReference, ...(input.comment !== undefined ? { comment: input.comment } : {}) },
    soaTtl: SOA_TTL,
    nsTtl: NS_TTL,
    hostmaster: HOSTMASTER,
  });
}

/** Create a public hosted zone as CreateHostedZone would (new id, four name servers, SOA and NS). */
export function seedRoute53Zone(store: ZoneStore, zoneName: string): { hostedZoneId: string } {
  const name = decodeName(zoneName);
  const zone = createZone(store, { name, callerReference: `seed-${name}-${Date.now()}` });
  return { hostedZoneId: zone.id };
}

function hostedZoneXml(ctx: Route53Context, zone: EmuZone): Record<string, unknown> {
  const { comment } = zoneMeta(ctx, zone);
  return {
    Id: `/hostedzone/${zone.id}`,
    Name: encodeName(zone.name),
    CallerReference: zone.attributes.callerReference ?? zone.id,
    Config: { ...(comment !== undefined ? { Comment: comment } : {}), PrivateZone: 'false' },
    ResourceRecordSetCount: zone.records.size,
  };
}

/** Route 53 lists a delegation set's name servers without the trailing dot (API reference, DelegationSet; its NS records keep it). */
function delegationSetXml(zone: EmuZone): Record<string, unknown> {
  return { NameServers: { NameServer: zone.nameServers.map((ns) => ns.replace(/\.$/, '')) } };
}

function zonesXml(ctx: Route53Context, zones: EmuZone[]): Record<string, unknown> {
  return { HostedZone: zones.map((z) => hostedZoneXml(ctx, z)) };
}

export const createHostedZone: Operation = (ctx, req) => {
  const root = 'CreateHostedZoneRequest';
  const input = readRequest(createHostedZoneRequest, root, parseRequestXml(req.body, root));
  const config = input.HostedZoneConfig === '' ? undefined : input.HostedZoneConfig;
  if (input.VPC !== undefined || config?.PrivateZone === 'true')
    throw invalidInput('Private hosted zones (VPC, PrivateZone=true) are not supported by this emulator');
  if (input.DelegationSetId !== undefined)
    throw invalidInput('Reusable delegation sets (DelegationSetId) are not supported by this emulator');
  // Route 53 remembers every CallerReference (even of deleted zones) so a retried create cannot make a second zone.
  const taken =
    ctx.callerReferences.has(input.CallerReference) ||
    ctx.store.listZones().some((z) => z.attributes.callerReference === input.CallerReference);
  if (taken) throw hostedZoneAlreadyExists(input.CallerReference);
  const zone = createZone(ctx.store, {
    name: decodeName(input.Name),
    callerReference: input.CallerReference,
    ...(config?.Comment !== undefined ? { comment: config.Comment } : {}),
  });
  ctx.callerReferences.add(input.CallerReference);
  return {
    root: 'CreateHostedZoneResponse',
    status: 201,
    headers: { Location: `${ctx.endpoint()}/2013-04-01/hostedzone/${zone.id}` },
    content: {
      HostedZone: hostedZoneXml(ctx, zone),
      ChangeInfo: changeInfoXml(ctx.changes.submit()),
      DelegationSet: delegationSetXml(zone),
    },
  };
};

export const getHostedZone: Operation = (ctx, req) => {
  const zone = requireZone(ctx, req.params.id ?? '');
  return { root: 'GetHostedZoneResponse', content: { HostedZone: hostedZoneXml(ctx, zone), DelegationSet: delegationSetXml(zone) } };
};

/** UpdateHostedZoneComment: sets the comment, or removes it when the request has no Comment. */
export const updateHostedZoneComment: Operation = (ctx, req) => {
  const root = 'UpdateHostedZoneCommentRequest';
  // The SDK sends no body at all when Comment is omitted.
  const doc = req.body.trim() === '' ? {} : parseRequestXml(req.body, root);
  const input = readRequest(updateHostedZoneCommentRequest, root, doc);
  const zone = requireZone(ctx, req.params.id ?? '');
  zoneMeta(ctx, zone).comment = input.Comment;
  return { root: 'UpdateHostedZoneCommentResponse', content: { HostedZone: hostedZoneXml(ctx, zone) } };
};

export const getHostedZoneCount: Operation = (ctx) => ({
  root: 'GetHostedZoneCountResponse',
  content: { HostedZoneCount: ctx.store.listZones().length },
});

/** Zones in a stable order; `marker` is the id of the first zone of the page. */
export const listHostedZones: Operation = (ctx, req) => {
  if (param(req.query, 'delegationsetid') !== undefined)
    throw invalidInput('Reusable delegation sets (delegationsetid) are not supported by this emulator');
  const type = param(req.query, 'hostedzonetype');
  if (type !== undefined && type !== 'PrivateHostedZone') throw invalidInput(`hostedzonetype must be PrivateHostedZone, got '${type}'`);
  const marker = param(req.query, 'marker');
  const limit = maxItems(req.query, LIST_DEFAULT, LIST_MAX);
  // Every emulated zone is public, so a filter on private zones matches none.
  const all = type === 'PrivateHostedZone' ? [] : ctx.store.listZones();
  let start = 0;
  if (marker !== undefined) {
    start = all.findIndex((z) => z.id === marker);
    if (start < 0) throw invalidInput(`marker '${marker}' is not the id of a hosted zone from an earlier page`);
  }
  const page = all.slice(start, start + limit);
  const next = all[start + limit];
  return {
    root: 'ListHostedZonesResponse',
    content: {
      HostedZones: zonesXml(ctx, page),
      Marker: marker ?? '',
      IsTruncated: next !== undefined,
      ...(next ? { NextMarker: next.id } : {}),
      MaxItems: limit,
    },
  };
};

function byNameThenId(a: EmuZone, b: EmuZone): number {
  return compareNames(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Zones ordered by reversed-label name then id, starting at (dnsname, hostedzoneid). */
export const listHostedZonesByName: Operation = (ctx, req) => {
  const rawName = param(req.query, 'dnsname');
  const startId = param(req.query, 'hostedzoneid');
  if (startId !== undefined && rawName === undefined) throw invalidInput('hostedzoneid can only be given together with dnsname');
  const limit = maxItems(req.query, LIST_DEFAULT, LIST_MAX);
  const all = ctx.store.listZones().sort(byNameThenId);
  const startName = rawName === undefined ? undefined : decodeName(rawName);
  const start =
    startName === undefined
      ? 0
      : all.findIndex((z) => {
          const c = compareNames(z.name, startName);
          return c > 0 || (c === 0 && (startId === undefined || z.id >= startId));
        });
  const from = start < 0 ? all.length : start;
  const page = all.slice(from, from + limit);
  const next = all[from + limit];
  return {
    root: 'ListHostedZonesByNameResponse',
    content: {
      HostedZones: zonesXml(ctx, page),
      ...(rawName !== undefined ? { DNSName: rawName } : {}),
      ...(startId !== undefined ? { HostedZoneId: startId } : {}),
      IsTruncated: next !== undefined,
      ...(next ? { NextDNSName: encodeName(next.name), NextHostedZoneId: next.id } : {}),
      MaxItems: limit,
    },
  };
};

export const deleteHostedZone: Operation = (ctx, req) => {
  const zone = requireZone(ctx, req.params.id ?? '');
  const required = (type: string, name: string) => name === zone.name && (type === 'SOA' || type === 'NS');
  if ([...zone.records.values()].some((rs) => !required(rs.type, rs.name)) || ctx.routing.all(zone.id).length > 0)
    throw hostedZoneNotEmpty();
  ctx.store.deleteZone(zone.id);
  ctx.routing.dropZone(zone.id);
  ctx.zoneMeta.delete(zone.id);
  return { root: 'DeleteHostedZoneResponse', content: { ChangeInfo: changeInfoXml(ctx.changes.submit()) } };
};
