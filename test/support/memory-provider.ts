/**
 * A DnsProvider over a Map, with the conditional-write semantics of
 * src/plan/simulate.ts (each change all-or-nothing, tokens compared, creates
 * only if absent) and switchable failure modes: down, throttled-then-ok,
 * conflicts injected by "another writer", delay, a hook before each apply.
 * Every committed change is logged with what the name served afterwards, so
 * tests can assert that no name was ever left empty.
 */
import { selectObserved, type ReadOptions } from '../../src/providers/read-selection.js';
import { ownershipName, parseOwnership, isOwnershipName } from '../../src/dns/ownership.js';
import { canonicalName, canonicalRecordSet, recordKey } from '../../src/dns/record.js';
import type { RecordSet, RecordType } from '../../src/dns/record.js';
import type { Change, ProviderPlan } from '../../src/plan/change.js';
import { applyPlan } from '../../src/plan/simulate.js';
import type { ObservedRecord, ProviderId, ProviderState } from '../../src/plan/state.js';
import { ProviderError } from '../../src/providers/provider.js';
import type { ApplyReport, DnsProvider } from '../../src/providers/provider.js';

export interface WriteLogEntry {
  readonly seq: number;
  readonly at: number;
  readonly source: 'apply' | 'hand';
  readonly name: string;
  /** Generation in the name's ownership record after the write, if any. */
  readonly generation: number | undefined;
  /** What the name served right after the write, per type (ownership excluded). */
  readonly served: Readonly<Partial<Record<RecordType, readonly string[]>>>;
}

export interface MemoryProviderOptions {
  readonly zone?: string;
  readonly now?: () => number;
}

export class MemoryProvider implements DnsProvider {
  readonly zone: string;
  readonly writeLog: WriteLogEntry[] = [];
  readonly calls = { read: 0, apply: 0 };
  private records = new Map<string, ObservedRecord>();
  private version = 0;
  private seq = 0;
  private readonly now: () => number;
  private down = false;
  private throttled = 0;
  private conflicts = 0;
  private delayMs = 0;
  private beforeApply: ((plan: ProviderPlan) => void) | undefined;

  constructor(
    readonly id: ProviderId,
    options: MemoryProviderOptions = {},
  ) {
    this.zone = canonicalName(options.zone ?? 'example.test');
    this.now = options.now ?? Date.now;
  }

  /** API down: every call fails with `unavailable` (as after the adapter's retries). */
  setDown(down: boolean): this {
    this.down = down;
    return this;
  }

  /** The next apply's first `attempts` API attempts are throttled and retried inside the "adapter": it succeeds, costing more API calls. */
  throttleNext(attempts: number): this {
    this.throttled = attempts;
    return this;
  }

  /** Before each of the next `applies` applies, another writer rewrites every name the plan touches (same content, new tokens). */
  injectConflicts(applies: number): this {
    this.conflicts = applies;
    return this;
  }

  /** Every call waits this long before doing anything (real timers). */
  setDelay(ms: number): this {
    this.delayMs = ms;
    return this;
  }

  /** Runs before each apply, after the failure checks (e.g. to go down mid-run). */
  onBeforeApply(hook: ((plan: ProviderPlan) => void) | undefined): this {
    this.beforeApply = hook;
    return this;
  }

  /** A person edits a record set by hand (or deletes it with values []). */
  handEdit(rs: RecordSet): void {
    const record = canonicalRecordSet(rs);
    const key = recordKey(record.name, record.type);
    if (record.values.length === 0) this.records.delete(key);
    else this.records.set(key, { record, token: this.nextToken() });
    this.log('hand', record.name);
  }

  /** Records present before the test starts (not logged). */
  seed(...sets: RecordSet[]): this {
    for (const rs of sets) {
      const record = canonicalRecordSet(rs);
      this.records.set(recordKey(record.name, record.type), { record, token: this.nextToken() });
    }
    return this;
  }

  served(name: string, type: RecordType): readonly string[] | undefined {
    return this.records.get(recordKey(name, type))?.record.values;
  }

  generationAt(name: string): number | undefined {
    const o = this.records.get(recordKey(ownershipName(name), 'TXT'));
    const parsed = o ? parseOwnership(o.record) : undefined;
    return parsed?.ok ? parsed.ownership.generation : undefined;
  }

  snapshot(): ProviderState {
    return { provider: this.id, records: new Map(this.records) };
  }

  async read(names: readonly string[], options: ReadOptions = {}): Promise<ProviderState> {
    this.calls.read += 1;
    await this.gate(false);
    const selected = new Set(
      selectObserved(
        [...this.records.values()].map((o) => o.record),
        names,
        options,
      ),
    );
    const records = new Map([...this.records].filter(([, o]) => selected.has(o.record)));
    return { provider: this.id, records };
  }

  async apply(plan: ProviderPlan): Promise<ApplyReport> {
    this.calls.apply += 1;
    const started = this.now();
    const throttledAttempts = await this.gate(true);
    this.beforeApply?.(plan);
    if (this.conflicts > 0) {
      this.conflicts -= 1;
      for (const change of plan.changes) this.anotherWriterTouches(change, plan.owner);
    }
    const applied: Change[] = [];
    const conflicts: { change: Change; message: string }[] = [];
    for (const change of plan.changes) {
      const sim = applyPlan({ provider: this.id, records: this.records }, { ...plan, changes: [change] }, () => this.nextToken());
      if (sim.conflicts.length > 0) {
        conflicts.push({ change, message: (sim.conflicts[0] as { reason: string }).reason });
        continue;
      }
      this.records = new Map(sim.state.records);
      applied.push(change);
      this.log('apply', change.name);
    }
    return { provider: this.id, applied, conflicts, apiCalls: 1 + throttledAttempts, durationMs: this.now() - started };
  }

  async close(): Promise<void> {}

  /** Delay, down and throttling, in that order; returns the throttled attempts this call absorbed. */
  private async gate(write: boolean): Promise<number> {
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.down) throw new ProviderError(this.id, 'unavailable', 'connect ECONNREFUSED (memory provider is down)');
    if (!write) return 0;
    const absorbed = this.throttled;
    this.throttled = 0;
    return absorbed;
  }

  private nextToken(): string {
    this.version += 1;
    return `v${this.version}`;
  }

  private anotherWriterTouches(change: Change, owner: string): void {
    const name = canonicalName(change.name);
    const atName = [...this.records.values()].filter((o) => o.record.name === name || o.record.name === ownershipName(name));
    if (atName.length === 0) {
      // A concurrent writer of the same owner claimed the name first, records still to come.
      const types = change.kind === 'create' ? change.records.map((r) => r.type) : ['A' as RecordType];
      this.seed({
        name: ownershipName(name),
        type: 'TXT',
        ttl: 300,
        values: [`"mcf-owner=${owner};generation=0;type=${types.join(',')}"`],
      });
      return;
    }
    for (const o of atName) this.records.set(recordKey(o.record.name, o.record.type), { record: o.record, token: this.nextToken() });
  }

  private log(source: WriteLogEntry['source'], name: string): void {
    const n = canonicalName(name);
    const served: Partial<Record<RecordType, readonly string[]>> = {};
    if (!isOwnershipName(n)) {
      for (const { record } of this.records.values()) if (record.name === n) served[record.type] = record.values;
    }
    this.seq += 1;
    this.writeLog.push({ seq: this.seq, at: this.now(), source, name: n, generation: this.generationAt(n), served });
  }
}

/** Total values a log entry shows at its name. */
export function servedCount(entry: WriteLogEntry): number {
  return Object.values(entry.served).reduce((n, v) => n + (v?.length ?? 0), 0);
}
