/** Record sets as Cloud DNS returns them. */
import type { EmuRecordSet, RecordWrite } from '../core/zone-store.js';
import { POLICY_METADATA_KEY } from './routing/policy-model.js';

export interface RrsetJson {
  name: string;
  type: string;
  ttl: number;
  rrdatas: string[];
  /** Always present, empty: recorded Cloud DNS answers carry it for every set (signing is not emulated). */
  signatureRrdatas: string[];
  kind: 'dns#resourceRecordSet';
  routingPolicy?: Record<string, unknown>;
}

/** A set with a routing policy answers it and no rrdatas (its stored values are only the fail-open answer). */
export function toRrsetJson(rs: Pick<EmuRecordSet, 'name' | 'type' | 'ttl' | 'values' | 'metadata'> | RecordWrite): RrsetJson {
  const policy = rs.metadata?.[POLICY_METADATA_KEY];
  if (policy !== undefined) {
    const routingPolicy = JSON.parse(policy) as Record<string, unknown>;
    return { name: rs.name, type: rs.type, ttl: rs.ttl, rrdatas: [], signatureRrdatas: [], kind: 'dns#resourceRecordSet', routingPolicy };
  }
  return { name: rs.name, type: rs.type, ttl: rs.ttl, rrdatas: [...rs.values], signatureRrdatas: [], kind: 'dns#resourceRecordSet' };
}

/** Sort key for listing: by name, then type (a cursor for page tokens). */
export function rrsetKey(rs: Pick<EmuRecordSet, 'name' | 'type'>): string {
  return `${rs.name}\u0000${rs.type}`;
}
