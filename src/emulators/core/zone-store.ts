/**
 * The data every emulator keeps: zones and their record sets. Shared by the API
 * front ends (Route 53, Azure DNS, Cloud DNS) and the DNS data plane, so that a
 * write through an API is visible over DNS at once.
 *
 * Emulators import nothing of the product: this model is their own.
 * Names are absolute, lower-case, with a trailing dot. Values are in zone-file
 * presentation form (TXT as quoted strings, names absolute with a trailing dot).
 */
import { EventEmitter } from 'node:events';

export const EMU_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'TXT', 'NS', 'SOA', 'MX', 'SRV', 'CAA', 'PTR'] as const;
export type EmuRecordType = (typeof EMU_RECORD_TYPES)[number];

export interface EmuRecordSet {
  readonly name: string;
  readonly type: EmuRecordType;
  readonly ttl: number;
  readonly values: readonly string[];
  /** Increments on every write of this set; front ends derive ETags from it. */
  readonly version: number;
  /** Azure record-set metadata (key/value tags); other front ends ignore it. */
  readonly metadata?: Readonly<Record<string, string>>;
  /**
   * Set when the data plane answers this set from a live source instead of
   * `values` (an Azure alias to a Traffic Manager profile): the source's id,
   * which the store's `liveValues` callback is asked about at query time.
   */
  readonly liveSource?: string;
}

/** The values a set with a `liveSource` is answered with right now (none: no data). */
export type LiveValues = (rs: EmuRecordSet) => readonly string[];

export interface EmuZone {
  readonly id: string;
  readonly name: string;
  readonly createdAt: Date;
  /** Front-end specific attributes (Azure resource group, Cloud DNS description, ...). */
  readonly attributes: Readonly<Record<string, string>>;
  readonly nameServers: readonly string[];
  /** SOA serial; bumped by every committed transaction. */
  serial: number;
  records: ReadonlyMap<string, EmuRecordSet>;
}

export type RecordWrite = Omit<EmuRecordSet, 'version'>;

/** Thrown inside a transaction to reject it; nothing of the transaction is applied. */
export class TransactionRejected extends Error {
  constructor(
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
  }
}

export function absoluteName(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

export function recordKey(name: string, type: string): string {
  return `${absoluteName(name)}|${type.toUpperCase()}`;
}

/** Is `name` the zone apex or below it? */
export function inZone(name: string, zoneName: string): boolean {
  const n = absoluteName(name);
  const z = absoluteName(zoneName);
  return n === z || n.endsWith(`.${z}`);
}

/** A mutable working copy handed to a transaction body. */
export class ZoneDraft {
  private readonly records: Map<string, EmuRecordSet>;
  private readonly touched = new Set<string>();
  constructor(readonly zone: EmuZone) {
    this.records = new Map(zone.records);
  }
  get(name: string, type: string): EmuRecordSet | undefined {
    return this.records.get(recordKey(name, type));
  }
  list(): EmuRecordSet[] {
    return [...this.records.values()];
  }
  /** Create or replace a set; its version becomes previous + 1 (or 1). */
  put(rs: RecordWrite): EmuRecordSet {
    const key = recordKey(rs.name, rs.type);
    if (!inZone(rs.name, this.zone.name)) throw new TransactionRejected(`${rs.name} is not in zone ${this.zone.name}`);
    const previous = this.records.get(key);
    const next: EmuRecordSet = { ...rs, name: absoluteName(rs.name), values: [...rs.values], version: (previous?.version ?? 0) + 1 };
    this.records.set(key, next);
    this.touched.add(key);
    return next;
  }
  delete(name: string, type: string): boolean {
    const key = recordKey(name, type);
    this.touched.add(key);
    return this.records.delete(key);
  }
  /** @internal */
  result(): { records: Map<string, EmuRecordSet>; changed: boolean } {
    return { records: this.records, changed: this.touched.size > 0 };
  }
}

export interface CreateZoneInput {
  id: string;
  name: string;
  nameServers: string[];
  attributes?: Record<string, string>;
  /** SOA/NS TTLs; Route 53 uses 900/172800. */
  soaTtl?: number;
  nsTtl?: number;
  hostmaster?: string;
}

export interface ZoneStoreEvents {
  change: [zoneId: string];
}

/**
 * Zones by id. Every mutation of record sets goes through `transact`, which runs
 * the body on a copy and swaps it in only if the body returns: batches are atomic
 * by construction, and the data plane never sees half a batch.
 */
export class ZoneStore extends EventEmitter<ZoneStoreEvents> {
  private readonly zones = new Map<string, EmuZone>();
  /** Installed by the front end that writes sets with a `liveSource` (e.g. the Azure emulator's Traffic Manager engine). */
  liveValues?: LiveValues;

  /** What the data plane serves for a set: its stored values, or its live source's answer of the moment. */
  valuesOf(rs: EmuRecordSet): readonly string[] {
    return rs.liveSource !== undefined ? (this.liveValues?.(rs) ?? []) : rs.values;
  }

  createZone(input: CreateZoneInput): EmuZone {
    if (this.zones.has(input.id)) throw new Error(`zone id ${input.id} already exists`);
    const name = absoluteName(input.name);
    const ns = input.nameServers.map(absoluteName);
    const serial = 1;
    const zone: EmuZone = {
      id: input.id,
      name,
      createdAt: new Date(),
      attributes: { ...input.attributes },
      nameServers: ns,
      serial,
      records: new Map(),
    };
    const draft = new ZoneDraft(zone);
    draft.put({
      name,
      type: 'SOA',
      ttl: input.soaTtl ?? 900,
      values: [`${ns[0] ?? `ns1.${name}`} ${input.hostmaster ?? `hostmaster.${name}`} ${serial} 7200 900 1209600 86400`],
    });
    draft.put({ name, type: 'NS', ttl: input.nsTtl ?? 172800, values: ns });
    zone.records = draft.result().records;
    this.zones.set(zone.id, zone);
    this.emit('change', zone.id);
    return zone;
  }

  getZone(id: string): EmuZone | undefined {
    return this.zones.get(id);
  }

  listZones(): EmuZone[] {
    return [...this.zones.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  zonesByName(name: string): EmuZone[] {
    const n = absoluteName(name);
    return this.listZones().filter((z) => z.name === n);
  }

  deleteZone(id: string): boolean {
    const ok = this.zones.delete(id);
    if (ok) this.emit('change', id);
    return ok;
  }

  /** The zone with the longest name that contains `qname` (for the data plane). */
  findZoneFor(qname: string): EmuZone | undefined {
    let best: EmuZone | undefined;
    for (const z of this.zones.values()) {
      if (inZone(qname, z.name) && (!best || z.name.length > best.name.length)) best = z;
    }
    return best;
  }

  /**
   * Run `body` against a copy of the zone's records; commit only if it returns.
   * Throw TransactionRejected (or anything) to leave the zone untouched.
   */
  transact<T>(zoneId: string, body: (draft: ZoneDraft) => T): T {
    const zone = this.zones.get(zoneId);
    if (!zone) throw new TransactionRejected(`no zone ${zoneId}`);
    const draft = new ZoneDraft(zone);
    const out = body(draft);
    const { records, changed } = draft.result();
    if (changed) {
      zone.serial += 1;
      const soaKey = recordKey(zone.name, 'SOA');
      const soa = records.get(soaKey);
      if (soa && soa.values[0]) {
        const parts = soa.values[0].split(/\s+/);
        parts[2] = String(zone.serial);
        records.set(soaKey, { ...soa, values: [parts.join(' ')] });
      }
      zone.records = records;
      this.emit('change', zone.id);
    }
    return out;
  }
}
