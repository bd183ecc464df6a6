/**
 * Everything about a change that can be checked without looking at the zone's
 * current records: shape, names, types, TTLs, record data, quotas. Runs before
 * anything is applied, so a bad change is refused whole.
 */
import { inZone, type EmuRecordType, type EmuZone, type RecordWrite } from '../core/zone-store.js';
import type { ChangeInput, RrsetInput } from './entity-schemas.js';
import { GoogleApiError, googleErrors } from './google-error.js';
import { CLOUD_DNS_LIMITS } from './limits.js';
import { canonicalRrdatas, CLOUD_DNS_RECORD_TYPES, isAbsoluteDomainName, isCloudDnsRecordType, RrdataError } from './rrdata.js';
import { checkRoutingPolicy, type PolicyEnv } from './routing/policy-check.js';
import { POLICY_METADATA_KEY, POLICY_MODEL_METADATA_KEY, policyAddresses, ROUTING_LIVE_SOURCE } from './routing/policy-model.js';
import type { DnssecState } from './zone-settings.js';

/** A record set that passed every static check, with canonical name and values. */
export interface CheckedRrset extends RecordWrite {
  /** Google's name for where it came from, e.g. `entity.change.deletions[0]`. */
  readonly field: string;
}

export interface CheckedChange {
  additions: CheckedRrset[];
  deletions: CheckedRrset[];
}

/** A set with a routing policy: rrdatas empty, the policy checked; stored values are every address it can answer. */
function withRoutingPolicy(input: RrsetInput, type: string, name: string, field: string, env: PolicyEnv): CheckedRrset | undefined {
  if (input.routingPolicy === undefined) return undefined;
  if ((input.rrdatas ?? []).length > 0)
    throw googleErrors.invalid(`${field}.rrdatas`, input.rrdatas, 'a record set holds either rrdatas or a routingPolicy, not both');
  const { model, json } = checkRoutingPolicy(input.routingPolicy, type, env, `${field}.routingPolicy`);
  return {
    field,
    name,
    type: type as EmuRecordType,
    ttl: input.ttl,
    values: policyAddresses(model),
    // The DNS server asks the health engine for the answer of the moment (ZoneStore.liveValues).
    liveSource: ROUTING_LIVE_SOURCE,
    metadata: { [POLICY_METADATA_KEY]: JSON.stringify(json), [POLICY_MODEL_METADATA_KEY]: JSON.stringify(model) },
  };
}

/** For deletions: a deletion names what exists, whatever the health checks became since. */
export const ANY_HEALTH_CHECK: PolicyEnv = { healthCheckProblem: () => undefined };

/** Where a type may stand, after Cloud DNS's supported record types page (https://cloud.google.com/dns/docs/records-overview). */
function checkPlacement(type: string, name: string, field: string, zone: EmuZone, dnssec: DnssecState): void {
  if (type === 'ALIAS') {
    if (name !== zone.name)
      throw googleErrors.invalid(`${field}.name`, name, `an ALIAS record set can only be at the zone apex '${zone.name}'`);
    if (dnssec !== 'off')
      throw googleErrors.invalid(`${field}.type`, type, 'ALIAS records are not compatible with DNSSEC; the zone has DNSSEC on');
  }
  if (type === 'DNSKEY' && dnssec !== 'transfer') {
    throw googleErrors.invalid(
      `${field}.type`,
      type,
      "DNSKEY record sets can only be added to a zone whose dnssecConfig.state is 'transfer'",
    );
  }
  if (type === 'DS' && name === zone.name) {
    throw googleErrors.invalid(
      `${field}.name`,
      name,
      'a DS record set belongs at a delegation below the apex; the apex DS lives in the parent zone',
    );
  }
}

