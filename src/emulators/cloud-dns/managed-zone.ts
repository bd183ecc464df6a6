/**
 * Cloud DNS managed zones over the shared ZoneStore. A store zone belongs to
 * Cloud DNS when it carries the `projectId` and `managedZone` attributes; the
 * zone id is a numeric string, as Cloud DNS ids are.
 */
import { randomInt } from 'node:crypto';
import { absoluteName, type EmuZone, type ZoneStore } from '../core/zone-store.js';
import type { CloudLoggingConfigJson, DnssecConfigJson, ZoneSettings } from './zone-settings.js';

/** Cloud DNS gives both the SOA and the NS set at the apex a TTL of 6 hours. */
export const APEX_TTL = 21600;
export const NAME_SERVER_DOMAIN = 'googledomains-emu.test.';
const SHARDS = ['a', 'b', 'c', 'd', 'e'] as const;

export interface ManagedZoneJson {
  kind: 'dns#managedZone';
  name: string;
  dnsName: string;
  description: string;
  id: string;
  nameServers: string[];
  creationTime: string;
  visibility: 'public';
  labels?: Record<string, string>;
  dnssecConfig: DnssecConfigJson;
  cloudLoggingConfig: CloudLoggingConfigJson;
}

export interface NewManagedZone {
  projectId: string;
  name: string;
  dnsName: string;
  description: string;
  labels?: Record<string, string>;
  /** Name-server shard letter (`e` gives ns-cloud-e1..e4); derived from the name if absent. */
  shard?: string;
}

export function belongsTo(zone: EmuZone, projectId: string): boolean {
  return zone.attributes.projectId === projectId && typeof zone.attributes.managedZone === 'string';
}

export function zonesOfProject(store: ZoneStore, projectId: string): EmuZone[] {
  return store.listZones().filter((z) => belongsTo(z, projectId));
}

/** Cloud DNS addresses a zone by its name or by its numeric id. */
export function findManagedZone(store: ZoneStore, projectId: string, nameOrId: string): EmuZone | undefined {
  return zonesOfProject(store, projectId).find((z) => z.attributes.managedZone === nameOrId || z.id === nameOrId);
}

function shardFor(name: string): string {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return SHARDS[h % SHARDS.length] ?? 'e';
}

function newZoneId(store: ZoneStore): string {
  for (;;) {
    const id = String(randomInt(1_000_000_000_000, 281_474_976_710_655));
    if (!store.getZone(id)) return id;
  }
}

/** Create the store zone with Cloud DNS's apex: SOA and 4 NS, both with TTL 21600. */
export function createManagedZone(store: ZoneStore, input: NewManagedZone): EmuZone {
  const shard = input.shard ?? shardFor(input.name);
  const nameServers = [1, 2, 3, 4].map((n) => `ns-cloud-${shard}${n}.${NAME_SERVER_DOMAIN}`);
  const attributes: Record<string, string> = { projectId: input.projectId, managedZone: input.name, description: input.description };
  if (input.labels) attributes.labels = JSON.stringify(input.labels);
  const zone = store.createZone({
    id: newZoneId(store),
    name: absoluteName(input.dnsName),
    nameServers,
    attributes,
    soaTtl: APEX_TTL,
    nsTtl: APEX_TTL,
    hostmaster: `cloud-dns-hostmaster.${NAME_SERVER_DOMAIN}`,
  });
  // The store's SOA timers are generic; Cloud DNS publishes 21600 3600 259200 300.
  store.transact(zone.id, (draft) => {
    const soa = draft.get(zone.name, 'SOA');
    const [mname, rname, serial] = soa?.values[0]?.split(/\s+/) ?? [];
    draft.put({ name: zone.name, type: 'SOA', ttl: APEX_TTL, values: [`${mname} ${rname} ${serial} 21600 3600 259200 300`] });
  });
  return zone;
}

export function toManagedZoneJson(zone: EmuZone, settings: ZoneSettings): ManagedZoneJson {
  return {
    kind: 'dns#managedZone',
    name: zone.attributes.managedZone ?? zone.id,
    dnsName: zone.name,
    description: settings.description,
    id: zone.id,
    nameServers: [...zone.nameServers],
    creationTime: zone.createdAt.toISOString(),
    visibility: 'public',
    ...(settings.labels ? { labels: { ...settings.labels } } : {}),
    dnssecConfig: structuredClone(settings.dnssecConfig),
    cloudLoggingConfig: { ...settings.cloudLoggingConfig },
  };
}
