/**
 * The mutable configuration of each managed zone (description, labels, DNSSEC
 * and logging settings), which `managedZones.patch` and `update` change. Kept
 * beside the shared store, keyed by zone id; a zone seeded straight into the
 * store gets its description from the store attributes and defaults otherwise.
 */
import type { EmuZone } from '../core/zone-store.js';
import type { DnsKeySpecInput, DnssecConfigInput } from './entity-schemas.js';

export type DnssecState = 'off' | 'on' | 'transfer';

export type DnsKeySpecJson = Omit<DnsKeySpecInput, 'kind'> & { kind: 'dns#dnsKeySpec' };

export interface DnssecConfigJson {
  kind: 'dns#managedZoneDnsSecConfig';
  state: DnssecState;
  nonExistence?: 'nsec' | 'nsec3';
  defaultKeySpecs?: DnsKeySpecJson[];
}

export interface CloudLoggingConfigJson {
  kind: 'dns#managedZoneCloudLoggingConfig';
  enableLogging?: boolean;
}

export interface ZoneSettings {
  description: string;
  labels?: Record<string, string>;
  dnssecConfig: DnssecConfigJson;
  cloudLoggingConfig: CloudLoggingConfigJson;
}

/**
 * The key specs Cloud DNS fills in when DNSSEC is turned on without them
 * (https://cloud.google.com/dns/docs/dnssec-advanced#algorithms): RSASHA256,
 * a 2048-bit key-signing key and a 1024-bit zone-signing key, NSEC3.
 */
const DEFAULT_KEY_SPECS: DnsKeySpecJson[] = [
  { kind: 'dns#dnsKeySpec', algorithm: 'rsasha256', keyLength: 2048, keyType: 'keySigning' },
  { kind: 'dns#dnsKeySpec', algorithm: 'rsasha256', keyLength: 1024, keyType: 'zoneSigning' },
];

function keySpec(spec: DnsKeySpecInput): DnsKeySpecJson {
  const { kind: _kind, ...rest } = spec;
  return { kind: 'dns#dnsKeySpec', ...rest };
}

/** The config as returned: what was given, with Cloud DNS's defaults once DNSSEC is on. */
export function dnssecConfigJson(input: DnssecConfigInput | undefined): DnssecConfigJson {
  const state = input?.state ?? 'off';
  const out: DnssecConfigJson = { kind: 'dns#managedZoneDnsSecConfig', state };
  const specs = input?.defaultKeySpecs?.map(keySpec) ?? (state === 'off' ? undefined : DEFAULT_KEY_SPECS.map((s) => ({ ...s })));
  const nonExistence = input?.nonExistence ?? (state === 'off' ? undefined : 'nsec3');
  if (nonExistence) out.nonExistence = nonExistence;
  if (specs) out.defaultKeySpecs = specs;
  return out;
}

export function cloudLoggingConfigJson(input: { enableLogging?: boolean | undefined } | undefined): CloudLoggingConfigJson {
  return input?.enableLogging === undefined
    ? { kind: 'dns#managedZoneCloudLoggingConfig' }
    : { kind: 'dns#managedZoneCloudLoggingConfig', enableLogging: input.enableLogging };
}

export class ZoneSettingsRegistry {
  private readonly settings = new Map<string, ZoneSettings>();

  get(zone: EmuZone): ZoneSettings {
    const known = this.settings.get(zone.id);
    if (known) return known;
    const labels = zone.attributes.labels ? (JSON.parse(zone.attributes.labels) as Record<string, string>) : undefined;
    return {
      description: zone.attributes.description ?? '',
      ...(labels ? { labels } : {}),
      dnssecConfig: dnssecConfigJson(undefined),
      cloudLoggingConfig: cloudLoggingConfigJson(undefined),
    };
  }

  set(zoneId: string, settings: ZoneSettings): void {
    this.settings.set(zoneId, settings);
  }

  forget(zoneId: string): void {
    this.settings.delete(zoneId);
  }
}
