/**
 * Azure DNS zones in the shared ZoneStore. The store id is the ARM resource id;
 * the zone's subscription and resource group are store attributes, and only
 * zones carrying both are visible through this API.
 */
import type { EmuZone, ZoneStore } from '../core/zone-store.js';

export const AZURE_NAME_SERVERS = [
  'ns1-01.azure-dns-emu.test.',
  'ns2-01.azure-dns-emu.test.',
  'ns3-01.azure-dns-emu.test.',
  'ns4-01.azure-dns-emu.test.',
];
/** Azure's published SOA and NS defaults for a new zone. */
export const AZURE_ZONE_DEFAULTS = {
  soaTtl: 3600,
  nsTtl: 172800,
  hostmaster: 'azuredns-hostmaster.azure-dns-emu.test.',
  refresh: 3600,
  retry: 300,
  expire: 2419200,
  minimumTtl: 300,
} as const;
export const MAX_RECORD_SETS_PER_ZONE = 10000;
export const MAX_RECORDS_PER_SET = 20;

export interface AzureZoneScope {
  subscriptionId: string;
  resourceGroup: string;
}

export function zoneResourceId(scope: AzureZoneScope, zoneName: string): string {
  return `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}/providers/Microsoft.Network/dnszones/${zoneName.replace(/\.$/, '').toLowerCase()}`;
}

/** The zone name as ARM shows it: no trailing dot. */
export function armZoneName(zone: EmuZone): string {
  return zone.name.replace(/\.$/, '');
}

function sameText(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** Azure zones of a subscription, optionally of one resource group (ARM ids are case-insensitive). */
export function listAzureZones(store: ZoneStore, subscriptionId: string, resourceGroup?: string): EmuZone[] {
  return store
    .listZones()
    .filter((z) => sameText(z.attributes['subscriptionId'], subscriptionId) && z.attributes['resourceGroup'] !== undefined)
    .filter((z) => resourceGroup === undefined || sameText(z.attributes['resourceGroup'], resourceGroup));
}

export function findAzureZone(store: ZoneStore, scope: AzureZoneScope, zoneName: string): EmuZone | undefined {
  const name = `${zoneName.replace(/\.$/, '').toLowerCase()}.`;
  return listAzureZones(store, scope.subscriptionId, scope.resourceGroup).find((z) => z.name === name);
}

/** Create a zone with Azure's apex SOA and NS sets. */
export function createAzureZone(store: ZoneStore, scope: AzureZoneScope, zoneName: string): EmuZone {
  const d = AZURE_ZONE_DEFAULTS;
  const zone = store.createZone({
    id: zoneResourceId(scope, zoneName),
    name: zoneName,
    nameServers: AZURE_NAME_SERVERS,
    attributes: { subscriptionId: scope.subscriptionId, resourceGroup: scope.resourceGroup },
    soaTtl: d.soaTtl,
    nsTtl: d.nsTtl,
    hostmaster: d.hostmaster,
  });
  // The store's SOA timers are generic; Azure's differ.
  store.transact(zone.id, (draft) => {
    const soa = draft.get(zone.name, 'SOA');
    const [host = AZURE_NAME_SERVERS[0], mail = d.hostmaster, serial = '1'] = soa?.values[0]?.split(/\s+/) ?? [];
    draft.put({
      name: zone.name,
      type: 'SOA',
      ttl: d.soaTtl,
      values: [`${host} ${mail} ${serial} ${d.refresh} ${d.retry} ${d.expire} ${d.minimumTtl}`],
    });
  });
  return zone;
}

/** Make sure `zoneName` exists for this subscription and resource group (idempotent). */
export function seedAzureZone(store: ZoneStore, zoneName: string, scope: AzureZoneScope): { zoneId: string } {
  const existing = findAzureZone(store, scope, zoneName);
  return { zoneId: (existing ?? createAzureZone(store, scope, zoneName)).id };
}
