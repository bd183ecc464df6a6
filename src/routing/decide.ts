/**
 * The routing decision for one service: verdicts + published answer + overrides
 * + time → what DNS should serve. Pure and synchronous.
 *
 * Order of reasoning:
 * 1. pin: serve the pinned target unless it is down by quorum (then `pinIgnored`);
 * 2. usable targets: verdict up, or unknown but already published (healthy until
 *    proven: a cold start or lost vantage points must not move traffic, but
 *    traffic is never moved *to* a target nobody has seen up);
 * 3. drain: usable targets outside drained clouds; if none, the drained ones
 *    (`drainIgnored`): serving a healthy drained cloud beats an empty or dead answer;
 * 4. policy (failover / multivalue) over what is left; nothing left → fail open;
 * 5. dwell: a different answer within dwellMs of the last change is held, unless
 *    the published answer has a target that is down or drained, or a pin is applied.
 * A paused service gets the same reasoning, reported as `wouldBe`, and no write.
 */
import type { VerdictKind } from '../health/quorum.js';
import {
  answerFromAddresses,
  answerOf,
  sameAddresses,
  type Answer,
  type PublishedAnswer,
  type RoutedService,
  type RoutedTarget,
} from './answer.js';
import type { ActiveDecision, Decision, OverrideReport } from './decision.js';
import { dwellGate } from './dwell.js';
import { NO_OVERRIDES, type ServiceOverrides } from './overrides.js';
import { applyPolicy } from './policy.js';

/** Everything one decision depends on; `verdicts` lacking a target means unknown. */
export interface DecideInput {
  readonly service: RoutedService;
  readonly verdicts: ReadonlyMap<string, { readonly kind: VerdictKind }>;
  /** What DNS serves now; an empty address list counts as nothing published. */
  readonly published: PublishedAnswer | undefined;
  readonly overrides?: ServiceOverrides;
  readonly now: number;
  readonly dwellMs: number;
}

function listTargets(targets: readonly RoutedTarget[]): string {
  return targets.length === 0 ? 'none' : targets.map((t) => `${t.id} ${t.address}`).join(', ');
}

function listAnswer(a: Answer): string {
  return `[${a.addresses.join(', ')}]`;
}

/** Decide what one service's DNS answer should be. */
export function decide(input: DecideInput): Decision {
  const overrides = input.overrides ?? NO_OVERRIDES;
  const active = decideActive(input, overrides);
  if (!overrides.paused) return active;
  const live = livePublished(input);
  const shown = live ? answerFromAddresses(input.service, live.addresses) : active;
  const what = live ? `keeping ${listAnswer(shown)}` : `nothing is published and nothing will be until resumed`;
  return {
    kind: 'paused',
    service: input.service.name,
    addresses: shown.addresses,
    targetIds: shown.targetIds,
    basedOnGeneration: live?.generation,
    overrides: { ...active.overrides, paused: true },
    reason: `paused by the operator, ${what}; unpaused this would be ${active.kind}: ${active.reason}`,
    wouldBe: active,
  };
}

function livePublished(input: DecideInput): PublishedAnswer | undefined {
  // An empty published answer is treated as none, so the result is never empty (I1).
  return input.published !== undefined && input.published.addresses.length > 0 ? input.published : undefined;
}

