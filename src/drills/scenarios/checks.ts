/**
 * Pure questions the scenarios ask of what a drill recorded: did clients end up
 * on a cloud, did any provider serve something else, which publishes took
 * effect. Shared by the scenario judges; table-tested with synthetic inputs.
 */
import type { ControllerEvent, DecisionEvent, VerdictChangeEvent, WriteEvent } from '../../observability/events.js';
import type { AnswerSpan } from '../answer-history.js';
import { sameSet, tookEffect } from '../report.js';
import type { RequestOutcome } from '../traffic-timeline.js';

/** Requests in a row at the end of a phase that show where clients are. */
export const SETTLED_REQUESTS = 10;

/** The last `n` finished requests (by end time, up to `until`) all answered by `cloud`. */
export function clientsOn(traffic: readonly RequestOutcome[], cloud: string, n = SETTLED_REQUESTS, until = Infinity): boolean {
  const done = traffic.filter((o) => o.endedAt <= until).sort((a, b) => a.endedAt - b.endedAt || a.seq - b.seq);
  const tail = done.slice(-n);
  return tail.length === n && tail.every((o) => o.ok && o.cloud === cloud);
}

/** Successful requests answered by `cloud` that were sent in [from, to]. */
export function answeredBy(traffic: readonly RequestOutcome[], cloud: string, from: number, to: number): number {
  return traffic.filter((o) => o.ok && o.cloud === cloud && o.startedAt >= from && o.startedAt <= to).length;
}

/** Publishes that took effect at or after `from` (and up to `to`). */
export function effectiveWrites(events: readonly ControllerEvent[], from = -Infinity, to = Infinity): WriteEvent[] {
  return events.filter((e): e is WriteEvent => e.type === 'write' && e.at >= from && e.at <= to && tookEffect(e));
}

/** Every answer the providers gave between `from` and `to` that is not exactly `answer`, one line each. */
export function answersOtherThan(
  answers: Readonly<Record<string, readonly AnswerSpan[]>>,
  answer: readonly string[],
  from: number,
  to = Infinity,
): string[] {
  const out: string[] = [];
  for (const [provider, spans] of Object.entries(answers)) {
    for (const s of spans) {
      if (s.to < from || s.from > to) continue;
      if (s.outcome !== 'answer' || !sameSet(s.addresses, answer))
        out.push(`${provider} ${s.outcome}${s.addresses.length ? ` [${s.addresses.join(', ')}]` : ''} ${s.polls}× from ${s.from}`);
    }
  }
  return out;
}

/** The verdict events of one target, oldest first. */
export function verdicts(events: readonly ControllerEvent[], target: string): VerdictChangeEvent[] {
  return events.filter((e): e is VerdictChangeEvent => e.type === 'verdict' && e.targetId === target);
}

/** The target's verdict as the controller knew it just before `at` (unknown before any). */
export function verdictBefore(events: readonly ControllerEvent[], target: string, at: number): string {
  let kind = 'unknown';
  for (const v of verdicts(events, target)) if (v.at <= at) kind = v.after;
  return kind;
}

/** The change decision a publish carried out: the last `change` decision for its answer recorded before it. */
export function decisionOf(events: readonly ControllerEvent[], write: WriteEvent): DecisionEvent | undefined {
  let found: DecisionEvent | undefined;
  for (const e of events) {
    if (e.id >= write.id) break;
    if (e.type === 'decision' && e.kind === 'change' && sameSet(e.after, write.after)) found = e;
  }
  return found;
}

/** The first event of `type` matching `match` at or after `from`. */
export function firstAfter<T extends ControllerEvent['type']>(
  events: readonly ControllerEvent[],
  type: T,
  from: number,
  match: (e: Extract<ControllerEvent, { type: T }>) => boolean = () => true,
): Extract<ControllerEvent, { type: T }> | undefined {
  return events.find(
    (e): e is Extract<ControllerEvent, { type: T }> => e.type === type && e.at >= from && match(e as Extract<ControllerEvent, { type: T }>),
  );
}
