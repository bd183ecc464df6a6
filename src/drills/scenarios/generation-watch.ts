/**
 * Watches, in each emulator's zone store, the ownership record of the service's
 * name: the generation of the plan that last changed it on that provider. The
 * report counts a change to a generation lower than one already held anywhere
 * as a stale write applied (I2), from the providers' state rather than from the
 * controller's own account of what it did.
 */
import { ownershipName, parseOwnershipValue } from '../../dns/ownership.js';
import { recordKey, type ZoneStore } from '../../emulators/core/zone-store.js';
import type { AppliedGeneration } from '../report.js';

export interface GenerationWatch {
  readonly applied: () => readonly AppliedGeneration[];
  stop(): void;
}

export function watchGenerations(stores: Readonly<Record<string, ZoneStore>>, name: string, now: () => number = Date.now): GenerationWatch {
  const key = recordKey(ownershipName(name), 'TXT');
  const applied: AppliedGeneration[] = [];
  const offs: (() => void)[] = [];
  for (const [provider, store] of Object.entries(stores)) {
    const read = (zoneId: string) => {
      const value = store.getZone(zoneId)?.records.get(key)?.values[0];
      if (value === undefined) return;
      const parsed = parseOwnershipValue(value);
      if (parsed.ok) applied.push({ provider, at: now(), generation: parsed.ownership.generation });
    };
    for (const zone of store.listZones()) read(zone.id);
    store.on('change', read);
    offs.push(() => store.off('change', read));
  }
  return {
    applied: () => [...applied],
    stop: () => offs.splice(0).forEach((off) => off()),
  };
}
