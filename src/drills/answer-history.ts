/**
 * What each provider's name server answered over time, kept as runs of the same
 * answer (first and last time seen), plus a count of empty answers. From it a
 * drill reads `rto_ms` (when did every provider first serve the new target?) and
 * `empty_answers`. Pure bookkeeping: observations in, questions answered.
 */

/** `answer`: addresses; `empty`: NOERROR without an A record or NXDOMAIN; `timeout`/`error`: nothing usable. */
export type PollOutcome = 'answer' | 'empty' | 'timeout' | 'error';

export interface Observation {
  /** When the answer arrived (ms, on the poller's clock). */
  readonly at: number;
  readonly outcome: PollOutcome;
  /** Sorted; empty unless outcome is `answer`. */
  readonly addresses: readonly string[];
  /** The DNS rcode, when an answer came back. */
  readonly rcode?: string;
}

/** One run of identical answers from one provider. */
export interface AnswerSpan {
  readonly outcome: PollOutcome;
  readonly addresses: readonly string[];
  readonly rcode?: string;
  /** First and last time this answer was seen in this run. */
  readonly from: number;
  readonly to: number;
  /** How many polls saw it. */
  readonly polls: number;
}

interface MutableSpan {
  outcome: PollOutcome;
  addresses: readonly string[];
  rcode?: string;
  from: number;
  to: number;
  polls: number;
}

const sameAnswer = (span: MutableSpan, o: Observation): boolean =>
  span.outcome === o.outcome &&
  span.rcode === o.rcode &&
  span.addresses.length === o.addresses.length &&
  span.addresses.every((a, i) => a === o.addresses[i]);

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

export class AnswerHistory {
  private readonly spans = new Map<string, MutableSpan[]>();
  private readonly empties = new Map<string, number>();

  /** Observations of one provider must come in time order. */
  record(provider: string, observation: Observation): { changed: boolean; span: AnswerSpan } {
    const o = { ...observation, addresses: [...observation.addresses].sort() };
    let spans = this.spans.get(provider);
    if (!spans) {
      spans = [];
      this.spans.set(provider, spans);
    }
    if (o.outcome === 'empty') this.empties.set(provider, (this.empties.get(provider) ?? 0) + 1);
    const last = spans.at(-1);
    if (last && sameAnswer(last, o)) {
      last.to = o.at;
      last.polls += 1;
      return { changed: false, span: { ...last } };
    }
    const span: MutableSpan = {
      outcome: o.outcome,
      addresses: o.addresses,
      from: o.at,
      to: o.at,
      polls: 1,
      ...(o.rcode !== undefined ? { rcode: o.rcode } : {}),
    };
    spans.push(span);
    return { changed: true, span: { ...span } };
  }

  providers(): string[] {
    return [...this.spans.keys()];
  }

  /** Every distinct run of answers from `provider`, oldest first. */
  history(provider: string): AnswerSpan[] {
    return (this.spans.get(provider) ?? []).map((s) => ({ ...s }));
  }

  /** Empty answers seen from `provider`, or from all providers. */
  emptyAnswers(provider?: string): number {
    if (provider !== undefined) return this.empties.get(provider) ?? 0;
    return [...this.empties.values()].reduce((a, b) => a + b, 0);
  }

  /** The answer `provider` was last seen giving at or before `at`. */
  answerAt(provider: string, at: number): AnswerSpan | undefined {
    const spans = this.spans.get(provider) ?? [];
    let found: MutableSpan | undefined;
    for (const s of spans) {
      if (s.from > at) break;
      found = s;
    }
    return found && { ...found };
  }

  /**
   * The earliest time at or after `afterMs` at which every provider in `providers`
   * (default: all seen) was answering exactly `addresses`: the moment the last of
   * them switched, provided none of the others had switched away by then.
   * Undefined when that never happened.
   */
  firstTimeAllServe(addresses: readonly string[], afterMs: number, providers: readonly string[] = this.providers()): number | undefined {
    if (providers.length === 0) return undefined;
    const wanted = [...addresses].sort();
    const candidates = new Set<number>([afterMs]);
    for (const p of providers) for (const s of this.spans.get(p) ?? []) if (s.from >= afterMs) candidates.add(s.from);
    for (const t of [...candidates].sort((a, b) => a - b)) {
      const all = providers.every((p) => {
        const span = this.answerAt(p, t);
        return span !== undefined && span.outcome === 'answer' && sameSet(span.addresses, wanted);
      });
      if (all) return t;
    }
    return undefined;
  }
}
