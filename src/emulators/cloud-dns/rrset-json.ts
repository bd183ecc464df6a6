/** Record sets as Cloud DNS returns them. */
import type { EmuRecordSet, RecordWrite } from '../core/zone-store.js';

export interface RrsetJson {
  kind: 'dns#resourceRecordSet';
  name: string;
  type: string;
  ttl: number;
  rrdatas: string[];
}

export function toRrsetJson(rs: Pick<EmuRecordSet, 'name' | 'type' | 'ttl' | 'values'> | RecordWrite): RrsetJson {
  return { kind: 'dns#resourceRecordSet', name: rs.name, type: rs.type, ttl: rs.ttl, rrdatas: [...rs.values] };
}

/** Sort key for listing: by name, then type (a cursor for page tokens). */
export function rrsetKey(rs: Pick<EmuRecordSet, 'name' | 'type'>): string {
  return `${rs.name}\u0000${rs.type}`;
}
