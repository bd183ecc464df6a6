/** Record sets as Cloud DNS returns them. */
import type { EmuRecordSet, RecordWrite } from '../core/zone-store.js';

export interface RrsetJson {
  name: string;
  type: string;
  ttl: number;
  rrdatas: string[];
  /** Always present, empty: recorded Cloud DNS answers carry it for every set (signing is not emulated). */
  signatureRrdatas: string[];
  kind: 'dns#resourceRecordSet';
}

export function toRrsetJson(rs: Pick<EmuRecordSet, 'name' | 'type' | 'ttl' | 'values'> | RecordWrite): RrsetJson {
  return { name: rs.name, type: rs.type, ttl: rs.ttl, rrdatas: [...rs.values], signatureRrdatas: [], kind: 'dns#resourceRecordSet' };
}

/** Sort key for listing: by name, then type (a cursor for page tokens). */
export function rrsetKey(rs: Pick<EmuRecordSet, 'name' | 'type'>): string {
  return `${rs.name}\u0000${rs.type}`;
}
