/**
 * cloud-outage: AWS's service stops answering (connections refused). The
 * controller must declare it down by quorum within the detection worst case and move
 * the answer to Azure on every provider; clients follow within a TTL.
 */
import type { Cloud } from '../../routing/answer.js';
import { clientWindowOptions, detectionFloors, present, within, type Invariant } from '../report.js';
import { clientErrorWindow } from '../traffic-timeline.js';
import type { CloudChaosMode } from '../chaos.js';
import { clientsOn } from './checks.js';
import { patience, type DrillContext, type JudgeInput, type ScenarioRun, type ScenarioVerdict, type TopologyScenario } from './scenario.js';

/**
 * Break AWS with `mode` and wait until every provider answers Azure and the
 * clients are there (or the deadline passes; the judge then says what is missing).
 */
export async function breakPrimary(ctx: DrillContext, mode: CloudChaosMode, what: string): Promise<ScenarioRun> {
  const expected = [ctx.addresses.azure];
  ctx.progress(`fault: ${what}`);
  // The fault counts from the call: the service may finish closing a little later.
  const faultAt = ctx.now();
  await ctx.topology.chaosCloud('aws', mode);
  const moved = await ctx.waitFor(() => ctx.served(expected), patience(ctx.settings));
  ctx.progress(
    moved
      ? `every provider answers azure (${expected[0]}) after ${ctx.now() - faultAt} ms`
      : 'the providers did not all move to azure in time',
  );
  if (moved) await ctx.waitFor(() => ctx.clientsOn('azure'), ctx.settings.ttl * 1000 + 5_000);
  return { faultAt, faultTarget: 'aws', expectedAnswer: expected };
}

/** What every "the primary broke, traffic moves" drill must show. */
export function movedAway(input: JudgeInput, to: Cloud): ScenarioVerdict {
  const { figures: f, obs } = input;
  // The worst case: the fault lands just after a successful probe.
  const floor = detectionFloors(obs.health).design;
  const traffic = obs.traffic ?? [];
  const window = clientErrorWindow(traffic, obs.faultAt, clientWindowOptions(obs));
  const unpublished = Object.entries(f.publish_ms)
    .filter(([, ms]) => ms === null)
    .map(([p]) => p);
  const invariants: Invariant[] = [
    present('detected', f.detect_ms, 'aws declared down by quorum'),
    within('detected within the worst case', f.detect_ms, floor, 'worst case interval + (fall−1) × fast interval + timeout ='),
    {
      name: 'published everywhere',
      ok: unpublished.length === 0,
      detail:
        unpublished.length === 0 ? 'every provider acknowledged the new answer' : `no acknowledged write on ${unpublished.join(', ')}`,
    },
    present('moved (rto)', f.rto_ms, `every provider answers ${to}`),
    {
      name: `clients on ${to}`,
      ok: obs.traffic !== undefined && clientsOn(traffic, to, undefined, obs.endedAt),
      detail:
        obs.traffic === undefined
          ? 'ran without traffic'
          : clientsOn(traffic, to, undefined, obs.endedAt)
            ? `the last requests were all answered by ${to}`
            : `the last requests were not all answered by ${to}`,
    },
  ];
  return { invariants, details: { moved_to: to, client_errors_by_kind: window.errorsByKind, clients_recovered: window.recovered } };
}

export const cloudOutage: TopologyScenario = {
  kind: 'topology',
  name: 'cloud-outage',
  summary: 'AWS stops answering (connections refused); traffic moves to Azure',
  proves: 'detection within its worst case, interval + (fall−1) × fast interval + timeout; I1 never empty; I2 no stale write',
  run: (ctx) => breakPrimary(ctx, 'down', 'AWS stops answering (chaos down)'),
  judge: (input) => movedAway(input, 'azure'),
};
