/**
 * Cloud DNS default per-project quotas that a change is checked against
 * (https://cloud.google.com/dns/quotas). Exceeding one answers 403 `quotaExceeded`,
 * as the real API does; clients are expected to split large changes.
 */
export const CLOUD_DNS_LIMITS = {
  rrsetAdditionsPerChange: 1000,
  rrsetDeletionsPerChange: 1000,
  resourceRecordsPerRrset: 100,
  totalRrdataSizePerChange: 100_000,
  rrsetsPerManagedZone: 10_000,
  managedZones: 10_000,
} as const;

/**
 * The whole `Quota` object `projects.get` answers (discovery document, schema
 * `Quota`): the limits above, and Cloud DNS's defaults for the features the
 * emulator does not implement (private zones, policies, DNSSEC keys), which it
 * reports but never checks.
 */
export const CLOUD_DNS_QUOTA = {
  kind: 'dns#quota',
  dnsKeysPerManagedZone: 4,
  gkeClustersPerManagedZone: 100,
  gkeClustersPerPolicy: 1000,
  gkeClustersPerResponsePolicy: 100,
  internetHealthChecksPerManagedZone: 100,
  itemsPerRoutingPolicy: 100,
  managedZones: CLOUD_DNS_LIMITS.managedZones,
  managedZonesPerGkeCluster: 1000,
  managedZonesPerNetwork: 10_000,
  nameserversPerDelegation: 8,
  networksPerManagedZone: 10_000,
  networksPerPolicy: 1000,
  networksPerResponsePolicy: 100,
  peeringZonesPerTargetNetwork: 1000,
  policies: 100,
  resourceRecordsPerRrset: CLOUD_DNS_LIMITS.resourceRecordsPerRrset,
  responsePolicies: 100,
  responsePolicyRulesPerResponsePolicy: 100_000,
  rrsetAdditionsPerChange: CLOUD_DNS_LIMITS.rrsetAdditionsPerChange,
  rrsetDeletionsPerChange: CLOUD_DNS_LIMITS.rrsetDeletionsPerChange,
  rrsetsPerManagedZone: CLOUD_DNS_LIMITS.rrsetsPerManagedZone,
  targetNameServersPerManagedZone: 100,
  targetNameServersPerPolicy: 100,
  totalRrdataSizePerChange: CLOUD_DNS_LIMITS.totalRrdataSizePerChange,
  whitelistedKeySpecs: (
    [
      ['rsasha1', 'keySigning', 2048],
      ['rsasha1', 'zoneSigning', 1024],
      ['rsasha256', 'keySigning', 2048],
      ['rsasha256', 'zoneSigning', 1024],
      ['rsasha512', 'keySigning', 2048],
      ['rsasha512', 'zoneSigning', 1024],
      ['ecdsap256sha256', 'keySigning', 256],
      ['ecdsap256sha256', 'zoneSigning', 256],
      ['ecdsap384sha384', 'keySigning', 384],
      ['ecdsap384sha384', 'zoneSigning', 384],
    ] as const
  ).map(([algorithm, keyType, keyLength]) => ({ kind: 'dns#dnsKeySpec', algorithm, keyLength, keyType })),
} as const;

/** Largest request body read, in bytes; a change at the quota limits fits well inside. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** Page size when the client sends no `maxResults`; the most a page holds whatever it asks. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
