/**
 * What one controller says about one target, as it travels through etcd: the member's own
 * probe verdict (its vantage point's state), not a decision. The leader turns the members'
 * observations into a verdict with the same quorum rule as in-process vantage points, so a
 * quorum means clouds, not threads.
 *
 * Keys: `<prefix>obs/<member>/<target>`, each bound to the member's lease, so a member
 * that dies or loses etcd stops counting once its lease runs out (its observations are
 * deleted by etcd itself, not by a surviving peer).
 */
import { z } from 'zod';

const observationSchema = z.strictObject({
  member: z.string().min(1),
  targetId: z.string().min(1),
  /** The member's state machine for this target. */
  state: z.enum(['unknown', 'up', 'suspect', 'down']),
  /** When the member last sent a probe to the target (ms since the epoch, the member's clock). */
  lastProbeAt: z.number().int().nonnegative().optional(),
  /** Since when the member has held this state. */
  since: z.number().int().nonnegative(),
  error: z.string().max(500).optional(),
});

export type Observation = z.infer<typeof observationSchema>;

/** A key or value in etcd that is not a well-formed observation. */
export class ObservationFormatError extends Error {
  constructor(
    readonly key: string,
    detail: string,
  ) {
    super(`etcd key ${key}: not an observation (${detail})`);
    this.name = 'ObservationFormatError';
  }
}

const SEGMENT = /^[A-Za-z0-9._~%-]+$/;

function segment(what: string, value: string): string {
  const encoded = encodeURIComponent(value);
  if (!SEGMENT.test(encoded)) throw new RangeError(`${what} ${JSON.stringify(value)} cannot form an etcd key segment`);
  return encoded;
}

/** The directory under which every member's observations live. */
export function observationsPrefix(prefix: string): string {
  return `${prefix}obs/`;
}

export function observationKey(prefix: string, member: string, targetId: string): string {
  return `${observationsPrefix(prefix)}${segment('member', member)}/${segment('target', targetId)}`;
}

export function encodeObservation(o: Observation): string {
  return JSON.stringify(observationSchema.parse(o));
}

/** Decodes a value read under `key`; the key's member and target must match the value's. */
export function decodeObservation(prefix: string, key: string, value: string): Observation {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new ObservationFormatError(key, 'value is not JSON');
  }
  const parsed = observationSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ObservationFormatError(key, `${issue?.path.join('.') || 'value'}: ${issue?.message ?? 'invalid'}`);
  }
  if (observationKey(prefix, parsed.data.member, parsed.data.targetId) !== key) {
    throw new ObservationFormatError(key, `value names member ${parsed.data.member} and target ${parsed.data.targetId}`);
  }
  return parsed.data;
}

/** Two observations that would make a member publish again: the state or the error changed. */
export function sameObservation(a: Observation | undefined, b: Observation): boolean {
  return a !== undefined && a.state === b.state && a.error === b.error && a.since === b.since;
}