/** `dnssec` is the zone's DNSSEC state for an addition; undefined for a deletion, which names what exists whatever its placement. */
export function checkRrset(
  input: RrsetInput,
  field: string,
  zone: EmuZone,
  dnssec: DnssecState | undefined,
  env: PolicyEnv = ANY_HEALTH_CHECK,
): CheckedRrset {
  if (!isAbsoluteDomainName(input.name, { wildcard: true })) {
    throw googleErrors.invalid(
      `${field}.name`,
      input.name,
      "a record name is an absolute domain name ending in '.', e.g. www.example.test.",
    );
  }
  const name = input.name.toLowerCase();
  if (!inZone(name, zone.name)) {
    throw googleErrors.invalid(`${field}.name`, input.name, `the name is not within the managed zone's DNS name '${zone.name}'`);
  }
  if (!isCloudDnsRecordType(input.type)) {
    throw googleErrors.invalid(`${field}.type`, input.type, `supported types: ${CLOUD_DNS_RECORD_TYPES.join(', ')}`);
  }
  // The store keeps every Cloud DNS type; EmuRecordType names those the DNS server encodes.
  const type = input.type as EmuRecordType;
  if (dnssec !== undefined) checkPlacement(type, name, field, zone, dnssec);
  const routed = withRoutingPolicy(input, type, name, field, env);
  if (routed) return routed;
  const rrdatas = input.rrdatas;
  if (rrdatas === undefined) throw googleErrors.required(`${field}.rrdatas`);
  if (rrdatas.length === 0) throw googleErrors.invalid(`${field}.rrdatas`, [], 'a record set holds at least one value');
  if (rrdatas.length > CLOUD_DNS_LIMITS.resourceRecordsPerRrset) throw googleErrors.quotaExceeded('resource records per rrset');
  let values: string[];
  try {
    values = canonicalRrdatas(type, rrdatas);
  } catch (e) {
    if (!(e instanceof RrdataError)) throw e;
    throw googleErrors.invalid(`${field}.rrdatas[${e.index}]`, rrdatas[e.index], e.message);
  }
  const dup = values.findIndex((v, i) => values.indexOf(v) !== i);
  if (dup >= 0) throw googleErrors.invalid(`${field}.rrdatas[${dup}]`, rrdatas[dup], 'the value appears twice in the record set');
  if ((type === 'CNAME' || (type as string) === 'ALIAS') && values.length !== 1)
    throw googleErrors.invalid(`${field}.rrdatas`, rrdatas, `a ${type} record set holds exactly one value`);
  if (type === 'SOA' && (name !== zone.name || values.length !== 1)) {
    throw googleErrors.invalid(field, `${name} SOA`, 'a zone has exactly one SOA value, at its apex');
  }
  return { field, name, type, ttl: input.ttl, values };
}

function rejectDuplicates(list: CheckedRrset[]): void {
  const seen = new Set<string>();
  for (const rs of list) {
    const key = `${rs.name}|${rs.type}`;
    if (seen.has(key))
      throw googleErrors.invalid(
        rs.field,
        `${rs.name} ${rs.type}`,
        'the same name and type appear twice in this list; merge their rrdatas',
      );
    seen.add(key);
  }
}

export function checkChange(change: ChangeInput, zone: EmuZone, dnssec: DnssecState, env: PolicyEnv = ANY_HEALTH_CHECK): CheckedChange {
  const additions = change.additions ?? [];
  const deletions = change.deletions ?? [];
  if (additions.length === 0 && deletions.length === 0) {
    throw new GoogleApiError(
      400,
      'required',
      "Required field 'entity.change' not specified: a change needs at least one entry in 'additions' or 'deletions'",
    );
  }
  if (additions.length > CLOUD_DNS_LIMITS.rrsetAdditionsPerChange) throw googleErrors.quotaExceeded('additions per change');
  if (deletions.length > CLOUD_DNS_LIMITS.rrsetDeletionsPerChange) throw googleErrors.quotaExceeded('deletions per change');
  const size = [...additions, ...deletions].reduce((n, rs) => n + (rs.rrdatas ?? []).reduce((m, v) => m + v.length, 0), 0);
  if (size > CLOUD_DNS_LIMITS.totalRrdataSizePerChange) throw googleErrors.quotaExceeded('total rrdata size per change');
  const checked: CheckedChange = {
    additions: additions.map((rs, i) => checkRrset(rs, `entity.change.additions[${i}]`, zone, dnssec, env)),
    deletions: deletions.map((rs, i) => checkRrset(rs, `entity.change.deletions[${i}]`, zone, undefined)),
  };
  rejectDuplicates(checked.additions);
  rejectDuplicates(checked.deletions);
  return checked;
}
