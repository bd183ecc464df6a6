/**
 * What the planner reads: each provider's observed records (with the token a
 * conditional write needs) and the desired records the routing step decided.
 */
import { canonicalRecordSet, recordKey } from '../dns/record.js';
import type { RecordSet } from '../dns/record.js';

export const PROVIDER_IDS = ['route53', 'azure', 'clouddns'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

/**
 * A record set as one provider returned it, with an opaque compare-and-swap
 * token: Route 53 and Cloud DNS compare the exact record (see exactRecordToken),
 * Azure compares its ETag.
 */
export interface ObservedRecord {
  readonly record: RecordSet;
  readonly token: string;
}

/**
 * One provider's view of the zone, keyed by `recordKey(name, type)`: every
 * managed type at the managed names, every ownership record (`_mcf.*` TXT) and
 * every record at a name an ownership record speaks for.
 */
export interface ProviderState {
  readonly provider: ProviderId;
  readonly records: ReadonlyMap<string, ObservedRecord>;
}

/** One record set the controller wants published, per managed name and type. */
export type DesiredRecord = RecordSet;

/** The CAS token for providers whose conditional delete compares the whole record (Route 53, Cloud DNS). */
export function exactRecordToken(rs: RecordSet): string {
  const c = canonicalRecordSet(rs);
  return JSON.stringify([c.name, c.type, c.ttl, c.values]);
}

export function providerState(provider: ProviderId, observed: Iterable<ObservedRecord>): ProviderState {
  const records = new Map<string, ObservedRecord>();
  for (const o of observed) {
    const record = canonicalRecordSet(o.record);
    records.set(recordKey(record.name, record.type), { record, token: o.token });
  }
  return { provider, records };
}
