/**
 * One writer's provider calls, each waiting for its step, with the two things
 * that went wrong in the incident's fleet injected at call boundaries:
 * - a delay: the writer is paused once, after its reads and before its first
 *   write (the Enactor that checked "is my plan newer?" long before it wrote);
 * - a crash: after a given number of writes the writer stops; that call's
 *   answer and every later call never come back, so it never writes the rest.
 *
 * `gateProvider` wraps a DnsProvider (the product writer's view); the naive
 * writer calls `call` directly around its SDK requests.
 */
import type { ApplyReport, DnsProvider, ProviderId } from '../../providers/provider.js';
import type { ReadOptions } from '../../providers/read-selection.js';
import type { ProviderPlan } from '../../plan/change.js';
import type { ProviderState } from '../../plan/state.js';
import type { Interleaver } from './interleaving.js';

/** A number of steps, a moment another part of the race signals, or a function run when the hold is reached. */
export type Hold = number | Promise<void> | (() => Promise<void>);

export interface WriterFaults {
  /** Pause before the first write (after the reads that planned it). */
  readonly holdBeforeFirstWrite?: Hold;
  /** Crash once this many write calls have completed (0: crash at the first write, having only read). */
  readonly crashAfterWrites?: number;
}

export type CallKind = 'read' | 'write';

const never = (): Promise<never> => new Promise<never>(() => undefined);

export class WriterGate {
  private writesDone = 0;
  private dead = false;
  private firstWriteHold: Promise<void> | undefined;
  private reachedWrite!: () => void;
  /** Resolves when the writer first tries to write (its reads and checks are done). */
  readonly readyToWrite: Promise<void>;

  constructor(
    readonly writer: string,
    private readonly interleaver: Interleaver,
    private readonly faults: WriterFaults = {},
  ) {
    this.readyToWrite = new Promise<void>((resolve) => {
      this.reachedWrite = resolve;
    });
  }

  get crashed(): boolean {
    return this.dead;
  }

  get writes(): number {
    return this.writesDone;
  }

  /** Wait for a hold: that many steps, or the signal. */
  wait(hold: Hold | undefined, label: string): Promise<void> {
    if (hold === undefined) return Promise.resolve();
    if (typeof hold === 'number') return this.interleaver.pause(hold, `${this.writer} ${label}`);
    return typeof hold === 'function' ? hold() : hold;
  }

  /** One provider call of this writer: its step, then the real work, counted as in flight. */
  async call<T>(kind: CallKind, provider: ProviderId, work: () => Promise<T>): Promise<T> {
    if (kind === 'write') {
      this.reachedWrite();
      this.firstWriteHold ??= this.wait(this.faults.holdBeforeFirstWrite, 'delayed before writing');
      await this.firstWriteHold;
      this.crashIfDue();
    }
    if (this.dead) return never();
    await this.interleaver.step(`${this.writer} ${kind} ${provider}`);
    // Calls already waiting when the writer crashed are never made.
    if (this.dead) return never();
    try {
      return await this.interleaver.activity.track(work);
    } finally {
      if (kind === 'write') {
        this.writesDone += 1;
        this.crashIfDue();
      }
      // The answer of the call that crashed the writer never reaches it either.
      if (this.dead) await never();
    }
  }

  private crashIfDue(): void {
    const limit = this.faults.crashAfterWrites;
    if (limit !== undefined && this.writesDone >= limit) this.dead = true;
  }
}

/** The product adapter seen through one writer's gate; close() leaves the shared adapter open. */
export function gateProvider(provider: DnsProvider, gate: WriterGate): DnsProvider {
  return {
    id: provider.id,
    zone: provider.zone,
    read: (names: readonly string[], options?: ReadOptions): Promise<ProviderState> =>
      gate.call('read', provider.id, () => provider.read(names, options)),
    apply: (plan: ProviderPlan): Promise<ApplyReport> => gate.call('write', provider.id, () => provider.apply(plan)),
    close: async () => undefined,
  };
}
