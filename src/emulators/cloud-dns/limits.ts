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

/** Largest request body read, in bytes; a change at the quota limits fits well inside. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** Page size when the client sends no `maxResults`; the most a page holds whatever it asks. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
