/**
 * Managed-zone operations, as `managedZones.patch` and `update` answer them and
 * `managedZoneOperations.get/list` read them back (discovery document, schema
 * `Operation`). The emulator applies a zone update at once, so every operation
 * is `done` when it is returned; ids count up per zone from "1".
 */
import type { EmuZone } from '../core/zone-store.js';
import type { ManagedZoneJson } from './managed-zone.js';

export interface OperationJson {
  kind: 'dns#operation';
  id: string;
  startTime: string;
  status: 'pending' | 'done';
  type: string;
  user: string;
  zoneContext: { oldValue: ManagedZoneJson; newValue: ManagedZoneJson };
}

/** Who the operations say asked for them: the emulator does not check identities (see docs/emulators.md). */
export const EMULATOR_USER = 'emulator-user@failover-local.invalid';

/** Oldest operations are forgotten past this many per zone. */
const MAX_OPERATIONS_KEPT = 1000;

export class ZoneOperationLog {
  private readonly zones = new Map<string, { nextId: number; operations: OperationJson[] }>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** `clientOperationId`, when the caller gave one, becomes the operation's id (discovery document, `Operation.id`). */
  record(zone: EmuZone, oldValue: ManagedZoneJson, newValue: ManagedZoneJson, clientOperationId?: string): OperationJson {
    let h = this.zones.get(zone.id);
    if (!h) {
      h = { nextId: 1, operations: [] };
      this.zones.set(zone.id, h);
    }
    let id = clientOperationId;
    if (id === undefined) {
      while (h.operations.some((o) => o.id === String(h?.nextId))) h.nextId += 1;
      id = String(h.nextId);
      h.nextId += 1;
    }
    const op: OperationJson = {
      kind: 'dns#operation',
      id,
      startTime: this.now().toISOString(),
      status: 'done',
      type: 'update',
      user: EMULATOR_USER,
      zoneContext: { oldValue, newValue },
    };
    h.operations.push(op);
    if (h.operations.length > MAX_OPERATIONS_KEPT) h.operations.shift();
    return op;
  }

  get(zone: EmuZone, id: string): OperationJson | undefined {
    return this.zones.get(zone.id)?.operations.find((o) => o.id === id);
  }

  /** Oldest first. */
  list(zone: EmuZone): OperationJson[] {
    return [...(this.zones.get(zone.id)?.operations ?? [])];
  }

  forget(zoneId: string): void {
    this.zones.delete(zoneId);
  }
}
