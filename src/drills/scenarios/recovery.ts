/**
 * recovery: AWS fails, traffic moves to Azure, then AWS comes back. Traffic
 * returns only after `rise` healthy probes (by quorum) and once the dwell since
 * the failover has passed: returning to a recovered target is never urgent.
 */
import { movingWrite, present, servedAfter } from '../report.js';
import { answeredBy, clientsOn, decisionOf, verdicts } from './checks.js';
import { breakPrimary, movedAway } from './cloud-outage.js';
import { patience, type TopologyScenario } from './scenario.js';

export const recovery: TopologyScenario = {
  kind: 'topology',
  name: 'recovery',
  summary: 'AWS fails and comes back: traffic returns only after rise healthy probes and the dwell',
  proves: 'I6: recovery waits for rise and dwell, never urgent; I1; I2',
  async run(ctx) {
    const failover = await breakPrimary(ctx, 'down', 'AWS stops answering (chaos down)');
    ctx.progress('heal: AWS answers again');
    const healAt = ctx.now();
    await ctx.topology.chaosCloud('aws', 'healthy');
    const back = await ctx.waitFor(() => ctx.served([ctx.addresses.aws]), patience(ctx.settings, ctx.settings.dwellMs));
    ctx.progress(
      back ? `every provider answers aws again ${ctx.now() - healAt} ms after the heal` : 'traffic did not return to aws in time',
    );
    if (back) await ctx.waitFor(() => ctx.clientsOn('aws'), ctx.settings.ttl * 1000 + 5_000);
    return { ...failover, marks: { healAt } };
  },
  judge(input) {
    const { obs, run, settings, addresses } = input;
    const h = settings.health;
    const healAt = run.marks?.healAt ?? obs.endedAt;
    const base = movedAway(input, 'azure');
    const away = movingWrite(obs.events, [addresses.azure], obs.faultAt);
    const back = movingWrite(obs.events, [addresses.aws], healAt);
    const decision = back ? decisionOf(obs.events, back) : undefined;
    const riseMs = (h.rise - 1) * h.fastIntervalMs;
    const dwellLeftMs = away ? Math.max(0, away.at + settings.dwellMs - healAt) : 0;
    const boundMs = Math.max(riseMs, dwellLeftMs);
    const decidedMs = decision ? decision.at - healAt : null;
    const up = verdicts(obs.events, 'aws').find((v) => v.after === 'up' && v.at >= healAt);
    const traffic = obs.traffic ?? [];
    const early = decision ? answeredBy(traffic, 'aws', healAt, decision.at) : 0;
    const onAws = obs.traffic !== undefined && clientsOn(traffic, 'aws', undefined, obs.endedAt);
    return {
      invariants: [
        ...base.invariants.filter((i) => i.name !== 'clients on azure'),
        present('returned to aws', back ? back.at - healAt : null, 'aws published again'),
        {
          name: 'waited for rise and dwell',
          ok: decidedMs !== null && decidedMs >= boundMs,
          detail:
            decidedMs === null
              ? 'no return decision'
              : `decided ${decidedMs} ms after the heal ${decidedMs >= boundMs ? '≥' : '<'} max(rise ${riseMs} ms, dwell left ${dwellLeftMs} ms)`,
        },
        {
          name: 'quorum saw aws up first',
          ok: up !== undefined && decision !== undefined && up.at <= decision.at,
          detail: up ? `aws up ${up.at - healAt} ms after the heal: ${up.reason}` : 'no up verdict for aws after the heal',
        },
        {
          name: 'return not urgent',
          ok: decision !== undefined && !decision.urgent,
          detail: decision ? (decision.urgent ? 'the return skipped the dwell' : 'the return waited for the dwell') : 'no return decision',
        },
        {
          name: 'no client on aws before the return',
          ok: early === 0,
          detail: `${early} request(s) reached aws between the heal and the return decision`,
        },
        {
          name: 'clients back on aws',
          ok: onAws,
          detail:
            obs.traffic === undefined
              ? 'ran without traffic'
              : onAws
                ? 'the last requests were all answered by aws'
                : 'the last requests were not all answered by aws',
        },
      ],
      details: {
        ...base.details,
        return_decided_ms: decidedMs,
        return_published_ms: back ? back.at - healAt : null,
        return_served_ms: servedAfter(obs.answers, [addresses.aws], healAt, Object.keys(obs.answers)),
        return_bound_ms: boundMs,
        rise_floor_ms: riseMs,
        dwell_left_at_heal_ms: dwellLeftMs,
      },
    };
  },
};
