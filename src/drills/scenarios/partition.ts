/**
 * partition: one vantage point loses its path to AWS (its probes get no answer)
 * while AWS is fine. That vantage point sees AWS down, but the quorum is not
 * met, so nothing moves: a prober's trouble must not look like the target's.
 */
import { answersOtherThan, clientsOn, effectiveWrites, firstAfter, verdicts } from './checks.js';
import { patience, type TopologyScenario } from './scenario.js';

export const partition: TopologyScenario = {
  kind: 'topology',
  name: 'partition',
  summary: 'one vantage point loses AWS; the quorum is not met, nothing moves',
  proves: 'I6 quorum: one partitioned prober cannot move traffic; I1; I2',
  async run(ctx) {
    const vp = ctx.topology.vantagePoints[0];
    if (vp === undefined) throw new Error('the topology has no vantage point to partition');
    ctx.progress(`fault: vantage point ${vp.id} loses its path to AWS`);
    const faultAt = ctx.now();
    vp.partition('aws');
    const seen = await ctx.waitFor(
      () =>
        ctx
          .events()
          .some((e) => e.type === 'probe-state' && e.targetId === 'aws' && e.vantageId === vp.id && e.after === 'down' && e.at >= faultAt),
      patience(ctx.settings),
    );
    ctx.progress(
      seen
        ? `${vp.id} sees aws down after ${ctx.now() - faultAt} ms; watching that nothing moves`
        : `${vp.id} did not see aws down in time`,
    );
    // As long again as detection may take, plus a dwell: time for a wrong move to show.
    const h = ctx.settings.health;
    await ctx.sleep(h.intervalMs + (h.fall - 1) * h.fastIntervalMs + h.timeoutMs + ctx.settings.dwellMs);
    vp.heal('aws');
    return { faultAt, faultTarget: 'aws', facts: { vantage: vp.id } };
  },
  judge({ obs, run, addresses }) {
    const vantage = String(run.facts?.vantage ?? '');
    const seen = firstAfter(
      obs.events,
      'probe-state',
      obs.faultAt,
      (e) => e.targetId === 'aws' && e.vantageId === vantage && e.after === 'down',
    );
    const down = verdicts(obs.events, 'aws').filter((v) => v.after === 'down' && v.at >= obs.faultAt);
    const writes = effectiveWrites(obs.events, obs.faultAt, obs.endedAt);
    const other = answersOtherThan(obs.answers, [addresses.aws], obs.faultAt, obs.endedAt);
    const traffic = obs.traffic ?? [];
    const onAws = obs.traffic !== undefined && clientsOn(traffic, 'aws', undefined, obs.endedAt);
    return {
      invariants: [
        {
          name: 'partition took effect',
          ok: seen !== undefined,
          detail: seen ? `${vantage} saw aws down after ${seen.at - obs.faultAt} ms` : `${vantage} never saw aws down`,
        },
        {
          name: 'no down verdict (quorum not met)',
          ok: down.length === 0,
          detail: down.length === 0 ? 'aws was never declared down' : `declared down: ${down[0]?.reason}`,
        },
        {
          name: 'no failover',
          ok: writes.length === 0,
          detail: writes.length === 0 ? 'nothing was written' : `${writes.length} publish(es), first [${writes[0]?.after.join(', ')}]`,
        },
        {
          name: 'aws still served',
          ok: other.length === 0,
          detail: other.length === 0 ? `every provider kept answering [${addresses.aws}]` : other.slice(0, 5).join('; '),
        },
        {
          name: 'clients on aws',
          ok: onAws,
          detail:
            obs.traffic === undefined
              ? 'ran without traffic'
              : onAws
                ? 'the last requests were all answered by aws'
                : 'the last requests were not all answered by aws',
        },
      ],
      details: { vantage, vantage_down_ms: seen ? seen.at - obs.faultAt : null },
    };
  },
};
