/**
 * What decide() says about one service. Every kind carries a non-empty answer
 * (`addresses`, `targetIds`): the answer DNS should serve after this decision.
 * Only `change`, and `fail-open` before anything was ever published, ask for a write.
 */
import type { Answer, Cloud } from './answer.js';

/** How the operator's overrides were applied, for the dashboard and the audit log. */
export interface OverrideReport {
  readonly paused: boolean;
  readonly pinnedTargetId?: string;
  /** A pin was set but not honoured (its target is down by quorum, or does not exist). */
  readonly pinIgnored: boolean;
  readonly drainedClouds: readonly Cloud[];
  /** The drain was set aside because no usable target was left outside drained clouds. */
  readonly drainIgnored: boolean;
  /** One sentence per override effect. */
  readonly notes: readonly string[];
}

/** Fields every decision has. */
interface DecisionBase extends Answer {
  readonly service: string;
  readonly reason: string;
  /** The published generation this was decided from (undefined before the first publish); plans derived from it are conditional on it. */
  readonly basedOnGeneration: number | undefined;
  readonly overrides: OverrideReport;
}

/** The published answer is already the wanted one. */
export interface KeepDecision extends DecisionBase {
  readonly kind: 'keep';
}

/** Publish a new answer; `urgent` means it skipped the dwell (moving off a down or drained target, or applying a pin). */
export interface ChangeDecision extends DecisionBase {
  readonly kind: 'change';
  readonly previous: Answer | undefined;
  readonly urgent: boolean;
}

/** A different answer is wanted but the dwell has not elapsed; the published answer stays until `held.until`. */
export interface HoldDecision extends DecisionBase {
  readonly kind: 'hold';
  readonly held: { readonly until: number; readonly wanted: Answer };
}

/** No target is usable: keep serving rather than go empty, and alert. */
export interface FailOpenDecision extends DecisionBase {
  readonly kind: 'fail-open';
  readonly failOpen: true;
  readonly alert: string;
  /** Nothing was published yet, so the answer is the policy over all targets and must be written. */
  readonly firstPublish: boolean;
}

/** The decision an unpaused service would get. */
export type ActiveDecision = KeepDecision | ChangeDecision | HoldDecision | FailOpenDecision;

/** The operator paused the service: nothing is written; `wouldBe` shows what would have happened. */
export interface PausedDecision extends DecisionBase {
  readonly kind: 'paused';
  readonly wouldBe: ActiveDecision;
}

/** One service's routing decision. */
export type Decision = ActiveDecision | PausedDecision;

/** Whether the controller must write `addresses` to DNS for this decision. */
export function shouldPublish(decision: Decision): boolean {
  switch (decision.kind) {
    case 'change':
      return true;
    case 'fail-open':
      return decision.firstPublish;
    case 'keep':
    case 'hold':
    case 'paused':
      return false;
  }
}
