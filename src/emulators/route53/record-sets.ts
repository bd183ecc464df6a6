/**
 * ListResourceRecordSets and ChangeResourceRecordSets. Record sets are listed
 * in Route 53's order (name with labels reversed, then type), a page starting at
 * the first set at or after (name, type); a truncated page names the next one.
 */
import type { EmuRecordSet } from '../core/zone-store.js';
import { applyChangeBatch, readChangeBatch } from './change-batch.js';
import { changeInfoXml } from './change-log.js';
import { requireZone, type Operation } from './context.js';
import { invalidInput } from './errors.js';
import { compareNames, decodeName, encodeName } from './names.js';
import { maxItems, param } from './query.js';
import { isRoute53Type } from './record-values.js';
import { changeResourceRecordSetsRequest, readRequest } from './request-shapes.js';
import { parseRequestXml } from './xml.js';

const PAGE_DEFAULT = 300;
const PAGE_MAX = 300;

function compareSets(a: { name: string; type: string }, b: { name: string; type: string }): number {
  return compareNames(a.name, b.name) || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0);
}

function recordSetXml(rs: EmuRecordSet): Record<string, unknown> {
  return {
    Name: encodeName(rs.name),
    Type: rs.type,
    TTL: rs.ttl,
    ResourceRecords: { ResourceRecord: rs.values.map((Value) => ({ Value })) },
  };
}

/**
 * The first raw space, control or 8-bit character of a name: Route 53 wants
 * them written as `\\DDD` escapes (Developer Guide, "DNS domain name format").
 */
function unsupportedCharacter(name: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0020\u007f-\u00ff]/.exec(name)?.[0];
}

export const listResourceRecordSets: Operation = (ctx, req) => {
  const zone = requireZone(ctx, req.params.id ?? '');
  const rawName = param(req.query, 'name');
  const type = param(req.query, 'type');
  if (param(req.query, 'identifier') !== undefined)
    throw invalidInput('identifier (StartRecordIdentifier) applies to routing-policy record sets, which this emulator does not support');
  // Route 53 itself sends this InvalidInput with an empty message (aws/aws-sdk-go#4386, boto/boto3#941); one that says why helps more.
  if (type !== undefined && rawName === undefined)
    throw invalidInput('The input is not valid: StartRecordType (type) was given without StartRecordName (name)');
  if (rawName !== undefined) {
    const unsupported = unsupportedCharacter(rawName);
    if (unsupported !== undefined)
      throw invalidInput(`FATAL problem: UnsupportedCharacter (Value contains unsupported characters) encountered with '${unsupported}'`);
  }
  if (type !== undefined && !isRoute53Type(type)) throw invalidInput(`type '${type}' is not a Route 53 record type`);
  const limit = maxItems(req.query, PAGE_DEFAULT, PAGE_MAX);
  const sets = [...zone.records.values()].sort(compareSets);
  const start = rawName === undefined ? 0 : sets.findIndex((rs) => compareSets(rs, { name: decodeName(rawName), type: type ?? '' }) >= 0);
  const from = start < 0 ? sets.length : start;
  const page = sets.slice(from, from + limit);
  const next = sets[from + limit];
  return {
    root: 'ListResourceRecordSetsResponse',
    content: {
      ResourceRecordSets: { ResourceRecordSet: page.map(recordSetXml) },
      IsTruncated: next !== undefined,
      ...(next ? { NextRecordName: encodeName(next.name), NextRecordType: next.type } : {}),
      MaxItems: limit,
    },
  };
};

export const changeResourceRecordSets: Operation = (ctx, req) => {
  const root = 'ChangeResourceRecordSetsRequest';
  const request = readRequest(changeResourceRecordSetsRequest, root, parseRequestXml(req.body, root));
  const zone = requireZone(ctx, req.params.id ?? '');
  const { changes, comment } = readChangeBatch(zone, request);
  ctx.store.transact(zone.id, (draft) => applyChangeBatch(draft, changes));
  return { root: 'ChangeResourceRecordSetsResponse', content: { ChangeInfo: changeInfoXml(ctx.changes.submit(comment)) } };
};