function decideActive(input: DecideInput, overrides: ServiceOverrides): ActiveDecision {
  const { service, now, dwellMs } = input;
  const health = (t: RoutedTarget): VerdictKind => input.verdicts.get(t.id)?.kind ?? 'unknown';
  const summary = service.targets.map((t) => `${t.id} ${health(t)}`).join(', ');
  const published = livePublished(input);
  const live = published ? answerFromAddresses(service, published.addresses) : undefined;
  const liveIds = new Set(live?.targetIds ?? []);
  const drained = new Set(overrides.drainedClouds);
  const notes: string[] = [];
  let pinIgnored = false;
  let drainIgnored = false;
  let pinApplied = false;
  let wanted: RoutedTarget[] = [];

  const pinId = overrides.pinnedTargetId;
  if (pinId !== undefined) {
    const pinned = service.targets.find((t) => t.id === pinId);
    if (pinned === undefined) {
      pinIgnored = true;
      notes.push(`pin ignored: '${pinId}' is not a target of ${service.name}`);
    } else if (health(pinned) === 'down') {
      pinIgnored = true;
      notes.push(`pin ignored: pinned target ${pinId} is down by quorum, routing by policy instead`);
    } else {
      pinApplied = true;
      wanted = [pinned];
      notes.push(
        `pinned to ${pinId} (health ${health(pinned)})${drained.has(pinned.cloud) ? `, the pin overrides the drain of ${pinned.cloud}` : ''}`,
      );
    }
  }

  if (!pinApplied) {
    const usable = service.targets.filter((t) => health(t) === 'up' || (health(t) === 'unknown' && liveIds.has(t.id)));
    const undrained = usable.filter((t) => !drained.has(t.cloud));
    if (undrained.length > 0) {
      wanted = applyPolicy(service.policy, undrained);
    } else if (usable.length > 0) {
      drainIgnored = drained.size > 0;
      wanted = applyPolicy(service.policy, usable);
      notes.push(
        `drain of ${[...drained].join(', ')} ignored: no usable target outside drained clouds, serving ${listTargets(wanted)} rather than fail open`,
      );
    }
  }

  const report: OverrideReport = {
    paused: overrides.paused,
    ...(pinId !== undefined ? { pinnedTargetId: pinId } : {}),
    pinIgnored,
    drainedClouds: [...drained],
    drainIgnored,
    notes,
  };
  const base = { service: service.name, basedOnGeneration: published?.generation, overrides: report };

  if (wanted.length === 0) {
    const alert = `no usable target for ${service.name} (${summary})`;
    if (live !== undefined) {
      return {
        ...base,
        kind: 'fail-open',
        ...live,
        failOpen: true,
        firstPublish: false,
        alert,
        reason: `${alert}: fail open, keeping the last published answer ${listAnswer(live)}`,
      };
    }
    const undrained = service.targets.filter((t) => !drained.has(t.cloud));
    const first = answerOf(service, applyPolicy(service.policy, undrained.length > 0 ? undrained : service.targets));
    return {
      ...base,
      kind: 'fail-open',
      ...first,
      failOpen: true,
      firstPublish: true,
      alert,
      reason: `${alert}: fail open, nothing was published yet, publishing the ${service.policy} answer over all targets ${listAnswer(first)}`,
    };
  }

  const answer = answerOf(service, wanted);
  const why = pinApplied ? `pinned by the operator` : `${service.policy} over usable targets (${summary})`;
  if (live === undefined || published === undefined) {
    return {
      ...base,
      kind: 'change',
      ...answer,
      previous: undefined,
      urgent: false,
      reason: `first publish of ${listAnswer(answer)}: ${why}`,
    };
  }
  if (sameAddresses(service, answer.addresses, live.addresses)) {
    return { ...base, kind: 'keep', ...answer, reason: `keeping ${listAnswer(answer)}: ${why}` };
  }

  // Leaving a dead or drained target is what failover is for; damping it would prolong the outage.
  const wantedIds = new Set(answer.targetIds);
  const dropped = service.targets.filter((t) => liveIds.has(t.id) && !wantedIds.has(t.id));
  const dead = dropped.filter((t) => health(t) === 'down');
  const drainedAway = drainIgnored ? [] : dropped.filter((t) => drained.has(t.cloud));
  const urgentBecause =
    dead.length > 0
      ? `moving away from down ${listTargets(dead)}`
      : drainedAway.length > 0
        ? `draining ${listTargets(drainedAway)}`
        : pinApplied
          ? `applying the operator's pin`
          : undefined;

  const gate = dwellGate(published.changedAt, now, dwellMs);
  if (urgentBecause === undefined && gate.kind === 'closed') {
    return {
      ...base,
      kind: 'hold',
      ...live,
      held: { until: gate.until, wanted: answer },
      reason: `holding ${listAnswer(live)} until ${gate.until} (dwell ${dwellMs} ms since the change at ${published.changedAt}); wanted ${listAnswer(answer)}: ${why}`,
    };
  }
  const urgent = urgentBecause !== undefined && gate.kind === 'closed';
  const because = urgentBecause ?? why;
  return {
    ...base,
    kind: 'change',
    ...answer,
    previous: live,
    urgent,
    reason: `change ${listAnswer(live)} → ${listAnswer(answer)}: ${because}${urgent ? ' (dwell skipped)' : ''}`,
  };
}
