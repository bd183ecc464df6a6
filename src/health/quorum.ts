/**
 * Combine the per-vantage states of one target into one verdict.
 *
 * With n configured vantage points and a down quorum q (default a majority,
 * floor(n/2) + 1):
 * - DOWN when at least q fresh vantage points say down;
 * - UP when at least n - q + 1 fresh vantage points say up (suspect counts as up),
 *   i.e. even if every other vantage point said down there could be no down quorum;
 * - UNKNOWN otherwise (not enough fresh evidence either way).
 * A vantage point whose last probe is older than `staleAfterMs`, or that has not
 * decided yet, counts neither way: losing a vantage point must not look like
 * losing the target.
 */
import type { TargetState } from './target-state.js';

/** How one vantage point's state counts towards the verdict. */
export type VantageView = 'up' | 'down' | 'unknown' | 'stale';

/** One vantage point's contribution, for the dashboard. */
export interface VantageDetail {
  readonly vantageId: string;
  readonly view: VantageView;
  /** The state machine's kind, or `missing` when this vantage point has reported nothing. */
  readonly state: TargetState['kind'] | 'missing';
  readonly lastProbeAt?: number;
  readonly error?: string;
  readonly reason: string;
}

/** The health of one target across vantage points: what routing acts on. */
export type VerdictKind = 'up' | 'down' | 'unknown';

/** A target's verdict with its evidence: counts, thresholds, per-vantage detail and a sentence. */
export interface TargetVerdict {
  readonly targetId: string;
  readonly kind: VerdictKind;
  /** Vantage points that must say down for DOWN. */
  readonly quorum: number;
  /** Vantage points that must say up for UP (n - quorum + 1). */
  readonly upNeeded: number;
  readonly counts: Readonly<Record<VantageView, number>>;
  readonly vantages: readonly VantageDetail[];
  readonly reason: string;
}

/** What judgeTarget needs: the configured vantage ids, their states, thresholds and the current time. */
export interface QuorumInput {
  readonly targetId: string;
  readonly vantageIds: readonly string[];
  readonly states: ReadonlyMap<string, TargetState>;
  /** Down quorum; default floor(n/2) + 1. */
  readonly quorum?: number;
  /** A vantage point whose last probe was sent longer ago than this counts neither way. */
  readonly staleAfterMs: number;
  readonly now: number;
}

/** Thrown for a quorum the schema would have refused; says what range is valid. */
export class QuorumConfigError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'QuorumConfigError';
  }
}

/** A majority of n vantage points. */
export function defaultQuorum(n: number): number {
  return Math.floor(n / 2) + 1;
}

/**
 * A healthy vantage point sends a probe every intervalMs and hears back within
 * timeoutMs; allowing one missed probe on top keeps a brief hiccup of the probe
 * loop from discounting it.
 */
export function defaultStaleAfterMs(cfg: { readonly intervalMs: number; readonly timeoutMs: number }): number {
  return 2 * cfg.intervalMs + cfg.timeoutMs;
}

function viewOf(vantageId: string, state: TargetState | undefined, staleAfterMs: number, now: number): VantageDetail {
  if (state === undefined) return { vantageId, view: 'unknown', state: 'missing', reason: `${vantageId}: no report yet` };
  const last = state.last;
  const base = { vantageId, state: state.kind, ...(last ? { lastProbeAt: last.at } : {}), ...(last?.error ? { error: last.error } : {}) };
  if (last !== undefined && now - last.at > staleAfterMs) {
    return {
      ...base,
      view: 'stale',
      reason: `${vantageId}: stale, last probe ${now - last.at} ms ago (limit ${staleAfterMs} ms), ignored`,
    };
  }
  switch (state.kind) {
    case 'unknown':
      return { ...base, view: 'unknown', reason: `${vantageId}: undecided (${state.successes} ok, ${state.failures} failed in a row)` };
    case 'up':
      return { ...base, view: 'up', reason: `${vantageId}: up` };
    case 'suspect':
      return {
        ...base,
        view: 'up',
        reason: `${vantageId}: up, suspect after ${state.failures} failure(s)${last?.error ? ` (${last.error})` : ''}`,
      };
    case 'down':
      return { ...base, view: 'down', reason: `${vantageId}: down${last?.error ? ` (${last.error})` : ''}` };
  }
}

/** Judge one target from its per-vantage states. */
export function judgeTarget(input: QuorumInput): TargetVerdict {
  const n = input.vantageIds.length;
  if (n === 0) throw new QuorumConfigError(`target '${input.targetId}': expected at least one vantage point`);
  const quorum = input.quorum ?? defaultQuorum(n);
  if (!Number.isInteger(quorum) || quorum < 1 || quorum > n) {
    throw new QuorumConfigError(`health.quorum must be an integer from 1 to the number of vantage points (${n}), got ${quorum}`);
  }
  const upNeeded = n - quorum + 1;
  const vantages = input.vantageIds.map((id) => viewOf(id, input.states.get(id), input.staleAfterMs, input.now));
  const counts: Record<VantageView, number> = { up: 0, down: 0, unknown: 0, stale: 0 };
  for (const v of vantages) counts[v.view] += 1;

  const tally = `${counts.up} up, ${counts.down} down, ${counts.unknown} undecided, ${counts.stale} stale of ${n}`;
  const saying = (view: VantageView) =>
    vantages
      .filter((v) => v.view === view)
      .map((v) => v.reason)
      .join('; ');
  let kind: VerdictKind;
  let reason: string;
  if (counts.down >= quorum) {
    kind = 'down';
    reason = `down: ${counts.down} of ${n} vantage points say down (quorum ${quorum}): ${saying('down')}`;
  } else if (counts.up >= upNeeded) {
    kind = 'up';
    const dissent = counts.down > 0 ? `; outvoted: ${saying('down')}` : '';
    reason = `up: ${counts.up} of ${n} vantage points say up (${upNeeded} needed)${dissent}`;
  } else {
    kind = 'unknown';
    reason = `unknown: no quorum either way (${tally}; down needs ${quorum}, up needs ${upNeeded})`;
  }
  return { targetId: input.targetId, kind, quorum, upNeeded, counts, vantages, reason };
}
