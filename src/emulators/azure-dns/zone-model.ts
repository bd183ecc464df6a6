/**
 * Azure DNS zones in the shared ZoneStore. The store id is the ARM resource id;
 * the zone's subscription and resource group are store attributes, and only
 * zones carrying both are visible through this API.
 */
import type { EmuZone, ZoneDraft, ZoneStore } from '../core/zone-store.js';
import { recordKey } from '../core/zone-store.js';
import { presentOne } from './record-codec.js';
import { rememberWritten } from './written-forms.js';

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
  transactAzure(store, zone.id, (draft) => {
    const soa = draft.get(zone.name, 'SOA');
    const [host = AZURE_NAME_SERVERS[0], mail = d.hostmaster, serial = '1'] = soa?.values[0]?.split(/\s+/) ?? [];
    draft.put({
      name: zone.name,
      type: 'SOA',
      ttl: d.soaTtl,
      values: [`${host} ${mail} ${serial} ${d.refresh} ${d.retry} ${d.expire} ${d.minimumTtl}`],
    });
  });
  // As Azure shows its own records: name servers and SOA host with the trailing dot, the email without.
  const soa = store.getZone(zone.id)?.records.get(recordKey(zone.name, 'SOA'));
  if (soa?.values[0]) {
    const item = presentOne('SOA', soa.values[0]);
    rememberWritten(zone, soa, [{ ...item, email: String(item['email']).replace(/\.$/, '') }]);
  }
  return zone;
}

/** The serial of a stored SOA value, if it has one. */
function soaSerial(value: string | undefined): number | undefined {
  const serial = Number(value?.split(/\s+/)[2]);
  return Number.isInteger(serial) ? serial : undefined;
}

/**
 * A store transaction that leaves the SOA serial where the zone's SOA says:
 * Azure never changes the serial by itself, only a write of the SOA does.
 * The shared store adds one to `zone.serial` on every commit and writes it into
 * the SOA, so the serial is set one below the SOA's own just before the commit.
 */
export function transactAzure<T>(store: ZoneStore, zoneId: string, body: (draft: ZoneDraft) => T): T {
  let zone: EmuZone | undefined;
  let serial: number | undefined;
  const out = store.transact(zoneId, (draft) => {
    const result = body(draft);
    zone = draft.zone;
    serial = soaSerial(draft.get(draft.zone.name, 'SOA')?.values[0]);
    if (serial !== undefined) zone.serial = serial - 1;
    return result;
  });
  if (zone !== undefined && serial !== undefined) (zone as EmuZone).serial = serial; // also when nothing changed
  return out;
}

/** Make sure `zoneName` exists for this subscription and resource group (idempotent). */
export function seedAzureZone(store: ZoneStore, zoneName: string, scope: AzureZoneScope): { zoneId: string } {
  const existing = findAzureZone(store, scope, zoneName);
  return { zoneId: (existing ?? createAzureZone(store, scope, zoneName)).id };
}
