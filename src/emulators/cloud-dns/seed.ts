/** Create a Cloud DNS zone in a store before (or without) starting the API, e.g. for the local topology. */
import type { ZoneStore } from '../core/zone-store.js';
import { createManagedZone, findManagedZone } from './managed-zone.js';

export interface CloudDnsSeed {
  projectId: string;
  /** The managed zone's resource name, e.g. `example-test`. */
  managedZone: string;
  description?: string;
}

export function seedCloudDnsZone(store: ZoneStore, zoneName: string, seed: CloudDnsSeed): { managedZone: string; id: string } {
  if (findManagedZone(store, seed.projectId, seed.managedZone)) {
    throw new Error(`Cloud DNS zone '${seed.managedZone}' already exists in project '${seed.projectId}'; pick another managedZone name`);
  }
  const zone = createManagedZone(store, {
    projectId: seed.projectId,
    name: seed.managedZone,
    dnsName: zoneName,
    description: seed.description ?? `Seeded zone ${zoneName}`,
    shard: 'e',
  });
  return { managedZone: seed.managedZone, id: zone.id };
}
