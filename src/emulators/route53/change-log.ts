/**
 * Every accepted change (record batch, zone creation or deletion) gets a
 * ChangeInfo. Route 53 reports PENDING until its name servers have the change;
 * the emulator applies writes at once, so it models propagation as a short
 * delay: a change is INSYNC once `syncMs` has passed, or on the second
 * GetChange, so pollers see PENDING at least once and never wait long.
 */
import { noSuchChange } from './errors.js';
import { newChangeId } from './ids.js';

export interface ChangeInfo {
  id: string;
  status: 'PENDING' | 'INSYNC';
  submittedAt: Date;
  comment?: string;
}

interface Entry {
  id: string;
  submittedMs: number;
  comment?: string;
  reads: number;
}

/** Oldest changes are forgotten beyond this, so a long run cannot grow memory without bound. */
const MAX_REMEMBERED = 10_000;

export class ChangeLog {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly syncMs: number,
    private readonly now: () => number,
  ) {}

  submit(comment?: string): ChangeInfo {
    const entry: Entry = { id: newChangeId(), submittedMs: this.now(), reads: 0, ...(comment !== undefined ? { comment } : {}) };
    this.entries.set(entry.id, entry);
    if (this.entries.size > MAX_REMEMBERED) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return this.view(entry, 'PENDING');
  }

  /** GetChange: counts as a read of the change. */
  read(id: string): ChangeInfo {
    const entry = this.entries.get(id);
    if (!entry) throw noSuchChange(id);
    const synced = this.now() - entry.submittedMs >= this.syncMs || entry.reads >= 1;
    entry.reads += 1;
    return this.view(entry, synced ? 'INSYNC' : 'PENDING');
  }

  private view(entry: Entry, status: ChangeInfo['status']): ChangeInfo {
    return {
      id: entry.id,
      status,
      submittedAt: new Date(entry.submittedMs),
      ...(entry.comment !== undefined ? { comment: entry.comment } : {}),
    };
  }
}

/** The `<ChangeInfo>` element. */
export function changeInfoXml(info: ChangeInfo): Record<string, unknown> {
  return {
    Id: `/change/${info.id}`,
    Status: info.status,
    SubmittedAt: info.submittedAt.toISOString(),
    ...(info.comment !== undefined ? { Comment: info.comment } : {}),
  };
}
