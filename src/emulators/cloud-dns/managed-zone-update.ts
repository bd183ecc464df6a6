/**
 * What a managed-zone body asks for, checked against what the emulator
 * implements: the fields of the real `ManagedZone` resource (discovery
 * document) are all read; those of features that are not emulated (private,
 * forwarding, peering, reverse-lookup and Service Directory zones, name server
 * sets) are refused by name, and the rest become the zone's settings.
 */
import type { EmuZone } from '../core/zone-store.js';
import type { DnssecConfigInput, ManagedZonePatchInput } from './entity-schemas.js';
import { googleErrors } from './google-error.js';
import { cloudLoggingConfigJson, dnssecConfigJson, type ZoneSettings } from './zone-settings.js';

const PRIVATE_ONLY = [
  ['privateVisibilityConfig', 'private zones'],
  ['forwardingConfig', 'forwarding zones'],
  ['peeringConfig', 'peering zones'],
  ['reverseLookupConfig', 'managed reverse lookup zones'],
  ['serviceDirectoryConfig', 'Service Directory zones'],
] as const;

/** Refuse, by name, what the body asks of a feature the emulator does not implement. */
export function refuseNotEmulated(input: ManagedZonePatchInput): void {
  if (input.visibility === 'private') throw googleErrors.notEmulated('private zones', "entity.managedZone.visibility 'private'");
  for (const [field, feature] of PRIVATE_ONLY) {
    if (input[field] !== undefined) throw googleErrors.notEmulated(feature, `entity.managedZone.${field}`);
  }
  if (input.nameServerSet !== undefined && input.nameServerSet !== '')
    throw googleErrors.notEmulated('name server sets', 'entity.managedZone.nameServerSet');
}

/** The settings a create asks for. */
export function settingsFromCreate(input: ManagedZonePatchInput): ZoneSettings {
  return {
    description: input.description ?? '',
    ...(input.labels ? { labels: { ...input.labels } } : {}),
    dnssecConfig: dnssecConfigJson(input.dnssecConfig),
    cloudLoggingConfig: cloudLoggingConfigJson(input.cloudLoggingConfig),
  };
}

/** Key specs compared by content: `kind` optional, key order free. */
function sameKeySpecs(a: readonly object[] | undefined, b: readonly object[] | undefined): boolean {
  const norm = (specs: readonly object[] | undefined) =>
    JSON.stringify(
      (specs ?? []).map((s) =>
        Object.entries(s)
          .filter(([k]) => k !== 'kind')
          .sort(([x], [y]) => x.localeCompare(y)),
      ),
    );
  return norm(a) === norm(b);
}

/**
 * DNSSEC settings after a patch (fields merged) or an update (replaced).
 * Cloud DNS lets `nonExistence` and `defaultKeySpecs` change only while the
 * state is off (discovery document, `ManagedZoneDnsSecConfig`).
 */
function nextDnssec(
  current: ZoneSettings['dnssecConfig'],
  input: DnssecConfigInput | undefined,
  replace: boolean,
): ZoneSettings['dnssecConfig'] {
  const merged: DnssecConfigInput = replace
    ? { ...input }
    : {
        state: input?.state ?? current.state,
        ...((input?.nonExistence ?? current.nonExistence) ? { nonExistence: input?.nonExistence ?? current.nonExistence } : {}),
        ...((input?.defaultKeySpecs ?? current.defaultKeySpecs)
          ? { defaultKeySpecs: input?.defaultKeySpecs ?? current.defaultKeySpecs }
          : {}),
      };
  if (current.state !== 'off' && input !== undefined) {
    if (input.nonExistence !== undefined && input.nonExistence !== current.nonExistence)
      throw googleErrors.invalid(
        'entity.managedZone.dnssecConfig.nonExistence',
        input.nonExistence,
        'can only be changed while DNSSEC is off',
      );
    if (input.defaultKeySpecs !== undefined && !sameKeySpecs(input.defaultKeySpecs, current.defaultKeySpecs))
      throw googleErrors.invalid(
        'entity.managedZone.dnssecConfig.defaultKeySpecs',
        input.defaultKeySpecs,
        'can only be changed while DNSSEC is off',
      );
  }
  return dnssecConfigJson(merged);
}

/**
 * Settings after `managedZones.patch` (`replace` false: what is absent is kept)
 * or `managedZones.update` (`replace` true: what is absent is reset). The name,
 * DNS name and visibility of a zone cannot change.
 */
export function settingsAfterUpdate(zone: EmuZone, current: ZoneSettings, input: ManagedZonePatchInput, replace: boolean): ZoneSettings {
  if (input.name !== undefined && input.name !== zone.attributes.managedZone)
    throw googleErrors.invalid('entity.managedZone.name', input.name, 'the name of a managed zone cannot change');
  if (input.dnsName !== undefined && input.dnsName.toLowerCase().replace(/\.?$/, '.') !== zone.name)
    throw googleErrors.invalid(
      'entity.managedZone.dnsName',
      input.dnsName,
      `the DNS name of a managed zone cannot change (it is '${zone.name}')`,
    );
  refuseNotEmulated(input);
  const labels = replace ? input.labels : (input.labels ?? current.labels);
  const dnssecConfig = nextDnssec(current.dnssecConfig, input.dnssecConfig, replace);
  if (dnssecConfig.state !== 'off' && [...zone.records.values()].some((r) => (r.type as string) === 'ALIAS'))
    throw googleErrors.invalid(
      'entity.managedZone.dnssecConfig.state',
      dnssecConfig.state,
      'ALIAS records are not compatible with DNSSEC; delete them first',
    );
  if (dnssecConfig.state !== 'transfer' && [...zone.records.values()].some((r) => (r.type as string) === 'DNSKEY'))
    throw googleErrors.invalid(
      'entity.managedZone.dnssecConfig.state',
      dnssecConfig.state,
      "DNSKEY record sets need the 'transfer' state; delete them first",
    );
  return {
    description: replace ? (input.description ?? '') : (input.description ?? current.description),
    ...(labels ? { labels: { ...labels } } : {}),
    dnssecConfig,
    cloudLoggingConfig:
      replace || input.cloudLoggingConfig !== undefined ? cloudLoggingConfigJson(input.cloudLoggingConfig) : current.cloudLoggingConfig,
  };
}
