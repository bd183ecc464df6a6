/**
 * ETags and the two precondition headers. An ETag is a UUID-shaped hash of the
 * zone incarnation, the set's write version and its content, so every write
 * (and a delete-then-recreate with other data) gives a new one.
 */
import { createHash } from 'node:crypto';
import type { EmuRecordSet, EmuZone } from '../core/zone-store.js';
import { preconditionFailed } from './arm-error.js';

export function uuidShaped(...parts: readonly unknown[]): string {
  const h = createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function recordSetEtag(zone: EmuZone, rs: EmuRecordSet): string {
  const alias = rs.liveSource === undefined ? [] : [rs.liveSource];
  return uuidShaped(zone.id, zone.createdAt.getTime(), rs.name, rs.type, rs.version, rs.ttl, rs.values, rs.metadata ?? null, ...alias);
}

/** `"abc"`, `W/"abc"` and `abc` all name the ETag `abc`. */
function bare(tag: string): string {
  return tag
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
}

export interface Preconditions {
  ifMatch?: string;
  ifNoneMatch?: string;
}

/**
 * Throws 412 unless the headers allow writing over `currentEtag` (undefined: no
 * such resource). If-Match lists ETags or `*`; If-None-Match counts only as `*`
 * (ARM ignores other values).
 */
export function checkPreconditions(currentEtag: string | undefined, p: Preconditions): void {
  if (p.ifMatch !== undefined) {
    const wanted = p.ifMatch.split(',').map(bare);
    const ok = currentEtag !== undefined && wanted.some((t) => t === '*' || t === currentEtag);
    if (!ok) throw preconditionFailed('If-Match', p.ifMatch);
  }
  if (p.ifNoneMatch !== undefined && bare(p.ifNoneMatch) === '*' && currentEtag !== undefined) {
    throw preconditionFailed('If-None-Match', p.ifNoneMatch);
  }
}
