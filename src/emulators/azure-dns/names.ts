/**
 * Azure names record sets relative to the zone (`www`, apex `@`); the store
 * keeps absolute, lower-case names with a trailing dot. Domain names inside
 * record data are fully qualified in Azure whether or not they end with a dot.
 */
import { badRequest } from './arm-error.js';

export const APEX = '@';

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
/** Record-set names may also carry a leading wildcard label. */
const OWNER_LABEL = /^(?:\*|[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)$/;

function validLabels(labels: string[], label: RegExp, wildcardFirst: boolean): boolean {
  return labels.every((l, i) => (l === '*' ? wildcardFirst && i === 0 : label.test(l)));
}

/** A zone name as in the URL: no trailing dot, at least two labels. Returns it lower-case. */
export function checkZoneName(zoneName: string): string {
  const z = zoneName.toLowerCase();
  const labels = z.split('.');
  if (z.length === 0 || z.length > 253 || z.endsWith('.') || labels.length < 2 || !validLabels(labels, LABEL, false)) {
    throw badRequest(
      `The zone name '${zoneName}' is invalid: use a domain name of at least two labels, without a terminating dot.`,
      'zoneName',
    );
  }
  return z;
}

/** Relative record-set name from the URL → absolute store name. */
export function absoluteOwner(relative: string, zoneName: string): string {
  const zone = zoneName.replace(/\.$/, '').toLowerCase();
  const rel = relative.toLowerCase();
  if (rel === APEX) return `${zone}.`;
  const labels = rel.split('.');
  const fqdn = `${rel}.${zone}.`;
  if (rel.length === 0 || rel.endsWith('.') || fqdn.length > 254 || !validLabels(labels, OWNER_LABEL, true)) {
    throw badRequest(
      `The record set name '${relative}' is invalid: use a name relative to the zone ('@' for the apex, '*' only as the first label), labels of letters, digits, '-' or '_'.`,
      'relativeRecordSetName',
    );
  }
  return fqdn;
}

/** Absolute store name → Azure relative name (`@` for the apex). */
export function relativeOwner(absolute: string, zoneName: string): string {
  const zone = zoneName.endsWith('.') ? zoneName : `${zoneName}.`;
  if (absolute === zone) return APEX;
  return absolute.endsWith(`.${zone}`) ? absolute.slice(0, -(zone.length + 1)) : absolute.replace(/\.$/, '');
}

/** A domain name inside record data (CNAME target, NS host, ...) → absolute store form. */
export function absoluteTarget(value: string, field: string): string {
  const v = value.trim().toLowerCase();
  const bare = v.endsWith('.') ? v.slice(0, -1) : v;
  if (bare.length === 0 || bare.length > 253 || !validLabels(bare.split('.'), LABEL, false)) {
    throw badRequest(`The domain name '${value}' is invalid.`, field);
  }
  return `${bare}.`;
}
