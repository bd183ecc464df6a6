/**
 * flapping: AWS alternates between down and healthy every 3 s for 20 s (each outage
 * long enough to be detected, so the dwell has returns to hold back). The
 * routing core's guarantee (docs/decisions/health-and-routing.md §7, I6):
 *
 * - every non-urgent change comes at least dwellMs after the previous change,
 *   so a window of T ms holds at most ⌊T / dwellMs⌋ + 1 non-urgent changes;
 * - an urgent change (dwell skipped) only drops a target that is down by quorum
 *   (or drained, or applies a pin; the drill uses neither), so there are at most
 *   as many urgent changes as down verdicts, and those are damped by fall/rise
 *   and the quorum.
 */
import type { ControllerEvent, WriteEvent } from '../../observability/events.js';
import type { Cloud } from '../../routing/answer.js';
import { effectiveWrites, decisionOf, verdictBefore, verdicts } from './checks.js';
import { patience, type TopologyScenario } from './scenario.js';

export const FLAP_DURATION_MS = 20_000;
export const FLAP_HALF_PERIOD_MS = 3_000;

export interface ClassifiedWrite {
  readonly at: number;
  readonly generation: number;
  readonly before: readonly string[];
  readonly after: readonly string[];
  readonly urgent: boolean;
  /** Since the previous change that took effect (any time before). */
  readonly sincePreviousMs: number | null;
  /** Urgent only: the dropped targets that were down by quorum when it was written. */
  readonly droppedDown: readonly string[];
}

/** Every publish in [from, to] that took effect, with its decision's urgency and spacing. */
export function classifyWrites(
  events: readonly ControllerEvent[],
  from: number,
  to: number,
  targets: Readonly<Record<string, string>>,
): ClassifiedWrite[] {
  const all = effectiveWrites(events);
  const byAddress = new Map(Object.entries(targets).map(([id, address]) => [address, id]));
  return all
    .map((w, i) => ({ w, prev: i > 0 ? (all[i - 1] as WriteEvent) : undefined }))
    .filter(({ w }) => w.at >= from && w.at <= to)
    .map(({ w, prev }) => {
      const urgent = decisionOf(events, w)?.urgent ?? false;
      const dropped = w.before.filter((a) => !w.after.includes(a)).map((a) => byAddress.get(a) ?? a);
      return {
        at: w.at,
        generation: w.generation,
        before: w.before,
        after: w.after,
        urgent,
        sincePreviousMs: prev ? w.at - prev.at : null,
        droppedDown: urgent ? dropped.filter((id) => verdictBefore(events, id, w.at) === 'down') : [],
      };
    });
}

export interface FlapBounds {
  readonly windowMs: number;
  readonly nonUrgentBound: number;
  readonly downVerdicts: number;
}

export function flapBounds(events: readonly ControllerEvent[], from: number, to: number, dwellMs: number): FlapBounds {
  const windowMs = to - from;
  const downVerdicts = events.filter((e) => e.type === 'verdict' && e.after === 'down' && e.at >= from && e.at <= to).length;
  if (dwellMs <= 0) return { windowMs, nonUrgentBound: Infinity, downVerdicts };
  return { windowMs, nonUrgentBound: Math.floor(windowMs / dwellMs) + 1, downVerdicts };
}

export const flapping: TopologyScenario = {
  kind: 'topology',
  name: 'flapping',
  summary: `AWS toggles down/healthy every ${FLAP_HALF_PERIOD_MS / 1000} s for ${FLAP_DURATION_MS / 1000} s; DNS changes stay within what dwell allows`,
  proves: 'I6 no flapping: non-urgent changes ≥ dwell apart, urgent ones only away from a target down by quorum; I1; I2',
  async run(ctx) {
    const t = ctx.topology;
    ctx.progress(`fault: AWS flaps down/healthy every ${FLAP_HALF_PERIOD_MS} ms for ${FLAP_DURATION_MS} ms`);
    const faultAt = ctx.now();
    let toggles = 0;
    let down = false;
    while (ctx.now() - faultAt < FLAP_DURATION_MS && !ctx.signal.aborted) {
      down = !down;
      await t.chaosCloud('aws', down ? 'down' : 'healthy');
      toggles += 1;
      await ctx.sleep(FLAP_HALF_PERIOD_MS);
    }
    await t.chaosCloud('aws', 'healthy');
    const flapEndAt = ctx.now();
    ctx.progress(`AWS healthy again after ${toggles} toggles; waiting for the answer to settle on aws`);
    await ctx.waitFor(() => ctx.served([ctx.addresses.aws]), patience(ctx.settings));
    // One more dwell: a change after settling would show up in the count.
    await ctx.sleep(ctx.settings.dwellMs);
    // expectedAnswer: publish_ms and rto_ms then time the first move away, when the quorum saw AWS down at all.
    return { faultAt, faultTarget: 'aws', expectedAnswer: [ctx.addresses.azure], marks: { flapEndAt }, facts: { toggles } };
  },
  judge({ obs, settings, addresses, run }) {
    const to = obs.endedAt;
    const targets: Record<Cloud, string> = { ...addresses };
    const writes = classifyWrites(obs.events, obs.faultAt, to, targets);
    const bounds = flapBounds(obs.events, obs.faultAt, to, settings.dwellMs);
    const nonUrgent = writes.filter((w) => !w.urgent);
    const urgent = writes.filter((w) => w.urgent);
    const tooSoon = nonUrgent.filter((w) => w.sincePreviousMs !== null && w.sincePreviousMs < settings.dwellMs);
    const unjustified = urgent.filter((w) => w.droppedDown.length === 0);
    const awsDown = verdicts(obs.events, 'aws').filter((v) => v.after === 'down' && v.at >= obs.faultAt).length;
    const offset = (at: number) => at - obs.faultAt;
    return {
      invariants: [
        {
          name: 'dwell between non-urgent changes (I6)',
          ok: tooSoon.length === 0,
          detail:
            tooSoon.length === 0
              ? `${nonUrgent.length} non-urgent change(s), each ≥ ${settings.dwellMs} ms after the previous`
              : `changed ${tooSoon.map((w) => `${w.sincePreviousMs} ms`).join(', ')} after the previous change (dwell ${settings.dwellMs} ms)`,
        },
        {
          name: 'non-urgent changes ≤ ⌊T/dwell⌋+1',
          ok: nonUrgent.length <= bounds.nonUrgentBound,
          detail: `${nonUrgent.length} ≤ ${bounds.nonUrgentBound} in T = ${bounds.windowMs} ms`,
        },
        {
          name: 'urgent changes only leave a down target',
          ok: unjustified.length === 0 && urgent.length <= bounds.downVerdicts,
          detail: `${urgent.length} urgent change(s), ${bounds.downVerdicts} down verdict(s)${unjustified.length ? `; ${unjustified.length} dropped no target that was down` : ''}`,
        },
      ],
      details: {
        toggles: run.facts?.toggles ?? null,
        window_ms: bounds.windowMs,
        changes: writes.length,
        urgent_changes: urgent.length,
        non_urgent_changes: nonUrgent.length,
        non_urgent_bound: bounds.nonUrgentBound,
        total_bound: bounds.nonUrgentBound + bounds.downVerdicts,
        aws_down_verdicts: awsDown,
        changes_at_ms: writes.map((w) => `${offset(w.at)}${w.urgent ? ' urgent' : ''} → [${w.after.join(', ')}]`),
      },
    };
  },
};
