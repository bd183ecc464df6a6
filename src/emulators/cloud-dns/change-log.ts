/**
 * The change history of each managed zone, which Cloud DNS exposes as
 * `changes.get` and `changes.list`. Change ids count up per zone from "0", the
 * zone's creation (its SOA and NS). A change is answered `pending` when it is
 * created and reads `done` afterwards: the emulator applies it at once, the
 * status only tells clients to poll as they must against the real service.
 */
import type { EmuZone } from '../core/zone-store.js';
import { toRrsetJson, type RrsetJson } from './rrset-json.js';

export interface ChangeJson {
  kind: 'dns#change';
  id: string;
  startTime: string;
  status: 'pending' | 'done';
  isServing: boolean;
  additions: RrsetJson[];
  deletions: RrsetJson[];
}

/** Oldest changes are forgotten past this many per zone, so a long drill does not grow without bound. */
const MAX_CHANGES_KEPT = 5000;

export interface ZoneHistory {
  nextId: number;
  changes: ChangeJson[];
}

export class ChangeLog {
  private readonly zones = new Map<string, ZoneHistory>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** The zone's history, started with change "0" on first use: call it before a write. */
  open(zone: EmuZone): ZoneHistory {
    let h = this.zones.get(zone.id);
    if (!h) {
      const apex = [...zone.records.values()].filter((r) => r.name === zone.name && (r.type === 'SOA' || r.type === 'NS'));
      const creation: ChangeJson = {
        kind: 'dns#change',
        id: '0',
        startTime: zone.createdAt.toISOString(),
        status: 'done',
        isServing: true,
        additions: apex.sort((a, b) => b.type.localeCompare(a.type)).map(toRrsetJson),
        deletions: [],
      };
      h = { nextId: 1, changes: [creation] };
      this.zones.set(zone.id, h);
    }
    return h;
  }

  /** Record an applied change; returns it as the create call answers (`pending`). */
  append(zone: EmuZone, additions: RrsetJson[], deletions: RrsetJson[]): ChangeJson {
    const h = this.open(zone);
    const change: ChangeJson = {
      kind: 'dns#change',
      id: String(h.nextId),
      startTime: this.now().toISOString(),
      status: 'done',
      isServing: true,
      additions,
      deletions,
    };
    h.nextId += 1;
    h.changes.push(change);
    if (h.changes.length > MAX_CHANGES_KEPT) h.changes.shift();
    return { ...change, status: 'pending' };
  }

  get(zone: EmuZone, id: string): ChangeJson | undefined {
    return this.open(zone).changes.find((c) => c.id === id);
  }

  /** Oldest first. */
  list(zone: EmuZone): ChangeJson[] {
    return [...this.open(zone).changes];
  }

  forget(zoneId: string): void {
    this.zones.delete(zoneId);
  }
}
